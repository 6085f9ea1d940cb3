"""The columns of a CSV / JSONL batch spec and the type of each, read off the request itself.

Every field of :class:`~studio.domain.requests.GenerationRequest` is a column, typed from the
dataclass's annotations (``int | None`` is a whole number, ``bytes`` an image path...), so a
field added to the request is settable from a spec without a second list to keep in step.
Numbers are sized before ``int()``/``float()`` see them: Python refuses integers of more than
4300 digits with a ValueError, and a huge number would only be refused by range afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields
from typing import Any, get_args, get_type_hints

from studio.domain.errors import InvalidRequestError
from studio.domain.request_limits import parse_size
from studio.domain.requests import GenerationRequest

MAX_NUMBER_CHARS = 32
"""Longest number (or size) a cell may hold; every valid value is far shorter."""

# Fields that a spec cannot set, and why: outpainting grows the init image, which a path in a
# row cannot express; ``studio generate --init IMAGE --outpaint`` does it.
_OUTPAINT = "outpaint grows the image first: use studio generate --init IMAGE --outpaint for it"
NOT_IN_SPECS = {"outpaint": _OUTPAINT, "outpaint_fill": _OUTPAINT}
UNIT_COLUMNS = ("control", "control_model", "reference", "reference_model")
"""Columns of ControlNet units and references, written as ``studio generate``'s flags are
(several in a cell separated by ``;``); :mod:`studio.domain.batch_units` reads them."""
# The request's own names for the units point to their columns.
_UNIT_FIELDS = {
    "controls": "write each in a 'control' column as KIND:IMAGE[:WEIGHT[:START:END]], "
    "several separated by ';'",
    "references": "write each in a 'reference' column as FILE[:WEIGHT], several separated by ';'",
}
_TRUE, _FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}
_SHOWN = 40


def _text(name: str, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidRequestError(f"{name} must be text, not {_shown(raw)}.")
    return raw


def _image_path(name: str, raw: Any) -> str:
    path = _text(name, raw).strip()
    if not path:
        raise InvalidRequestError(f"{name} is empty; name an image file.")
    return path


def _yes_no(name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise InvalidRequestError(f"{name} {_shown(raw)} is not yes or no (true/false, 1/0).")


def _whole(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidRequestError(f"{name} must be a whole number.")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise InvalidRequestError(f"{name} must be a whole number.")
        raw = int(raw)
    if isinstance(raw, str):
        raw = _from_text(name, raw, int, "a whole number")
    if not isinstance(raw, int):
        raise InvalidRequestError(f"{name} {_shown(raw)} is not a whole number.")
    return _bounded(name, raw)


def _number(name: str, raw: Any) -> float:
    if isinstance(raw, str):
        raw = _from_text(name, raw, float, "a number")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InvalidRequestError(f"{name} {_shown(raw)} is not a number.")
    value = float(_bounded(name, raw) if isinstance(raw, int) else raw)
    if not math.isfinite(value):
        raise InvalidRequestError(f"{name} {_shown(raw)} is not a finite number.")
    return value


def _bounded(name: str, value: int) -> int:
    # A JSONL integer can be up to Python's digit limit long; no request field is near this.
    if abs(value) >= 10**MAX_NUMBER_CHARS:
        raise InvalidRequestError(f"{name} is {len(str(abs(value)))} digits long; far too large.")
    return value


def _from_text(name: str, raw: str, convert: Callable[[str], Any], what: str) -> Any:
    # Sized first: int() refuses more than 4300 digits with a ValueError of its own.
    text = raw.strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise InvalidRequestError(
            f"{name} holds {len(text):,} characters, too long for {what}; check the cell."
        )
    try:
        return convert(text)
    except ValueError:
        raise InvalidRequestError(f"{name} {_shown(raw)} is not {what}.") from None


_CONVERTERS: dict[type, Callable[[str, Any], Any]] = {
    str: _text,
    bool: _yes_no,
    int: _whole,
    float: _number,
    bytes: _image_path,
}


def _field_converters() -> dict[str, Callable[[str, Any], Any]]:
    hints = get_type_hints(GenerationRequest)
    converters = {}
    for item in fields(GenerationRequest):
        kinds = [kind for kind in get_args(hints[item.name]) if kind is not type(None)]
        kind = kinds[0] if len(kinds) == 1 else hints[item.name]  # ``X | None`` -> X
        if item.name not in NOT_IN_SPECS and kind in _CONVERTERS:
            converters[item.name] = _CONVERTERS[kind]
    return converters


_FIELDS = _field_converters()
IMAGE_FIELDS = tuple(name for name, convert in _FIELDS.items() if convert is _image_path)
"""Columns that name an image file (read by the caller, relative to the spec)."""
COLUMN_NAMES = (*_FIELDS, "size", *UNIT_COLUMNS)
"""Every column a spec may have: the request's fields, ``size`` as ``WxH``, and the units."""


def typed_values(name: str, raw: Any) -> dict[str, Any]:
    """The request values a cell gives: ``{name: value}``, or width and height for ``size``.

    Image fields give the path as text, and unit columns their text; the caller reads them.

    Raises
    ------
    InvalidRequestError
        One line naming the column and what to write instead.
    """
    if name == "size":
        width, height = _from_text(name, _text(name, raw), parse_size, "a size")
        return {"width": width, "height": height}
    if name in UNIT_COLUMNS:
        return {name: _text(name, raw)}
    return {name: _FIELDS[name](name, raw)}


def check_columns(names: list[str], where: str) -> None:
    """Refuse a header (or a JSON row's keys) with an unknown column or no ``prompt``."""
    for name in names:
        if name in NOT_IN_SPECS or name in _UNIT_FIELDS:
            reason = NOT_IN_SPECS.get(name) or _UNIT_FIELDS[name]
            raise InvalidRequestError(f"{where}: {name}: {reason}.")
        if name not in COLUMN_NAMES:
            raise InvalidRequestError(
                f"{where}: unknown field {_shown(name)}; use {', '.join(COLUMN_NAMES)}."
            )
    if "prompt" not in names:
        raise InvalidRequestError(f"{where}: no 'prompt' field; every row needs a prompt.")


def _shown(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
