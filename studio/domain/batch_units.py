"""A batch row's ``control`` and ``reference`` cells as the units of its request.

A cell is written as ``studio generate``'s flag is (:mod:`studio.domain.unit_text`), several
separated by ``;``: ``control`` = ``canny:photo.png:0.8; openpose:pose.png``, ``control_model``
= the ControlNet of each in order, ``reference`` = ``hero.png:0.6``, ``reference_model`` = the
IP-Adapter. The units are checked here with no image opened (a bad weight costs no decode);
their images are read afterwards, relative to the spec, through the spec's image reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from studio.domain.control import ControlSpec
from studio.domain.errors import InvalidRequestError
from studio.domain.reference import MAX_REFERENCES, ReferenceImage
from studio.domain.unit_text import control_models, parse_control, parse_reference

SEPARATOR = ";"
CONTROL_IMAGE = "control:"
"""A control image's reader field is ``control:KIND``: the reader makes the KIND image of it."""
REFERENCE_IMAGE = "reference"


@dataclass(frozen=True)
class RowUnits:
    """A row's units without their images, and the image each one needs, in order."""

    values: Mapping[str, Any]  # "controls" / "references": units whose image is still None
    images: tuple[tuple[str, str], ...]  # (reader field, path as the cell wrote it)

    def with_images(self, read: Callable[[str, str], bytes]) -> dict[str, Any]:
        """The request values with every unit's image read by ``read(path, field)``."""
        pictures = iter([read(path, field) for field, path in self.images])
        return {
            name: tuple(replace(unit, image=next(pictures)) for unit in units)
            for name, units in self.values.items()
        }


def row_units(
    cells: Mapping[str, str],
    is_file: Callable[[str], bool],
    model_path: Callable[[str], str] = str.strip,
) -> RowUnits:
    """The units a row's unit cells ask for (an empty :class:`RowUnits` without any).

    ``is_file(path)`` says whether a reference cell's whole text names a file (relative to the
    spec), as ``--reference`` asks of the current folder; ``model_path(cell)`` turns a
    ``control_model`` or ``reference_model`` that is a path into one from the spec's folder.

    Raises
    ------
    InvalidRequestError
        One line naming the column: a malformed unit, a weight out of range, more models than
        controls, a model without a unit, too many units.
    """
    values: dict[str, Any] = {}
    images: list[tuple[str, str]] = []
    controls = _split(cells.get("control", ""))
    models = _split(cells.get("control_model", ""))
    names = [
        model_path(name)
        for name in control_models(len(controls), models, ("control", "control_model"))
    ]
    units = []
    for text, model in zip(controls, names, strict=True):
        option = parse_control(text, "control")
        with _column("control"):
            unit = ControlSpec(option.kind, None, model, option.weight, option.start, option.end)
        units.append(replace(unit, source=option.image.name))
        images.append((CONTROL_IMAGE + option.kind, str(option.image)))
    if units:
        values["controls"] = tuple(units)
    references = _split(cells.get("reference", ""))
    adapter = model_path(cells.get("reference_model", ""))
    if adapter and not references:
        raise InvalidRequestError("reference_model applies with a reference cell.")
    if len(references) > MAX_REFERENCES:
        raise InvalidRequestError(
            f"{len(references)} references is too many: use at most {MAX_REFERENCES}."
        )
    found = []
    for text in references:
        path, weight = parse_reference(text, "reference", is_file)
        with _column("reference"):
            found.append(ReferenceImage(None, weight=weight, model=adapter, source=path.name))
        images.append((REFERENCE_IMAGE, str(path)))
    if found:
        values["references"] = tuple(found)
    return RowUnits(values, tuple(images))


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


@contextmanager
def _column(column: str) -> Iterator[None]:
    # The unit's own refusal ("Control weight 3 is out of range") gets the column's name.
    try:
        yield
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"{column}: {exc}") from None
