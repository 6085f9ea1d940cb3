"""A dataset from an artist's own images: ``studio data build --from-folder DIR``.

Captions come from a ``metadata.csv`` (columns ``file_name,text`` and optionally ``style``)
or ``metadata.jsonl`` (``{"file_name": ..., "text": ...}``) beside the images, the layout
Hugging Face's image-folder datasets use; otherwise from the file name
(``red-potion_2.png`` -> ``"red potion"``). A file that cannot be read is skipped and counted,
never fatal: one bad export should not cost an artist the whole dataset.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from studio.domain.errors import ImageReadError
from studio.train.data.attribution import attribution_markdown
from studio.train.data.captions import compose_caption, name_from_slug
from studio.train.data.dataset_format import (
    DatasetError,
    SourceRecord,
    dataset_sizes,
    write_dataset,
)
from studio.train.data.dataset_reading import MAX_METADATA_BYTES, parse_json_lines, read_text
from studio.train.data.raster import MARGIN, alpha_bbox, icon_to_sizes, pixel_grid_to_sizes
from studio.train.data.split import assign_splits

IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".jpeg")
METADATA_NAMES = ("metadata.csv", "metadata.jsonl")
USER_LICENSE = "user-provided"
MAX_SOURCE_PIXELS = 4096 * 4096  # sprites are small; a poster-sized file is a mistake
# The shipped models trained on 27,609 images; the arrays of 100,000 at 128 px take 7 GB.
MAX_FOLDER_IMAGES = 100_000


@dataclass(frozen=True)
class FolderBuildResult:
    """The manifest written and the files that were skipped, with the reason for each."""

    manifest: dict[str, Any]
    skipped: list[tuple[str, str]] = field(default_factory=list)


def build_from_folder(folder: Path | str, out_dir: Path | str, size: int = 64) -> FolderBuildResult:
    """Build a dataset from the PNG, WebP and JPEG files under ``folder`` (recursively).

    Parameters
    ----------
    folder
        The images, with optional ``metadata.csv`` / ``metadata.jsonl`` files.
    out_dir
        Dataset folder to write.
    size
        Main image side.

    Raises
    ------
    DatasetError
        If the folder is missing, a metadata file is malformed, or no image is usable.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder: give the folder that holds your images.")
    files = image_files(root)
    if len(files) > MAX_FOLDER_IMAGES:
        # Counted before the first image is decoded: the arrays are held in memory.
        raise DatasetError(
            f"{root} holds {len(files):,} images; a dataset from a folder takes at most "
            f"{MAX_FOLDER_IMAGES:,}: split the folder or pick a subfolder."
        )
    captions = read_metadata(root)
    sizes = dataset_sizes(size)
    rasters: dict[int, list[np.ndarray]] = {side: [] for side in sizes}
    items, skipped = [], []
    for path in files:
        relative = path.relative_to(root).as_posix()
        try:
            images = sprite_to_sizes(_load_rgba(path), sizes)
        except ImageReadError as exc:
            skipped.append((relative, str(exc)))
            continue
        if images is None:
            skipped.append((relative, "the image is fully transparent"))
            continue
        for side in sizes:
            rasters[side].append(images[side])
        items.append(_item(relative, captions.get(relative, {})))
    if not items:
        raise DatasetError(f"No readable PNG, WebP or JPEG image was found under {root}.")
    assign_splits(items)
    arrays = {side: np.stack(images) for side, images in rasters.items()}
    record = SourceRecord(
        name="user",
        package=root.name,
        version="",
        license=USER_LICENSE,
        url="",
        attribution=f"Images provided by the user (folder {root.name}); their terms apply.",
        count=len(items),
    )
    manifest = write_dataset(
        Path(out_dir), arrays, items, [record], attribution_markdown([record]), size
    )
    return FolderBuildResult(manifest, skipped)


def image_files(root: Path) -> list[Path]:
    """Image files under ``root``, in a stable order (sorted by relative path)."""
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def caption_from_file_name(name: str) -> str:
    """``"red-potion_2.png"`` -> ``"red potion"``: separators become spaces, counters go."""
    stem = PurePosixPath(name).stem
    stem = re.sub(r"[\s_-]*(\(\d+\)|\d+)$", "", stem) or stem
    return name_from_slug(re.sub(r"\s+", "-", stem))


def read_metadata(root: Path) -> dict[str, dict[str, str]]:
    """``{relative image path: {"text": ..., "style": ...}}`` from every metadata file.

    A metadata file's ``file_name`` is relative to the folder the metadata file is in.
    """
    rows: dict[str, dict[str, str]] = {}
    for path in sorted(p for name in METADATA_NAMES for p in root.rglob(name)):
        base = path.parent.relative_to(root)
        for entry in _metadata_rows(path):
            relative = (base / entry["file_name"]).as_posix()
            rows[PurePosixPath(relative).as_posix().removeprefix("./")] = entry
    return rows


def _metadata_rows(path: Path) -> list[dict[str, str]]:
    text = read_text(path, what="metadata file", max_bytes=MAX_METADATA_BYTES)
    fix = "fix or remove it"
    if path.suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        try:
            raw = list(reader)
        except csv.Error as exc:  # a field over csv's size limit, a stray quote ...
            line = reader.line_num
            raise DatasetError(f"{path} line {line} is not CSV ({exc}); {fix}.") from None
    else:
        raw = [row for _, row in parse_json_lines(text, path, "fix or remove that line")]
    rows = []
    for number, row in enumerate(raw, 1):
        if not isinstance(row, dict) or not row.get("file_name") or row.get("text") is None:
            raise DatasetError(
                f"{path} entry {number} lacks file_name or text; every row needs both."
            )
        rows.append({k: str(v).strip() for k, v in row.items() if k and v is not None})
    return rows


def _item(relative: str, meta: dict[str, str]) -> dict[str, Any]:
    style = meta.get("style", "")
    name = meta.get("text") or caption_from_file_name(relative)
    caption = (
        name if not style or style.lower() in name.lower() else compose_caption(name, (), style)
    )
    return {
        "caption": caption,
        "concept": (meta.get("concept") or name).lower(),
        "style": style or "custom",
        "source": "user",
        "license": USER_LICENSE,
        "split": "train",
        "key": f"user:{relative}",
    }


def _load_rgba(path: Path) -> np.ndarray:
    from studio.imaging.decode import load_pixels

    return load_pixels(path, mode="RGBA", max_pixels=MAX_SOURCE_PIXELS)


def sprite_to_sizes(rgba: np.ndarray, sizes) -> dict[int, np.ndarray] | None:
    """Like the package icons, but a sprite smaller than a target is scaled by whole pixels.

    Artists' sprites are often pixel art at 16 or 32 px; blurring them up would teach the
    model smudges.
    """
    box = alpha_bbox(rgba)
    if box is None:
        return None
    top, left, bottom, right = box
    content = rgba[top:bottom, left:right]
    out = {}
    for size in sizes:
        small = max(content.shape[:2]) <= int(size * (1.0 - 2.0 * MARGIN))
        scale = pixel_grid_to_sizes if small else icon_to_sizes
        scaled = scale(content, [size])
        if scaled is None:  # not for content cropped to its visible pixels; typed for the checker
            return None
        out[size] = scaled[size]
    return out
