"""ControlNet units in A1111's recipe text, written and read as sd-webui-controlnet does.

Each unit is one parameter, ``ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny
[d14c016b], Weight: 1.0, Guidance Start: 0.0, Guidance End: 1.0"``: the value is a list of
``Key: value`` pairs (title-cased field names), quoted as a whole because it holds commas.
Reading takes the pairs Studio knows and leaves the rest (``Resize Mode``, ``Pixel Perfect``...)
alone, so a recipe from A1111 or Forge replays its units.
"""

from __future__ import annotations

from collections.abc import Mapping

from studio.domain.control import MAX_CONTROLS, ControlSpec
from studio.domain.unit_pairs import (
    join_pairs,
    model_name,
    number,
    plain,
    split_pairs,
    units_from_parameters,
)

UNIT_PREFIX = "ControlNet "
# A1111's module names for the kinds Studio makes (the reverse is domain.control's aliases).
_MODULES = {"softedge": "softedge_pidinet", "blockout": "seg", "openpose": "openpose"}


def control_parameters(
    controls: tuple[ControlSpec, ...], model_labels: tuple[str, ...]
) -> dict[str, str]:
    """``{"ControlNet 0": "Module: ..., Model: ..., ..."}`` for each unit, in order.

    Parameters
    ----------
    controls
        The request's units.
    model_labels
        How each unit's model is written (``NAME [HASH]``), one per unit.
    """
    entries = {}
    for index, (control, label) in enumerate(zip(controls, model_labels, strict=True)):
        pairs = {
            "Module": _MODULES.get(control.kind, control.kind),
            "Model": plain(label),
            "Weight": repr(control.weight),
            "Guidance Start": repr(control.start),
            "Guidance End": repr(control.end),
        }
        entries[f"{UNIT_PREFIX}{index}"] = join_pairs(pairs)
    return entries


def controls_from_parameters(params: Mapping[str, str]) -> tuple[ControlSpec, ...]:
    """The units an A1111 recipe's ``ControlNet N`` parameters describe, without images.

    A unit Studio cannot read (an unknown module, a value out of range) is left out rather
    than failing the whole recipe; the rest still replays.
    """
    return units_from_parameters(params, UNIT_PREFIX, MAX_CONTROLS, _parse_unit)


def _parse_unit(text: str) -> ControlSpec:
    pairs = split_pairs(text)
    return ControlSpec(
        kind=pairs.get("module", ""),
        model=model_name(pairs.get("model", "")),
        weight=number(pairs.get("weight", "1"), "Control"),
        start=number(pairs.get("guidance start", "0"), "Control"),
        end=number(pairs.get("guidance end", "1"), "Control"),
    )
