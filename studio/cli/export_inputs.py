"""Reading what an export command is given: image files, folders of images, history entries.

``ENTRY_OR_FILE`` arguments are a path (an image, or a folder whose images are taken in name
order) or, with ``--project P.studio``, a history entry as ``#12`` or ``entry:12``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from studio.cli.command import Arg, arg, output_option, overwrite_option
from studio.domain.errors import InvalidRequestError
from studio.domain.export_requests import ExportImage, LockedPalette
from studio.domain.files import require_regular_file

IMAGE_SUFFIXES = (".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".jpg", ".jpeg")
# ASCII digits only: ``\d`` also matches other scripts' digits, and str.isdigit() accepts "²",
# which int() then refuses.
_ENTRY = re.compile(r"^(?:#|entry:)([0-9]+)$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_LARGEST_ENTRY = 2**63 - 1  # SQLite's INTEGER: a larger id cannot be asked for, let alone exist
_MAX_DIGITS = 18  # past this a number is out of every option's range, whatever its digits


def export_arguments(*, metavar: str, default_name: str) -> tuple[Arg, ...]:
    """The inputs group ``studio sheet`` and ``studio tileset`` share: what to export, from
    which project, into which folder, under which name, and whether it may replace files."""
    return (
        arg("inputs", nargs="+", metavar=metavar),
        output_option("export folder (created)", required=False),
        arg("--project", type=Path, help="project the #N entries come from"),
        arg("--name", default=default_name, help=f"base file name (default: {default_name})"),
        overwrite_option("replace the files of an earlier export"),
    )


def read_inputs(
    items: list[str], project_path: Path | None, *, limit: int, unit: str
) -> list[ExportImage]:
    """Every image the arguments name, in order.

    Parameters
    ----------
    items
        ``ENTRY_OR_FILE`` arguments.
    project_path
        The ``--project`` the entries come from.
    limit
        The most images one export holds; counted before the first image is decoded.
    unit
        What an image is in the message (``"frames"``, ``"tiles"``).

    Raises
    ------
    InvalidRequestError
        Too many images, a missing file, a folder without images, an entry without
        ``--project`` or not in it, or an image the safe decoder refuses (one line naming it).
    """
    from studio.imaging.decode import load_pixels

    sources = _count_sources(items, limit, unit)
    images: list[ExportImage | None] = []
    entries: list[tuple[int, str]] = []  # (position, entry digits)
    for source in sources:
        if isinstance(source, str):
            entries.append((len(images), source))
            images.append(None)  # filled from the project below
        else:
            images.append(_from_file(source, load_pixels))
    if entries:
        for position, image in zip(
            (p for p, _ in entries),
            _from_project(project_path, [e for _, e in entries]),
            strict=True,
        ):
            images[position] = image
    return images  # type: ignore[return-value]  # every None was filled


def _count_sources(items: list[str], limit: int, unit: str) -> list[Path | str]:
    """Image paths and entry digits in argument order, refused past ``limit`` before decoding.

    A folder is listed only until it pushes the count past the limit, so a folder of a million
    files costs no more than ``limit`` names.
    """
    sources: list[Path | str] = []

    def add(source: Path | str) -> None:
        if len(sources) >= limit:
            raise InvalidRequestError(
                f"One export holds at most {limit} {unit}; the inputs name more, so split "
                "them over several exports."
            )
        sources.append(source)

    for item in items:
        match = _ENTRY.match(item.strip())
        if match:
            add(match.group(1))
            continue
        path = Path(item)
        if path.is_dir():
            found: list[Path] = []
            for child in path.iterdir():
                if child.suffix.lower() in IMAGE_SUFFIXES:
                    found.append(child)
                    if len(sources) + len(found) > limit:
                        add(child)  # raises: the count is past the limit
            if not found:
                raise InvalidRequestError(f"Folder {path} holds no images.")
            for child in sorted(found):
                add(child)
        elif path.is_file():
            add(path)
        else:
            require_regular_file(path, InvalidRequestError)  # a FIFO or a device: say so
            raise InvalidRequestError(
                f"{shown(item)} is neither an image file, a folder nor an entry like #12."
            )
    return sources


def project_palette_lock(project_path: Path | None) -> LockedPalette | None:
    """The palette the project is locked to (``None`` without a project or a lock)."""
    if project_path is None or not project_path.is_file():
        return None
    from studio.project.palette_lock import load_palette_lock
    from studio.project.store import ProjectStore

    store = ProjectStore.open(project_path)
    try:
        palette = load_palette_lock(store)
    finally:
        store.close()
    return None if palette is None else LockedPalette(palette.name, palette.colours)


def _from_file(path: Path, load_pixels) -> ExportImage:
    return ExportImage(path.stem, load_pixels(path), {"file": path.name})


def _from_project(project_path: Path | None, entry_digits: list[str]) -> list[ExportImage]:
    if project_path is None:
        raise InvalidRequestError("History entries like #12 need --project FILE.studio.")
    if not project_path.is_file():
        raise InvalidRequestError(f"Project {project_path} does not exist.")
    from studio.imaging.decode import load_pixels
    from studio.project.store import ProjectStore

    for digits in entry_digits:
        # Checked on the digits: int() of 5000 digits raises, and SQLite cannot bind past 2**63.
        if len(digits.lstrip("0")) > 19 or int(digits) > _LARGEST_ENTRY:
            raise InvalidRequestError(
                f"History entry #{shown(digits)} is not in {project_path.name}."
            )
    store = ProjectStore.open(project_path)
    try:
        result = []
        for digits in entry_digits:
            entry = store.entry(int(digits))
            pixels = load_pixels(store.image_png(entry.image_id))
            source = {"entry_id": entry.id, "prompt": entry.prompt, "recipe": entry.recipe}
            result.append(ExportImage(f"{entry.prompt[:40]} {entry.id}", pixels, source))
        return result
    finally:
        store.close()


def parse_int(option: str, text: str | None, low: int, high: int, default: int) -> int:
    """An integer option checked against its range, with a one-line error.

    Only ASCII digits count, and a number too long for any range is refused by its length,
    before ``int()`` (which raises past 4300 digits) sees it.
    """
    if text is None:
        return default
    stripped = text.strip()
    if not _INTEGER.match(stripped):
        raise InvalidRequestError(
            f"{option} must be a whole number from {low} to {high}, not {shown(text)!r}."
        )
    if len(stripped.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
        raise InvalidRequestError(f"{option} must be {low}-{high}, not {shown(stripped)}.")
    value = int(stripped)
    if not low <= value <= high:
        raise InvalidRequestError(f"{option} must be {low}-{high}, not {value}.")
    return value


def shown(text: str, limit: int = 80) -> str:
    """``text`` for a one-line message: an argument can be 5000 characters long.

    The middle goes, so a long path keeps its file name.
    """
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}\u2026{text[-half:]}"


def report_export(written: list[Path], folder: Path, details: str, notes: Iterable[str]) -> int:
    """An export command's last words: the summary on stdout, each note on stderr; exit 0."""
    print(f"wrote {len(written)} files to {folder} ({details})")
    for note in notes:
        print(note, file=sys.stderr)
    return 0
