"""Reading a dataset's JSON files with limits, and checking their shape (RELIABILITY 22, 23).

Anyone can hand Studio a dataset folder or a ``metadata.jsonl``, so every such file goes through
here: special files are refused before they are opened and the size is capped before a byte is
read (:func:`~studio.domain.files.read_user_text`), the nesting is counted before the text is
parsed (a thousand ``[`` would hit Python's recursion limit), integers longer than any count
are refused while parsing (Python refuses 4,300 digits only when converting, and a later
``int()`` or ``float()`` overflows), and the parsed manifest and items are checked to have the
fields the training and evaluation code index, with the types it expects. Every refusal is a
:class:`DatasetError` of one line naming the file, and the line for JSONL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.domain.errors import StudioError
from studio.domain.files import read_user_bytes, read_user_text
from studio.imaging.metadata_json import nesting_exceeds

MAX_MANIFEST_BYTES = 16 << 20
MAX_ITEMS_BYTES = 256 << 20  # ~1 million items of a few hundred bytes each
MAX_METADATA_BYTES = 64 << 20  # an artist's metadata.csv / metadata.jsonl
# Dataset files nest three levels (manifest -> sources -> source); 16 leaves room to grow.
MAX_DEPTH = 16
MAX_INT_DIGITS = 30  # counts and sizes; far below Python's 4,300-digit conversion limit
MAX_SIDE = 4096


class DatasetError(StudioError):
    """A dataset folder is missing, incomplete or not in Studio's format."""


def read_text(
    path: Path, *, what: str, max_bytes: int, error: type[StudioError] = DatasetError
) -> str:
    """The UTF-8 text of a dataset file, read with the limits of :func:`read_user_text`."""
    return read_user_text(path, max_bytes=max_bytes, what=what, error=error)


def read_bytes(path: Path, *, what: str, max_bytes: int) -> bytes:
    """The bytes of a dataset file, read with the limits of :func:`read_user_bytes`."""
    return read_user_bytes(path, max_bytes=max_bytes, what=what, error=DatasetError)


def parse_json(text: str, where: str, fix: str, error: type[StudioError] = DatasetError) -> Any:
    """Parse one JSON document of a dataset file.

    Parameters
    ----------
    text
        The JSON text.
    where
        The file (and line) for the message: ``"data/items.jsonl line 3"``.
    fix
        What the user should do, ending the message (``"rebuild the dataset"``).
    error
        The :class:`~studio.domain.errors.StudioError` subclass to raise.

    Raises
    ------
    error
        If the text nests too deeply, holds an over-long integer, NaN or infinity, or is not
        JSON.
    """
    if nesting_exceeds(text, MAX_DEPTH):
        raise error(f"{where} nests deeper than {MAX_DEPTH} levels; {fix}.")
    try:
        return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except _NumberRefusedError as exc:
        raise error(f"{where} holds {exc}; {fix}.") from None
    except (ValueError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not valid JSON"
        raise error(f"{where} is not JSON ({reason}); {fix}.") from None


def parse_json_lines(text: str, path: Path, fix: str) -> list[tuple[int, Any]]:
    """``(line number, value)`` of every non-blank line of a JSONL file (:func:`parse_json`)."""
    return [
        (number, parse_json(line, f"{path} line {number}", fix))
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]


def check_manifest(manifest: Any, path: Path) -> dict[str, Any]:
    """``manifest`` if it has every field the training code reads, with the right type.

    Raises
    ------
    DatasetError
        Naming the first field that is missing or of the wrong type.
    """
    if not isinstance(manifest, dict):
        raise DatasetError(f"{path} is not a Studio dataset manifest; rebuild the dataset.")
    size = manifest.get("size")
    sizes = manifest.get("sizes")
    splits = manifest.get("splits")
    sources = manifest.get("sources")
    problems = [
        ("count", _is_count(manifest.get("count"))),
        ("size", _is_side(size)),
        ("sizes", isinstance(sizes, list) and bool(sizes) and all(map(_is_side, sizes))),
        ("splits", isinstance(splits, dict) and all(map(_is_count, splits.values()))),
        ("sources", isinstance(sources, list) and all(isinstance(s, dict) for s in sources)),
        ("content_sha256", isinstance(manifest.get("content_sha256"), str)),
    ]
    for name, good in problems:
        if not good:
            raise DatasetError(
                f"{path}: field {name!r} is missing or not what Studio writes; rebuild the dataset."
            )
    return manifest


def check_item(item: Any, where: str, keys: tuple[str, ...], splits: tuple[str, ...]) -> None:
    """Raise :class:`DatasetError` unless ``item`` has string ``keys`` and a known split."""
    if not isinstance(item, dict):
        raise DatasetError(f"{where} is not a JSON object; rebuild the dataset.")
    for key in keys:
        if not isinstance(item.get(key), str):
            raise DatasetError(
                f"{where}: field {key!r} is missing or not text; rebuild the dataset."
            )
    if item["split"] not in splits:
        raise DatasetError(
            f"{where} has split {item['split'][:40]!r}, not one of {', '.join(splits)}; "
            "rebuild the dataset."
        )


class _NumberRefusedError(ValueError):
    pass


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _NumberRefusedError(f"a {len(text)}-digit number")
    return int(text)


def _no_constant(name: str) -> float:
    raise _NumberRefusedError(f"{name}, which is not a JSON number")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_side(value: object) -> bool:
    return _is_count(value) and 1 <= value <= MAX_SIDE  # type: ignore[operator]
