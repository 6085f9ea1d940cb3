"""What ``studio batch SPEC`` reads: templates, or CSV / JSONL rows of generate requests.

A spec is text and a name to quote in messages; the caller reads the file. Every problem is one
:class:`InvalidRequestError` line naming the file and line, and what to write instead.

- A template spec (``.txt``, or the template itself on the command line): every line that is
  not blank or a ``#`` comment is a template (see :mod:`studio.domain.batch_template`).
- A CSV spec: a header row of :class:`GenerationRequest` field names (plus ``size`` as
  ``WxH``), then one request per row; empty cells take the defaults.
- A JSONL spec: one JSON object per line with the same keys.

In rows too the prompt may be a template; the command line's options are the defaults that a
row's cells override. ``init_image`` and ``mask_image`` name image files, and ``control`` and
``reference`` cells the images of their units (:mod:`studio.domain.batch_units`), all read by
the caller's ``read_init``.

The whole spec is bounded before anything is built (RELIABILITY 23): every row is typed and
checked and every template counted first, and the images of the whole spec (prompts times
``batch_count``, which ``--per-prompt`` sets) must stay within
:data:`~studio.domain.batch_template.MAX_EXPANSION`, and the work of building its prompts within
:data:`~studio.domain.batch_template.MAX_BUILD_STEPS`; only then are images read and requests
made.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studio.domain.batch_fields import (
    COLUMN_NAMES,
    IMAGE_FIELDS,
    UNIT_COLUMNS,
    check_columns,
    typed_values,
)
from studio.domain.batch_items import BatchDraft
from studio.domain.batch_template import TemplateParser, WildcardLookup
from studio.domain.batch_units import RowUnits, row_units
from studio.domain.errors import InvalidRequestError, StudioError
from studio.domain.json_depth import JsonRefusedError, loads_bounded
from studio.domain.requests import GenerationRequest
from studio.domain.template_tree import MAX_BUILD_STEPS, MAX_EXPANSION, Template, describe_count

__all__ = [
    "COLUMN_NAMES",
    "ROW_SUFFIXES",
    "InitReader",
    "SpecContext",
    "parse_spec",
    "spec_kind",
]

ROW_SUFFIXES = (".csv", ".jsonl")
# A row is one flat object; checked before json.loads, whose recursion a deep row would exhaust.
MAX_ROW_DEPTH = 2

InitReader = Callable[[str, str], bytes]
"""``(path, field)`` -> PNG bytes of the image a row names for ``init_image``, ``mask_image``,
a reference (``reference``) or a control (``control:KIND``, the KIND control image made of it),
a path relative to the spec; raises a :class:`StudioError` naming the file."""


@dataclass(frozen=True)
class SpecContext:
    """What every spec of one run shares: defaults, wildcard files, init images, the seed."""

    defaults: Mapping[str, Any]
    batch_seed: int
    wildcards: WildcardLookup | None = None
    read_init: InitReader | None = None
    folder: Path | None = None
    """The spec's folder, which its image paths start from (``None``: the current folder)."""

    def is_file(self, name: str) -> bool:
        """Whether ``name`` (relative to the spec) is an existing file."""
        return self._from_spec(name).exists()

    def model_path(self, name: str) -> str:
        """An add-on cell as the engine should look it up: a path from the spec's folder.

        A cell that is a path (several parts, or a file beside the spec) is made relative to the
        spec, as image cells are; a bare name ("my_canny") stays a name for the model index.
        """
        text = name.strip()
        if not text or self.folder is None:
            return text
        if len(Path(text).parts) > 1 or self.is_file(text):
            return str(self._from_spec(text))
        return text

    def _from_spec(self, name: str) -> Path:
        path = Path(name).expanduser()
        return path if path.is_absolute() or self.folder is None else self.folder / path


@dataclass(frozen=True)
class _Row:
    origin: str
    template: Template
    request: GenerationRequest  # checked, with empty placeholders where images will go
    images: Mapping[str, str]  # field -> the path the row gave
    units: RowUnits  # controls and references, their images read with the others

    @property
    def images_made(self) -> int:
        return self.template.count() * self.request.batch_count


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
        ``"<source>, line N: <what is wrong and what to do>"``, or ``"<source>: ..."`` when the
        whole spec makes too many images; nothing is then run.
    """
    kind = spec_kind(source)
    reader = {"csv": _csv_rows, "jsonl": _jsonl_rows, "template": _template_rows}[kind]
    parser = TemplateParser(context.wildcards)  # one parse of each wildcard for the whole spec
    rows: list[_Row] = []
    total = steps = 0
    for line, cells in reader(text, source):
        origin = f"{source}, line {line}"
        try:
            row = _prepare(cells, origin, context, parser)
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"{origin}: {exc}") from None
        rows.append(row)
        total += row.images_made
        steps += row.template.build_steps()
    if not rows:
        raise InvalidRequestError(f"{source}: no prompts in it; add a template or a row.")
    if total > MAX_EXPANSION:
        raise InvalidRequestError(
            f"{source}: makes {describe_count(total)} images (prompts times batch_count or "
            f"--per-prompt); one batch makes up to {MAX_EXPANSION:,}: split the spec or use "
            "[n] picks."
        )
    if steps > MAX_BUILD_STEPS:
        raise InvalidRequestError(
            f"{source}: its templates take {describe_count(steps)} steps to build, more than "
            f"{MAX_BUILD_STEPS:,}; remove empty groups or split the spec."
        )
    return _build(rows, context)


def _prepare(
    cells: Mapping[str, Any], origin: str, context: SpecContext, parser: TemplateParser
) -> _Row:
    """Type and check a row and count its template, reading no image yet."""
    values = dict(context.defaults)
    images: dict[str, str] = {}
    unit_cells: dict[str, str] = {}
    prompt = ""
    for name, raw in cells.items():
        typed = typed_values(name, raw)
        if name == "prompt":
            prompt = typed["prompt"]
        elif name in IMAGE_FIELDS or name in ("control", "reference"):
            if context.read_init is None:
                raise InvalidRequestError(f"{name}: images are not available here.")
            (images if name in IMAGE_FIELDS else unit_cells).update(typed)
        elif name in UNIT_COLUMNS:
            unit_cells.update(typed)
        else:
            values.update(typed)
    units = row_units(unit_cells, context.is_file, context.model_path)
    placeholders: dict[str, Any] = dict.fromkeys(images, b"")  # image fields, read later
    try:
        request = GenerationRequest(prompt="", **values, **placeholders, **units.values)
    except TypeError as exc:
        raise InvalidRequestError(f"a value has the wrong type ({exc}).") from None
    return _Row(origin, parser.parse(prompt), request, images, units)


def _build(rows: list[_Row], context: SpecContext) -> list[BatchDraft]:
    read: dict[tuple[str, str], bytes] = {}  # each image file is read once per spec

    def read_once(path: str, name: str) -> bytes:
        assert context.read_init is not None  # a row with images was refused without it
        if (path, name) not in read:
            read[path, name] = context.read_init(path, name)
        return read[path, name]

    drafts: list[BatchDraft] = []
    for row in rows:
        try:
            images: dict[str, Any] = {
                name: read_once(path, name) for name, path in row.images.items()
            }
            images.update(row.units.with_images(read_once))
            base = replace(row.request, **images) if images else row.request
            prompts = row.template.expand(context.batch_seed)
            drafts.extend(BatchDraft(replace(base, prompt=p), row.origin) for p in prompts)
        except StudioError as exc:
            # An unreadable init image names its file; the row's place is added here.
            raise InvalidRequestError(f"{row.origin}: {exc}") from None
    return drafts


def _template_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, {"prompt": stripped}


def _csv_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    names: list[str] | None = None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A cell past csv's field limit (128 KB) is almost always an unclosed quote.
            raise InvalidRequestError(
                f"{source}, line {reader.line_num}: {exc}; check for an unclosed quote."
            ) from None
        line = reader.line_num
        if names is None:
            names = [name.strip() for name in cells]
            check_columns(names, f"{source}, line {line}")
            continue
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
        where = f"{source}, line {number}"
        try:
            row = loads_bounded(line, max_depth=MAX_ROW_DEPTH)
        except JsonRefusedError as exc:
            raise InvalidRequestError(
                f"{where}: the row {exc}; write one flat object per line, like "
                '{"prompt": "red potion", "steps": 20}.'
            ) from None
        if not isinstance(row, dict):
            raise InvalidRequestError(
                f'{where}: a JSON object is needed, like {{"prompt": "red potion", "steps": 20}}.'
            )
        check_columns(list(row), where)
        yield number, {key: value for key, value in row.items() if value is not None}
