"""The ControlNet options of ``studio generate``: ``--control`` units and ``--control-model``.

``--control KIND:IMAGE[:WEIGHT[:START:END]]`` names one unit: the kind (canny, softedge,
scribble, blockout, openpose, none), the image it is made from, and optionally its weight and
the fraction of the steps it acts in. The image is turned into the control image here, as the
GUI's Control panel does (:func:`studio.imaging.control.make_control_image`: canny edges of a
photo, the lines of a scribble...), so the request carries exactly what the ControlNet sees;
``openpose`` and ``none`` take a finished control image as it is. ``--control-model NAME``
names the ControlNet of each unit in order; a unit without one gets the user's ControlNet whose
name says its kind. The text is read by :mod:`studio.domain.unit_text`, as a batch spec's
``control`` cells are.
"""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.command import Group, arg
from studio.domain.control import CONTROL_KINDS, MAX_CONTROLS, ControlSpec
from studio.domain.unit_text import ControlOption, control_models, parse_control

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


def control_values(args: argparse.Namespace) -> dict[str, Any]:
    """The request's ``controls`` for the ``--control`` options (none when not given).

    Every image is read and made into its control image here, before a model loads: a
    missing file, a FIFO or a damaged image is one line naming it.

    Raises
    ------
    InvalidRequestError
        A malformed value, too many units, or more ``--control-model`` than ``--control``.
    ImageReadError
        An image that cannot be read.
    """
    texts = args.control or []
    models = control_models(len(texts), args.control_model or [])
    if not texts:
        return {}
    options = [parse_control(text) for text in texts]
    return {
        "controls": tuple(_unit(option, name) for option, name in zip(options, models, strict=True))
    }


def _unit(option: ControlOption, model: str) -> ControlSpec:
    from studio.imaging.unit_images import control_png

    # Checked before the image is read: a bad weight costs no decode.
    ControlSpec(option.kind, None, model, option.weight, option.start, option.end)
    return ControlSpec(
        option.kind,
        control_png(option.kind, option.image),
        model,
        option.weight,
        option.start,
        option.end,
        source=option.image.name,
    )
