"""Reading and writing the dataset folder that the built-in models train on.

A dataset folder holds ``images_<S>.npy`` arrays (uint8, ``(N, S, S, 4)``, straight RGBA),
``items.jsonl`` (one JSON object per image), ``manifest.json`` and ``ATTRIBUTION.md``. The
layout is a contract with the training code; see :func:`write_dataset`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from studio.domain.files import special_file_kind
from studio.imaging.atomic import atomic_write_bytes, atomic_write_stream
from studio.train.data.dataset_reading import (
    MAX_ITEMS_BYTES,
    MAX_MANIFEST_BYTES,
    DatasetError,
    check_item,
    check_manifest,
    parse_json,
    parse_json_lines,
    read_bytes,
    read_text,
)

__all__ = [
    "ATTRIBUTION_NAME",
    "ITEMS_NAME",
    "ITEM_KEYS",
    "MANIFEST_NAME",
    "SPLITS",
    "DatasetError",
    "SourceRecord",
    "dataset_sizes",
    "images_name",
    "items_sha256",
    "read_items",
    "read_manifest",
    "write_dataset",
]

FORMAT_NAME = "studio-dataset"
FORMAT_VERSION = 1
ITEMS_NAME = "items.jsonl"
MANIFEST_NAME = "manifest.json"
ATTRIBUTION_NAME = "ATTRIBUTION.md"
SPLITS = ("train", "heldout")
ITEM_KEYS = ("caption", "concept", "style", "source", "license", "split", "key")
SMALL_SIZE = 32  # every dataset also carries 32 px images for the small models


def images_name(size: int) -> str:
    """File name of the image array at ``size`` pixels."""
    return f"images_{size}.npy"


def dataset_sizes(size: int) -> list[int]:
    """Sizes a dataset with main size ``size`` carries: the main one first, then 32 px."""
    return [size] if size == SMALL_SIZE else [size, SMALL_SIZE]


# What a source's manifest entry holds, in this order (the license text goes to its own file).
_MANIFEST_FIELDS = ("name", "package", "version", "license", "url", "attribution", "count")


@dataclass(frozen=True)
class SourceRecord:
    """Where a part of a dataset came from, for the manifest and the attribution file."""

    name: str
    package: str
    version: str
    license: str
    url: str
    attribution: str
    count: int = 0
    license_text: str = field(default="", repr=False)
    license_url: str = ""

    def to_manifest(self) -> dict[str, Any]:
        """The source's entry in the dataset manifest."""
        return {name: getattr(self, name) for name in _MANIFEST_FIELDS}


def items_bytes(items: Sequence[dict[str, Any]]) -> bytes:
    """The exact bytes of ``items.jsonl`` (sorted keys, so equal items give equal bytes)."""
    lines = [json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def content_sha256(arrays: dict[int, np.ndarray], items_blob: bytes) -> str:
    """Hash of every image array and of ``items.jsonl``: equal hashes mean equal datasets."""
    digest = hashlib.sha256()
    for size in sorted(arrays):
        array = np.ascontiguousarray(arrays[size])
        digest.update(f"{size}:{array.shape}:{array.dtype.str}\n".encode())
        digest.update(array.tobytes())
    digest.update(items_blob)
    return digest.hexdigest()


def write_dataset(
    out_dir: Path,
    arrays: dict[int, np.ndarray],
    items: Sequence[dict[str, Any]],
    sources: Sequence[SourceRecord],
    attribution_md: str,
    size: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a complete dataset folder and return its manifest.

    Parameters
    ----------
    out_dir
        Created if needed; existing dataset files in it are replaced.
    arrays
        ``{size: uint8 (N, size, size, 4)}`` for every size of :func:`dataset_sizes`.
    items
        One dict per image with the keys of :data:`ITEM_KEYS`.
    sources
        Provenance of the images, with per-source counts.
    attribution_md
        Text of ``ATTRIBUTION.md``.
    size
        The main image size.
    extra
        More manifest entries (how the dataset was augmented, ...).
    """
    _check_arrays(arrays, len(items), size)
    out_dir.mkdir(parents=True, exist_ok=True)
    blob = items_bytes(items)
    for side, array in arrays.items():
        atomic_write_stream(out_dir / images_name(side), partial(np.save, arr=array))
    atomic_write_bytes(out_dir / ITEMS_NAME, blob)
    atomic_write_bytes(out_dir / ATTRIBUTION_NAME, attribution_md.encode("utf-8"))
    splits = {name: sum(1 for item in items if item["split"] == name) for name in SPLITS}
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "count": len(items),
        "size": size,
        "sizes": dataset_sizes(size),
        "splits": splits,
        "sources": [source.to_manifest() for source in sources],
        "content_sha256": content_sha256(arrays, blob),
        **(extra or {}),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    # The manifest goes last: a folder with a manifest is a complete dataset.
    atomic_write_bytes(out_dir / MANIFEST_NAME, text.encode("utf-8"))
    return manifest


def _check_arrays(arrays: dict[int, np.ndarray], count: int, size: int) -> None:
    if sorted(arrays) != sorted(dataset_sizes(size)):
        raise ValueError(f"arrays for sizes {sorted(arrays)}, expected {dataset_sizes(size)}")
    for side, array in arrays.items():
        if array.dtype != np.uint8 or array.shape != (count, side, side, 4):
            raise ValueError(f"images_{side} is {array.dtype} {array.shape}, not uint8 RGBA")


def read_manifest(dataset_dir: Path) -> dict[str, Any]:
    """The manifest of a dataset folder, checked to hold the fields the training code reads.

    Raises
    ------
    DatasetError
        If the folder holds no readable Studio dataset manifest.
    """
    path = Path(dataset_dir) / MANIFEST_NAME
    kind = special_file_kind(path)
    if kind is not None:  # name the folder: every dataset's manifest has the same name
        raise DatasetError(f"{path} is {kind}, not a file: rebuild the dataset in a new folder.")
    try:
        text = read_text(path, what="dataset manifest", max_bytes=MAX_MANIFEST_BYTES)
    except DatasetError:
        if os.path.lexists(path):
            raise
        raise DatasetError(
            f"{dataset_dir} is not a dataset: {MANIFEST_NAME} is missing "
            "(build one with `studio data build --out DIR`)."
        ) from None
    manifest = parse_json(text, str(path), "rebuild the dataset")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise DatasetError(f"{path} is not a Studio dataset manifest; rebuild the dataset.")
    if manifest.get("version") != FORMAT_VERSION:
        raise DatasetError(
            f"{dataset_dir} has dataset format version {str(manifest.get('version'))[:20]}, "
            f"this Studio reads version {FORMAT_VERSION}: rebuild it with this Studio."
        )
    return check_manifest(manifest, path)


def read_items(dataset_dir: Path) -> list[dict[str, Any]]:
    """The parsed lines of ``items.jsonl``, each checked to hold every key of :data:`ITEM_KEYS`.

    Raises
    ------
    DatasetError
        Naming the file and line that is unreadable, not JSON or lacks a field.
    """
    path = Path(dataset_dir) / ITEMS_NAME
    text = read_text(path, what="dataset item list", max_bytes=MAX_ITEMS_BYTES)
    items = []
    for number, item in parse_json_lines(text, path, "rebuild the dataset"):
        check_item(item, f"{path} line {number}", ITEM_KEYS, SPLITS)
        items.append(item)
    return items


def items_sha256(dataset_dir: Path) -> str:
    """Hash of ``items.jsonl`` as stored (keys caches derived from the captions)."""
    path = Path(dataset_dir) / ITEMS_NAME
    data = read_bytes(path, what="dataset item list", max_bytes=MAX_ITEMS_BYTES)
    return hashlib.sha256(data).hexdigest()
