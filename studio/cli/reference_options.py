"""The reference-image options of ``studio generate``: ``--reference FILE[:WEIGHT]``.

Each ``--reference`` is read here (the file decoded and checked before the model loads) and
becomes a :class:`~studio.domain.reference.ReferenceImage` of the request; ``--reference-model``
names the IP-Adapter that reads them (default: the one of the model's family).
"""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.command import Group, arg
from studio.domain.errors import InvalidRequestError
from studio.domain.reference import MAX_REFERENCE_WEIGHT, ReferenceImage
from studio.domain.unit_text import parse_reference as parse_reference_text

REFERENCE_ARGUMENTS = Group(
    (
        arg(
            "--reference",
            action="append",
            metavar="FILE[:WEIGHT]",
            help=f"steer toward this image (weight 0 to {MAX_REFERENCE_WEIGHT:g}, default 1); "
            "repeat for several",
        ),
        arg("--reference-model", metavar="NAME", help="the IP-Adapter to read them with"),
    ),
    title="reference images (IP-Adapter, Stable Diffusion models)",
)


def reference_values(args: argparse.Namespace) -> dict[str, Any]:
    """Request fields for the reference options (none when they are not given).

    Raises
    ------
    InvalidRequestError
        ``--reference-model`` alone, or a weight that is not a number in range.
    ImageReadError
        A reference file that is not a readable image (one line naming it).
    """
    texts = args.reference or []
    if not texts:
        if args.reference_model:
            raise InvalidRequestError("--reference-model applies with --reference FILE.")
        return {}
    model = args.reference_model or ""
    return {"references": tuple(parse_reference(text, model) for text in texts)}


def parse_reference(text: str, model: str = "") -> ReferenceImage:
    """``FILE`` or ``FILE:WEIGHT`` as a reference carrying the file's pixels as PNG."""
    from studio.imaging.unit_images import reference_png

    path, weight = parse_reference_text(text)
    return ReferenceImage(reference_png(path), weight=weight, model=model, source=path.name)
