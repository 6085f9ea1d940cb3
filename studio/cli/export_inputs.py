"""Reading what an export command is given: image files, folders of images, history entries.

``ENTRY_OR_FILE`` arguments are a path (an image, or a folder whose images are taken in name
order) or, with ``--project P.studio``, a history entry as ``#12`` or ``entry:12``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studio.domain.errors import InvalidRequestError

IMAGE_SUFFIXES = (".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".jpg", ".jpeg")
_ENTRY = re.compile(r"^(?:#|entry:)(\d+)$")


@dataclass(frozen=True)
class InputImage:
    """One image to export, with a default name and where it came from."""

    name: str
    pixels: np.ndarray
    source: dict[str, Any]


def read_inputs(items: list[str], project_path: Path | None) -> list[InputImage]:
    """Every image the arguments name, in order.

    Raises
    ------
    InvalidRequestError
        A missing file, a folder without images, an entry without ``--project``, or an
        image the safe decoder refuses (one line naming it).
    """
    from studio.imaging.decode import load_pixels

    images: list[InputImage] = []
    entries: list[tuple[int, int]] = []  # (position, entry id)
    for item in items:
        match = _ENTRY.match(item.strip())
        if match:
            entries.append((len(images), int(match.group(1))))
            images.append(None)  # type: ignore[arg-type]  # filled from the project below
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                raise InvalidRequestError(f"Folder {path} holds no images.")
            images += [_from_file(p, load_pixels) for p in found]
        elif path.is_file():
            images.append(_from_file(path, load_pixels))
        else:
            raise InvalidRequestError(
                f"{item} is neither an image file, a folder nor an entry like #12."
            )
    if entries:
        for position, image in zip(
            (p for p, _ in entries),
            _from_project(project_path, [e for _, e in entries]),
            strict=True,
        ):
            images[position] = image
    return images


def project_palette_lock(project_path: Path | None):
    """The palette the project is locked to (``None`` without a project or a lock)."""
    if project_path is None or not project_path.is_file():
        return None
    from studio.project.palette_lock import load_palette_lock
    from studio.project.store import ProjectStore

    store = ProjectStore.open(project_path)
    try:
        return load_palette_lock(store)
    finally:
        store.close()


def _from_file(path: Path, load_pixels) -> InputImage:
    return InputImage(path.stem, load_pixels(path), {"file": path.name})


def _from_project(project_path: Path | None, entry_ids: list[int]) -> list[InputImage]:
    if project_path is None:
        raise InvalidRequestError("History entries like #12 need --project FILE.studio.")
    if not project_path.is_file():
        raise InvalidRequestError(f"Project {project_path} does not exist.")
    from studio.imaging.decode import load_pixels
    from studio.project.store import ProjectStore

    store = ProjectStore.open(project_path)
    try:
        result = []
        for entry_id in entry_ids:
            entry = store.entry(entry_id)
            pixels = load_pixels(store.image_png(entry.image_id))
            source = {"entry_id": entry.id, "prompt": entry.prompt, "recipe": entry.recipe}
            result.append(InputImage(f"{entry.prompt[:40]} {entry.id}", pixels, source))
        return result
    finally:
        store.close()


def parse_int(option: str, text: str | None, low: int, high: int, default: int) -> int:
    """An integer option checked against its range, with a one-line error."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidRequestError(f"{option} must be a whole number, not {text!r}.") from None
    if not low <= value <= high:
        raise InvalidRequestError(f"{option} must be {low}-{high}, not {value}.")
    return value


def check_output_folder(folder: Path | None) -> Path:
    """The ``-o DIR`` folder; its parent must exist (the folder itself is created)."""
    if folder is None:
        raise InvalidRequestError("Give an output folder: -o DIR.")
    if folder.exists() and not folder.is_dir():
        raise InvalidRequestError(f"Output {folder} exists and is not a folder.")
    if not folder.absolute().parent.exists():
        raise InvalidRequestError(f"The folder above {folder} does not exist.")
    return folder
