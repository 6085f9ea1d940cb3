"""ControlNet units in A1111's recipe text, written and read as sd-webui-controlnet does.

Each unit is one parameter, ``ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny
[d14c016b], Weight: 1.0, Guidance Start: 0.0, Guidance End: 1.0"``: the value is a list of
``Key: value`` pairs (title-cased field names), quoted as a whole because it holds commas.
Reading takes the pairs Studio knows and leaves the rest (``Resize Mode``, ``Pixel Perfect``...)
alone, so a recipe from A1111 or Forge replays its units.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from studio.domain.control import MAX_CONTROLS, ControlSpec
from studio.domain.errors import InvalidRequestError

UNIT_PREFIX = "ControlNet "
# A1111 writes a model as "NAME [HASH]"; the hash is eight hex digits of the file's SHA-256.
_MODEL_HASH = re.compile(r"\s*\[[0-9a-fA-F]{8,10}\]\s*$")
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
            "Model": _plain(label),
            "Weight": repr(control.weight),
            "Guidance Start": repr(control.start),
            "Guidance End": repr(control.end),
        }
        entries[f"{UNIT_PREFIX}{index}"] = ", ".join(f"{k}: {v}" for k, v in pairs.items())
    return entries


def controls_from_parameters(params: Mapping[str, str]) -> tuple[ControlSpec, ...]:
    """The units an A1111 recipe's ``ControlNet N`` parameters describe, without images.

    A unit Studio cannot read (an unknown module, a value out of range) is left out rather
    than failing the whole recipe; the rest still replays.
    """
    units = []
    for index in range(MAX_CONTROLS):
        text = params.get(f"{UNIT_PREFIX}{index}")
        if text is None:
            continue
        try:
            units.append(_parse_unit(text))
        except InvalidRequestError:
            continue
    return tuple(units)


def _parse_unit(text: str) -> ControlSpec:
    pairs: dict[str, str] = {}
    for item in text.split(","):
        key, colon, value = item.partition(":")
        if colon:
            pairs[key.strip().lower()] = value.strip()
    return ControlSpec(
        kind=pairs.get("module", ""),
        model=_MODEL_HASH.sub("", pairs.get("model", "")),
        weight=_number(pairs.get("weight", "1")),
        start=_number(pairs.get("guidance start", "0")),
        end=_number(pairs.get("guidance end", "1")),
    )


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidRequestError(f"Control value {text!r:.20} is not a number.") from None


def _plain(label: str) -> str:
    # The unit's own pairs are split on "," and ":" (A1111 refuses to write a unit holding
    # them), so a model name keeps neither.
    return label.replace(",", " ").replace(":", " ")
