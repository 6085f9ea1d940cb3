"""The hires-fix options of ``studio generate``, as A1111 names them.

``--hires-scale 2 --hires-upscaler latent|nearest|lanczos|NAME [--hires-steps N]
[--hires-size WxH]``, with the shared ``--denoise`` (``--strength``) as the second pass's
denoising strength. They become request fields here; the request checks their ranges.
"""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.command import Group, arg
from studio.cli.numbers import finite_float
from studio.domain.errors import InvalidRequestError
from studio.domain.hires import DEFAULT_HIRES_UPSCALER
from studio.domain.request_limits import parse_size

HIRES_ARGUMENTS = Group(
    (
        arg(
            "--hires-scale",
            type=finite_float,
            help="enlarge the image by this much (1 to 4) and repaint it at --denoise",
        ),
        arg("--hires-size", metavar="WxH", help="repaint at this size instead"),
        arg(
            "--hires-upscaler",
            metavar="NAME",
            help=f"latent, latent (bicubic), nearest, lanczos... ({DEFAULT_HIRES_UPSCALER})",
        ),
        arg("--hires-steps", type=int, help="steps of the second pass (0: as many as --steps)"),
    ),
    title="hires fix (A1111's two passes, Stable Diffusion models)",
)


def asks_hires(args: argparse.Namespace) -> bool:
    """Whether the command line turns hires fix on (a scale or a size)."""
    return args.hires_scale is not None or args.hires_size is not None


def hires_values(args: argparse.Namespace) -> dict[str, Any]:
    """Request fields for the hires options (none when they are not given).

    Raises
    ------
    InvalidRequestError
        For ``--hires-upscaler`` or ``--hires-steps`` without a scale or size to apply to.
    """
    if not asks_hires(args):
        for name in ("hires_upscaler", "hires_steps"):
            if getattr(args, name) is not None:
                option = "--" + name.replace("_", "-")
                raise InvalidRequestError(
                    f"{option} applies with --hires-scale N or --hires-size WxH."
                )
        return {}
    values: dict[str, Any] = {}
    if args.hires_scale is not None:
        values["hires_scale"] = args.hires_scale
    if args.hires_size is not None:
        values["hires_width"], values["hires_height"] = parse_size(args.hires_size)
    if args.hires_upscaler is not None:
        values["hires_upscaler"] = args.hires_upscaler
    if args.hires_steps is not None:
        values["hires_steps"] = args.hires_steps
    return values


def hires_option(args: argparse.Namespace) -> str:
    """The option that turned hires fix on, for a refusal."""
    return "--hires-size" if args.hires_size is not None else "--hires-scale"
