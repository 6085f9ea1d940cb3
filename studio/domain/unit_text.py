"""The text an artist writes for a ControlNet unit or a reference image, read one way.

``KIND:IMAGE[:WEIGHT[:START:END]]`` names a control and ``FILE[:WEIGHT]`` a reference, in
``studio generate --control/--reference`` and in a batch spec's ``control``/``reference``
cells alike; these functions read that text (no image is opened here) and say what is wrong in
one line that starts with where the text came from (``--control``, ``control``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio.domain.control import MAX_CONTROLS, canonical_kind
from studio.domain.errors import InvalidRequestError


@dataclass(frozen=True)
class ControlOption:
    """One control's text, read but its image not yet opened."""

    kind: str
    image: Path
    weight: float = 1.0
    start: float = 0.0
    end: float = 1.0


def parse_control(text: str, label: str = "--control") -> ControlOption:
    """Read ``KIND:IMAGE[:WEIGHT[:START:END]]``.

    The image path may itself hold colons (``C:\\art\\pose.png``): only trailing parts that
    are numbers count as weight, start and end.

    Raises
    ------
    InvalidRequestError
        One line naming the value (after ``label``) and the form it needs.
    """
    kind, colon, rest = text.partition(":")
    if not colon or not rest.strip():
        raise InvalidRequestError(
            f"{label} {text!r:.60} needs KIND:IMAGE (for example canny:photo.png)."
        )
    kind = canonical_kind(kind)
    parts = rest.split(":")
    numbers: list[float] = []
    for count in (3, 1):
        if len(parts) > count and all(_is_number(part) for part in parts[-count:]):
            numbers = [float(part) for part in parts[-count:]]
            parts = parts[:-count]
            break
    image = ":".join(parts)
    if not image.strip():
        raise InvalidRequestError(f"{label} {text!r:.60} names no image file.")
    return ControlOption(kind, Path(image).expanduser(), *numbers)


def control_models(
    controls: int, models: list[str], labels: tuple[str, str] = ("--control", "--control-model")
) -> list[str]:
    """The ControlNet name of each control in order (``""``: the one whose name says its kind).

    Raises
    ------
    InvalidRequestError
        More models than controls, or more controls than :data:`MAX_CONTROLS`.
    """
    control, model = labels
    if len(models) > controls:
        raise InvalidRequestError(
            f"{len(models)} {model} for {controls} {control}: give one per control, "
            "in the same order."
        )
    if controls > MAX_CONTROLS:
        raise InvalidRequestError(f"{controls} {control} is too many: use at most {MAX_CONTROLS}.")
    return [*models, *[""] * (controls - len(models))]


def parse_reference(
    text: str, label: str = "--reference", is_file: Callable[[str], bool] | None = None
) -> tuple[Path, float]:
    """Read ``FILE`` or ``FILE:WEIGHT`` as the file's path and the weight (1 when not given).

    ``is_file(text)`` says whether the whole text names a file (one whose name ends in
    ``:2``); by default the path is looked up from the current folder.

    Raises
    ------
    InvalidRequestError
        A weight after ``:`` that is not a finite number.
    """
    exists = is_file or (lambda name: Path(name).expanduser().exists())
    name, weight = text, 1.0
    head, colon, tail = text.rpartition(":")
    if colon and head and not exists(text):
        try:
            weight = float(tail)
        except ValueError:
            raise InvalidRequestError(
                f"{label} {text!r:.60}: the weight after ':' must be a number."
            ) from None
        if not math.isfinite(weight):
            raise InvalidRequestError(f"{label} {text!r:.60}: the weight must be finite.")
        name = head
    return Path(name).expanduser(), weight


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
