"""What ``studio batch SPEC`` reads: templates, or CSV / JSONL rows of generate requests.

A spec is text and a name to quote in messages; the caller reads the file. Every problem is one
:class:`InvalidRequestError` line naming the file and line, and what to write instead.

- A template spec (``.txt``, or the template itself on the command line): every line that is
  not blank or a ``#`` comment is a template (see :mod:`studio.domain.batch_template`).
- A CSV spec: a header row of :class:`GenerationRequest` field names (plus ``size`` as
  ``WxH``), then one request per row; empty cells take the defaults.
- A JSONL spec: one JSON object per line with the same keys.

In rows too the prompt may be a template; the command line's options are the defaults that a
row's cells override. ``init_image`` names an image file, read by the caller's ``read_init``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from studio.domain.batch_items import BatchDraft
from studio.domain.batch_template import WildcardLookup, parse_template
from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest, parse_size

ROW_SUFFIXES = (".csv", ".jsonl")
_INTS = {"steps", "width", "height", "seed", "batch_count"}
_FLOATS = {"cfg_scale", "strength"}
_BOOLS = {"transparent_background"}
_TRUE, _FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}
FIELD_NAMES = tuple(f.name for f in fields(GenerationRequest))
COLUMN_NAMES = (*FIELD_NAMES, "size")

InitReader = Callable[[str], bytes]
"""Returns the PNG bytes of the init image a row names (a path relative to the spec)."""


@dataclass(frozen=True)
class SpecContext:
    """What every spec of one run shares: defaults, wildcard files, init images, the seed."""

    defaults: Mapping[str, Any]
    batch_seed: int
    wildcards: WildcardLookup | None = None
    read_init: InitReader | None = None


def spec_kind(name: str) -> str:
    """``"csv"``, ``"jsonl"`` or ``"template"`` from a spec's file name."""
    lowered = name.lower()
    for suffix in ROW_SUFFIXES:
        if lowered.endswith(suffix):
            return suffix[1:]
    return "template"


def parse_spec(text: str, source: str, context: SpecContext) -> list[BatchDraft]:
    """The drafts a spec asks for, in the spec's order.

    Parameters
    ----------
    text
        The spec's contents (or the template itself).
    source
        Its name in messages and the kind by suffix (``potions.csv``).

    Raises
    ------
    InvalidRequestError
        ``"<source>, line N: <what is wrong and what to do>"``; nothing is then run.
    """
    kind = spec_kind(source)
    rows = {"csv": _csv_rows, "jsonl": _jsonl_rows, "template": _template_rows}[kind]
    drafts: list[BatchDraft] = []
    for line, row in rows(text, source):
        origin = f"{source}, line {line}"
        try:
            drafts.extend(_drafts(row, origin, context))
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"{origin}: {exc}") from None
    if not drafts:
        raise InvalidRequestError(f"{source}: no prompts in it; add a template or a row.")
    return drafts


def _template_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, {"prompt": stripped}


def _csv_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return
    names = [name.strip() for name in header]
    _check_columns(names, f"{source}, line 1")
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            raise InvalidRequestError(
                f"{source}, line {line}: {len(cells)} cells but {len(names)} columns; "
                "quote cells that hold commas."
            )
        yield line, {name: cell for name, cell in zip(names, cells, strict=False) if cell.strip()}


def _jsonl_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidRequestError(
                f"{source}, line {number}: not JSON ({exc.msg}); write one object per line."
            ) from None
        if not isinstance(row, dict):
            raise InvalidRequestError(
                f"{source}, line {number}: a JSON object is needed, like "
                '{"prompt": "red potion", "steps": 20}.'
            )
        _check_columns(list(row), f"{source}, line {number}")
        yield number, {key: value for key, value in row.items() if value is not None}


def _check_columns(names: list[str], where: str) -> None:
    unknown = [name for name in names if name not in COLUMN_NAMES]
    if unknown:
        raise InvalidRequestError(
            f"{where}: unknown field {unknown[0]!r}; use {', '.join(COLUMN_NAMES)}."
        )
    if "prompt" not in names:
        raise InvalidRequestError(f"{where}: no 'prompt' field; every row needs a prompt.")


def _drafts(row: dict[str, Any], origin: str, context: SpecContext) -> list[BatchDraft]:
    values = dict(context.defaults)
    for name, raw in row.items():
        if name == "size":
            values["width"], values["height"] = parse_size(str(raw))
        elif name == "init_image":
            if context.read_init is None:
                raise InvalidRequestError("init images are not available here.")
            values["init_image"] = context.read_init(str(raw))
        else:
            values[name] = _typed(name, raw)
    template = parse_template(str(values.pop("prompt", "")), context.wildcards)
    drafts = []
    for prompt in template.expand(context.batch_seed):
        try:
            request = GenerationRequest(prompt=prompt, **values)
        except TypeError as exc:
            raise InvalidRequestError(f"a value has the wrong type ({exc}).") from None
        drafts.append(BatchDraft(request, origin))
    return drafts


def _typed(name: str, raw: Any) -> Any:
    if name in _BOOLS:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise InvalidRequestError(f"{name} {raw!r} is not yes or no (true/false, 1/0).")
    if name not in _INTS | _FLOATS:
        if not isinstance(raw, str):
            raise InvalidRequestError(f"{name} must be text, not {raw!r}.")
        return raw
    kind = int if name in _INTS else float
    if isinstance(raw, bool) or (kind is int and isinstance(raw, float) and not raw.is_integer()):
        raise InvalidRequestError(f"{name} must be a {'whole ' if kind is int else ''}number.")
    try:
        return kind(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number"
        raise InvalidRequestError(f"{name} {raw!r} is not {what}.") from None
