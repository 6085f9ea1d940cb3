"""The canvas-edit options of ``studio generate``: mask, outpaint, variation, tiling.

They turn into request fields here, so ``generate.py`` stays about running the job: an
outpaint grows the ``--init`` image and makes its mask before the request exists, exactly as
the GUI's outpaint action does, and the request records the margins for the recipe.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.cli.command import Group, arg
from studio.cli.hires_options import hires_option
from studio.cli.numbers import finite_float
from studio.domain.editing import OUTPAINT_FILLS, parse_margins, parse_tile_mode
from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.ops.edit_rules import needed_edits, refused_edit

# The edit options of ``studio generate``, under their own heading in its --help.
EDIT_ARGUMENTS = Group(
    title="editing",
    args=(
        arg("--mask", type=Path, help="with --init: MASK.png, white is repainted"),
        arg("--mask-blur", type=int, help="feather of the mask edge in pixels (4)"),
        arg(
            "--only-masked",
            action="store_true",
            help="inpaint a crop around the mask at --size and paste it back",
        ),
        arg("--outpaint", metavar="L,T,R,B", help="with --init: grow the canvas by these pixels"),
        arg("--outpaint-fill", choices=OUTPAINT_FILLS, help="first content of the new area (edge)"),
        arg("--variation-seed", type=int, help="seed to vary toward (A1111 subseed)"),
        arg(
            "--variation-strength",
            type=finite_float,
            help="0 keeps --seed's image, 1 is the variation's",
        ),
        arg("--tile", metavar="x|y|xy", help="make the image tile seamlessly"),
    ),
)


def edit_values(args: argparse.Namespace, init_png: bytes | None) -> dict[str, Any]:
    """Request fields for the edit options (may replace ``init_image`` with a grown canvas).

    Raises
    ------
    InvalidRequestError
        For options that need ``--init`` without it, or a mask and an outpaint together.
    """
    values: dict[str, Any] = {}
    if args.tile:
        values["tile_x"], values["tile_y"] = parse_tile_mode(args.tile)
    if args.variation_strength is not None or args.variation_seed is not None:
        values["variation_seed"] = args.variation_seed
        values["variation_strength"] = (
            args.variation_strength if args.variation_strength is not None else 0.5
        )
    if args.mask_blur is not None:
        values["mask_blur"] = args.mask_blur
    if args.outpaint is not None:
        parse_margins(args.outpaint)  # a malformed value is the first thing to report
    needs_init = [name for name in ("mask", "outpaint") if getattr(args, name) is not None]
    if needs_init and init_png is None:
        raise InvalidRequestError(f"--{needs_init[0]} needs the image to edit: add --init IMAGE.")
    if args.mask is not None and args.outpaint is not None:
        raise InvalidRequestError("Use --mask or --outpaint, not both (outpaint makes its mask).")
    if args.only_masked and args.mask is None:
        raise InvalidRequestError("--only-masked applies with --mask MASK.png.")
    if args.mask is not None:
        values.update(_mask_values(args, init_png))
    elif args.outpaint is not None:
        values.update(_outpaint_values(args, init_png))
    return values


def check_model_edits(
    args: argparse.Namespace, request: GenerationRequest, model: ModelInfo
) -> None:
    """Refuse, in the command line's words, an edit ``model`` cannot do.

    The rule is the GUI's (:func:`studio.ops.edit_rules.refused_edit` over
    :attr:`ModelInfo.edits`), so builtin-diffusion inpaints and outpaints here as it does
    there. Called before the model loads: a refusal costs no load.

    Raises
    ------
    InvalidRequestError
        Naming the option, what the model lacks and which models can.
    """
    for edit in needed_edits(request):
        rule = refused_edit(model, edit)
        if rule is None:
            continue
        option = _option_for(args, edit)
        raise InvalidRequestError(
            f"{option} needs {rule.who_can}: {rule.why.format(name=model.name)}. Add "
            f"--model NAME or --model PATH (a .safetensors file or diffusers folder), or drop "
            f"{option}."
        )


def _option_for(args: argparse.Namespace, edit: str) -> str:
    """The option on this command line that asked for ``edit``."""
    if edit == "inpaint":
        return "--mask" if args.mask is not None else "--outpaint"
    if edit == "variation":
        return "--variation-seed" if args.variation_seed is not None else "--variation-strength"
    if edit == "hires":
        return hires_option(args)
    if edit in ("control", "reference"):
        return f"--{edit}"
    return "--init"


def _mask_values(args: argparse.Namespace, init_png: bytes | None) -> dict[str, Any]:
    from studio.imaging.decode import load_pixels
    from studio.imaging.masks import check_mask_file, mask_from_pixels
    from studio.imaging.png import encode_png

    assert init_png is not None
    mask_pixels = load_pixels(args.mask, mode="RGBA")
    height, width = load_pixels(init_png, mode="RGBA").shape[:2]
    # Here, before the model loads: a mismatch must not cost a model load to find out.
    check_mask_file(mask_from_pixels(mask_pixels), (width, height), str(args.mask), str(args.init))
    mask_png = encode_png(mask_pixels)
    values: dict[str, Any] = {"mask_image": mask_png, "only_masked": bool(args.only_masked)}
    return values


def _outpaint_values(args: argparse.Namespace, init_png: bytes | None) -> dict[str, Any]:
    from studio.imaging.decode import load_pixels
    from studio.imaging.masks import encode_mask_png
    from studio.imaging.outpaint import grow_canvas
    from studio.imaging.png import encode_png

    assert init_png is not None
    margins = parse_margins(args.outpaint)
    fill = args.outpaint_fill or "edge"
    grown = grow_canvas(load_pixels(init_png, mode="RGBA"), margins, fill, seed=args.seed or 0)
    return {
        "init_image": encode_png(grown.pixels),
        "mask_image": encode_mask_png(grown.mask),
        "outpaint": margins,
        "outpaint_fill": fill,
        "width": grown.pixels.shape[1],
        "height": grown.pixels.shape[0],
    }


def edited_size(args: argparse.Namespace, init_png: bytes | None) -> tuple[int, int] | None:
    """The size an inpaint works at when ``--size`` is not given: the source image's own."""
    if args.mask is None or args.only_masked or init_png is None:
        return None
    from studio.imaging.decode import load_pixels

    height, width = load_pixels(init_png, mode="RGB").shape[:2]
    return width, height
