"""The image-caption datasets the built-in models train on.

Build one with ``studio data build`` (:mod:`studio.train.data.build`) or, in tests, with
:func:`studio.train.data.synthetic.write_synthetic_dataset`; read it with :func:`load_dataset`
and its frozen MiniLM caption embeddings with
:func:`studio.train.data.embeddings.load_caption_embeddings`. Nothing here imports torch at
module level.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studio.domain.files import require_regular_file
from studio.train.data.dataset_format import (
    SPLITS,
    DatasetError,
    images_name,
    read_items,
    read_manifest,
)

__all__ = ["Dataset", "DatasetError", "load_dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded dataset folder.

    Parameters
    ----------
    path
        The dataset folder.
    size
        Side of the images in :attr:`images`.
    images
        ``(N, size, size, 4)`` uint8 straight RGBA (memory-mapped, read-only).
    items
        ``items[i]`` describes ``images[i]``: caption, concept, style, source, license, split, key.
    manifest
        The parsed ``manifest.json``.
    """

    path: Path
    size: int
    images: np.ndarray
    items: list[dict[str, Any]]
    manifest: dict[str, Any]

    def __len__(self) -> int:
        return len(self.items)

    @property
    def captions(self) -> list[str]:
        """Every caption, in image order."""
        return [item["caption"] for item in self.items]

    def split_indices(self, name: str) -> np.ndarray:
        """Indices (int64, ascending) of the images in split ``name`` (``train``/``heldout``)."""
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; use one of {SPLITS}")
        return np.array(
            [i for i, item in enumerate(self.items) if item["split"] == name], dtype=np.int64
        )


def load_dataset(dataset_dir: Path | str, size: int = 64) -> Dataset:
    """Open a dataset folder at one of its image sizes.

    Parameters
    ----------
    dataset_dir
        A folder written by ``studio data build`` or ``write_synthetic_dataset``.
    size
        Which image array to open; one of ``manifest["sizes"]``.

    Raises
    ------
    DatasetError
        If the folder is not a complete dataset or lacks the size asked for.
    """
    folder = Path(dataset_dir)
    manifest = read_manifest(folder)
    if size not in manifest.get("sizes", []):
        raise DatasetError(
            f"{folder} has images at {manifest.get('sizes')} px, not {size} px: "
            f"rebuild it with `studio data build --size {size}`."
        )
    path = folder / images_name(size)
    require_regular_file(path, DatasetError)  # memory-mapping a FIFO would block
    try:
        images = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path} is unreadable ({exc}); rebuild the dataset.") from None
    items = read_items(folder)
    if images.shape != (len(items), size, size, 4) or images.dtype != np.uint8:
        raise DatasetError(
            f"{path} holds {images.shape} {images.dtype} for {len(items)} items: "
            "the dataset is incomplete; rebuild it."
        )
    return Dataset(folder, size, images, items, manifest)
