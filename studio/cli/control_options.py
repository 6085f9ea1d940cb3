"""The ControlNet options of ``studio generate``: ``--control`` units and ``--control-model``.

``--control KIND:IMAGE[:WEIGHT[:START:END]]`` names one unit: the kind (canny, softedge,
scribble, blockout, openpose, none), the image it is made from, and optionally its weight and
the fraction of the steps it acts in. The image is turned into the control image here, as the
GUI's Control panel does (:func:`studio.imaging.control.make_control_image`: canny edges of a
photo, the lines of a scribble...), so the request carries exactly what the ControlNet sees;
``openpose`` and ``none`` take a finished control image as it is. ``--control-model NAME``
names the ControlNet of each unit in order; a unit without one gets the user's ControlNet whose
name says its kind.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.cli.command import Group, arg
from studio.domain.control import CONTROL_KINDS, MAX_CONTROLS, ControlSpec, canonical_kind
from studio.domain.errors import InvalidRequestError

CONTROL_ARGUMENTS = Group(
    title="control (ControlNet, Stable Diffusion models)",
    args=(
        arg(
            "--control",
            action="append",
            metavar="KIND:IMAGE[:WEIGHT[:START:END]]",
            help=f"guide the image with a ControlNet; KIND is one of {', '.join(CONTROL_KINDS)} "
            "(the control image is made from IMAGE; openpose and none use IMAGE as it is), "
            "WEIGHT 0 to 2 (1), START and END the fraction of the steps it acts in (0 and 1); "
            f"repeat for up to {MAX_CONTROLS}",
        ),
        arg(
            "--control-model",
            action="append",
            metavar="NAME",
            help="the ControlNet of the first --control (repeat for the next ones; default: "
            "yours whose name says the kind)",
        ),
    ),
)


@dataclass(frozen=True)
class ControlOption:
    """One ``--control`` value, read but not yet loaded."""

    kind: str
    image: Path
    weight: float = 1.0
    start: float = 0.0
    end: float = 1.0


def parse_control(text: str) -> ControlOption:
    """Read ``KIND:IMAGE[:WEIGHT[:START:END]]``.

    The image path may itself hold colons (``C:\\art\\pose.png``): only trailing parts that
    are numbers count as weight, start and end.

    Raises
    ------
    InvalidRequestError
        One line naming the value and the form it needs.
    """
    kind, colon, rest = text.partition(":")
    if not colon or not rest.strip():
        raise InvalidRequestError(
            f"--control {text!r:.60} needs KIND:IMAGE (for example canny:photo.png)."
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
        raise InvalidRequestError(f"--control {text!r:.60} names no image file.")
    return ControlOption(kind, Path(image).expanduser(), *numbers)


def control_values(args: argparse.Namespace) -> dict[str, Any]:
    """The request's ``controls`` for the ``--control`` options (none when not given).

    Every image is read and made into its control image here, before a model loads: a
    missing file, a FIFO or a damaged image is one line naming it.

    Raises
    ------
    InvalidRequestError
        A malformed value, too many units, more ``--control-model`` than ``--control``, or a
        control with ``--mask`` or ``--outpaint`` (inpainting cannot take one yet).
    ImageReadError
        An image that cannot be read.
    """
    texts = args.control or []
    models = args.control_model or []
    if len(models) > len(texts):
        raise InvalidRequestError(
            f"{len(models)} --control-model for {len(texts)} --control: give one per control, "
            "in the same order."
        )
    if len(texts) > MAX_CONTROLS:
        raise InvalidRequestError(
            f"{len(texts)} --control is too many: use at most {MAX_CONTROLS}."
        )
    if not texts:
        return {}
    if args.mask is not None or args.outpaint is not None:
        option = "--mask" if args.mask is not None else "--outpaint"
        raise InvalidRequestError(
            f"Inpainting cannot take a control image yet: drop {option} or --control."
        )
    options = [parse_control(text) for text in texts]
    names = [*models, *[""] * (len(options) - len(models))]
    return {
        "controls": tuple(_unit(option, name) for option, name in zip(options, names, strict=True))
    }


def _unit(option: ControlOption, model: str) -> ControlSpec:
    from studio.imaging.control import make_control_image
    from studio.imaging.decode import load_pixels
    from studio.imaging.png import encode_png

    # Checked before the image is read: a bad weight costs no decode.
    ControlSpec(option.kind, None, model, option.weight, option.start, option.end)
    pixels = load_pixels(option.image, mode="RGB")
    control_png = encode_png(make_control_image(option.kind, pixels))
    return ControlSpec(
        option.kind,
        control_png,
        model,
        option.weight,
        option.start,
        option.end,
        source=option.image.name,
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
