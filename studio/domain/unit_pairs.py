"""The text of an add-on unit in an A1111 recipe: ``Key: value`` pairs, written and read.

sd-webui-controlnet writes each unit as one parameter whose value is a list of pairs
(``ControlNet 0: "Module: canny, Model: NAME [HASH], Weight: 1.0"``); Studio writes its
IP-Adapter references the same way (``IP-Adapter 0: "Model: ..., Weight: 0.8"``). Both are read
back by the same rules: keys case-forgiven, unknown pairs left alone, a unit that does not read
left out so the rest of the recipe still replays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from studio.domain.errors import InvalidRequestError

Unit = TypeVar("Unit")

# A1111 writes a model as "NAME [HASH]"; the hash is eight to ten hex digits of its SHA-256.
_MODEL_HASH = re.compile(r"\s*\[[0-9a-fA-F]{8,10}\]\s*$")


def join_pairs(pairs: Mapping[str, str]) -> str:
    """``"Key: value, Key: value"`` (values already free of ``,`` and ``:``, see :func:`plain`)."""
    return ", ".join(f"{key}: {value}" for key, value in pairs.items())


def split_pairs(text: str) -> dict[str, str]:
    """The pairs of a unit's text, keys lower-cased; items without a ``:`` are skipped."""
    pairs: dict[str, str] = {}
    for item in text.split(","):
        key, colon, value = item.partition(":")
        if colon:
            pairs[key.strip().lower()] = value.strip()
    return pairs


def plain(text: str) -> str:
    """``text`` without the ``,`` and ``:`` that split the pairs (A1111 refuses to write them)."""
    return text.replace(",", " ").replace(":", " ")


def model_name(label: str) -> str:
    """A recipe's ``NAME [HASH]`` as the name to look the model up by."""
    return _MODEL_HASH.sub("", label)


def number(text: str, what: str) -> float:
    """A pair's value as a number, or one line saying which value is not one."""
    try:
        return float(text)
    except ValueError:
        raise InvalidRequestError(f"{what} value {text!r:.20} is not a number.") from None


def units_from_parameters(
    params: Mapping[str, str], prefix: str, most: int, parse: Callable[[str], Unit]
) -> tuple[Unit, ...]:
    """The units ``PREFIX 0`` .. ``PREFIX most-1`` of a recipe, each read by ``parse``.

    A unit ``parse`` refuses (an unknown module, a value out of range) is left out rather than
    failing the whole recipe.
    """
    units = []
    for index in range(most):
        text = params.get(f"{prefix}{index}")
        if text is None:
            continue
        try:
            units.append(parse(text))
        except InvalidRequestError:
            continue
    return tuple(units)
