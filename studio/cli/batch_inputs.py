"""What ``studio batch`` reads besides its options: the spec, wildcard files and init images.

Every file goes through :func:`~studio.domain.files.read_user_text` (or the image decoder,
which refuses special files and bombs itself): FIFOs and devices are refused before they are
opened and sizes are checked from ``stat`` before a byte is read (RELIABILITY 22). A wildcard
name is confined to its folders: ``__../../secret__`` or a link out of the folder is refused
before anything is read, so a spec cannot print a file from elsewhere on the machine.
"""

from __future__ import annotations

from pathlib import Path

from studio.domain.batch_spec import InitReader, spec_kind
from studio.domain.batch_template import WildcardLookup
from studio.domain.batch_units import CONTROL_IMAGE, REFERENCE_IMAGE
from studio.domain.errors import InvalidRequestError
from studio.domain.files import read_user_text

MAX_SPEC_BYTES = 8 << 20
"""Largest spec file: a CSV of 100,000 long rows fits."""
MAX_WILDCARD_BYTES = 2 << 20
"""Largest wildcard file: tens of thousands of lines."""


def read_spec(spec: str) -> tuple[str, str, Path | None]:
    """(text, name for messages and kind, folder the spec's relative paths start from).

    Raises
    ------
    InvalidRequestError
        If the spec file is missing, special, larger than :data:`MAX_SPEC_BYTES` or not UTF-8.
    """
    looks_like_file = spec_kind(spec) != "template" or spec.lower().endswith(".txt")
    if not looks_like_file:
        return spec, "template", None
    path = Path(spec)
    text = read_user_text(
        path, max_bytes=MAX_SPEC_BYTES, what="batch spec", error=InvalidRequestError
    )
    return text, path.name, path.parent


def wildcard_lookup(wildcards: Path | None, spec_folder: Path | None) -> WildcardLookup:
    """The lookup of ``__name__``: ``--wildcards DIR``, the spec's folder, its ``wildcards/``.

    Each file is read once however often it is asked for.
    """
    folders = [wildcards] if wildcards else []
    base = spec_folder if spec_folder is not None else Path.cwd()
    folders += [base, base / "wildcards"]
    read: dict[Path, list[str]] = {}

    def lookup(name: str) -> list[str]:
        for folder in folders:
            candidate = _confined(folder, name)
            if candidate is None:
                continue
            if candidate not in read:
                text = read_user_text(
                    candidate,
                    max_bytes=MAX_WILDCARD_BYTES,
                    what="wildcard file",
                    error=InvalidRequestError,
                )
                read[candidate] = text.splitlines()
            return read[candidate]
        where = ", ".join(str(folder) for folder in folders)
        raise InvalidRequestError(
            f"no {name}.txt for __{name}__ in {where}; add it there or give --wildcards DIR"
        )

    return lookup


def _confined(folder: Path, name: str) -> Path | None:
    """``folder/name.txt`` if it exists inside ``folder`` (links resolved), else ``None``.

    Raises
    ------
    InvalidRequestError
        If the name or a link in it leads out of ``folder``.
    """
    leaving = InvalidRequestError(
        f"wildcard __{name}__ leads out of the wildcard folder {folder}; "
        "keep wildcard files (and their links) inside it."
    )
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise leaving
    candidate = folder / f"{name}.txt"
    try:
        if not candidate.exists() and not candidate.is_symlink():
            return None
        inside = candidate.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a dangling link, a loop of links, a name too long
        inside = False
    if not inside:
        raise leaving
    return candidate


def init_reader(spec_folder: Path | None) -> InitReader:
    """Reads an image a row names, relative to the spec's folder, as PNG bytes.

    ``init_image`` is read as RGB, ``mask_image`` as RGBA, a reference as RGB and a control
    image made from its file (as ``studio generate`` reads them all).
    """

    def read(relative: str, field: str) -> bytes:
        from studio.imaging.decode import load_pixels
        from studio.imaging.png import encode_png
        from studio.imaging.unit_images import control_png, reference_png

        path = Path(relative).expanduser()
        if not path.is_absolute() and spec_folder is not None:
            path = spec_folder / path
        if field.startswith(CONTROL_IMAGE):
            return control_png(field.removeprefix(CONTROL_IMAGE), path)
        if field == REFERENCE_IMAGE:
            return reference_png(path)
        mode = "RGBA" if field == "mask_image" else "RGB"
        return encode_png(load_pixels(path, mode=mode))

    return read
