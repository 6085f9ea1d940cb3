"""``studio frames REFERENCE --poses walk -o DIR``: animation frames of one character, as a sheet.

One frame per pose of the sequence (``walk``, ``run``, ``idle``, ``attack`` or an edited JSON
file), each with the same seed, the reference image (a file, or history entry ``#N`` of
``--project``) and an OpenPose ControlNet unit of its pose; then the frames go to the sprite
sheet exporter as one animation at the sequence's fps (``--fps`` overrides it). A history
entry keeps what the window's Character Sheet dialog keeps of it
(:class:`~studio.ops.character_sheet.EntrySettings`): its prompt, seed and transparency, and
on its own model its size, steps, CFG and sampler, unless an option says otherwise.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from studio.cli.command import Command, arg, device_option
from studio.cli.export_inputs import export_arguments
from studio.cli.numbers import finite_float
from studio.cli.sheet import DEFAULT_FORMATS

_INPUT, *_EXPORT = export_arguments(metavar="REFERENCE", default_name="")
COMMAND = Command(
    "frames",
    "animation frames of one character from a reference, as a sprite sheet",
    "Make one frame per pose of a sequence with the same seed and reference image (an "
    "IP-Adapter reads it) and an OpenPose ControlNet per pose, then write them as a sprite "
    "sheet with the animation at its fps.",
    args=(
        arg("reference", metavar="REFERENCE", help="the character: an image file or #N"),
        *_EXPORT,
        arg("--poses", default="walk", help="walk, run, idle, attack or FILE.json"),
        arg("--prompt", default="", help="what to draw (default: the reference entry's prompt)"),
        arg("--negative", default="", help="negative prompt"),
        arg("--model", default="", help="a Stable Diffusion model (default: the default)"),
        arg(
            "--seed",
            type=int,
            help="one seed for every frame (default: the reference entry's, else random)",
        ),
        arg("--steps", type=int, help="sampling steps (default: as the entry, on its model)"),
        arg(
            "--size",
            help="WIDTHxHEIGHT of each frame (default: the entry's on its model, else the "
            "model's size)",
        ),
        arg(
            "--opaque",
            action="store_true",
            help="opaque frames even where the reference entry's background is transparent",
        ),
        arg("--fps", type=finite_float, help="frames per second (default: the sequence's)"),
        arg("--format", default=DEFAULT_FORMATS, help="sheet formats, comma separated, or all"),
        arg("--control-model", default="", help="the OpenPose ControlNet to use"),
        arg("--reference-weight", type=finite_float, default=1.0, help="0 to 2 (default 1)"),
        device_option(),
    ),
)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.cli.engine import open_engine
    from studio.cli.export_inputs import read_inputs, report_export
    from studio.cli.generation_request import generation_request
    from studio.cli.interrupt import ctrl_c_cancels
    from studio.cli.progress import ProgressPrinter
    from studio.domain.character_sheet import CharacterSheetRequest
    from studio.domain.pose_sequences import PoseSequence
    from studio.domain.reference import ReferenceImage
    from studio.domain.request_limits import parse_size
    from studio.imaging.png import encode_png
    from studio.imaging.sheets import parse_formats
    from studio.ops.character_sheet import SheetTarget, make_character_sheet, pose_sequence
    from studio.ops.export import check_sheet_target

    sequence = pose_sequence(args.poses)
    if args.fps is not None:
        sequence = PoseSequence(sequence.name, args.fps, sequence.poses)
    name = args.name or sequence.name
    # The folder and an earlier export in it are refused before the model loads.
    folder = check_sheet_target(args.output, name, overwrite=args.overwrite)
    target = SheetTarget(folder, tuple(parse_formats(args.format)), name, overwrite=args.overwrite)
    (image,) = read_inputs([args.reference], args.project, limit=1, unit="references")
    reference = ReferenceImage(
        encode_png(image.pixels[:, :, :3]), weight=args.reference_weight, source=image.name
    )
    prompt = args.prompt or str(image.source.get("prompt", ""))
    engine = open_engine(COMMAND.name, args.device)
    try:
        info = engine.resolve_model(args.model)
        size = parse_size(args.size) if args.size else None
        kept = _kept_from_entry(args, image.source.get("recipe"), info.id, size is not None)
        fields = {**kept, "references": (reference,)}
        generation = generation_request(args, info, prompt, size, fields).resolved()
        request = CharacterSheetRequest(
            replace(generation, model=info.id), sequence, control_model=args.control_model
        )
        with ctrl_c_cancels() as cancel, ProgressPrinter(info.name) as progress:

            def on_frame(frame) -> None:
                progress.write(f"frame {frame.index + 1} of {len(sequence.poses)}")
                for text in frame.warnings:
                    progress.write(f"warning: {text}")

            made = make_character_sheet(engine, request, target, progress.update, cancel, on_frame)
    finally:
        engine.close()
    animation = f"{sequence.name} at {sequence.fps:g} fps"
    details = f"{len(made.frames)} frames of {animation}, seed {generation.seed}"
    return report_export(made.export.written, folder, details, made.export.notes)


def _kept_from_entry(
    args: argparse.Namespace, recipe: object, model_id: str, sized: bool
) -> dict[str, object]:
    """What the frames keep of a history entry (``#N``), where no option says otherwise: its
    seed, its transparency and, on its own model, its size, steps, CFG and sampler, as the
    window's Character Sheet dialog keeps them."""
    from studio.ops.character_sheet import EntrySettings

    entry = EntrySettings.of(recipe)
    kept = entry.values(model_id, transparent=not args.opaque)
    given = {"steps": args.steps is not None, "width": sized, "height": sized}
    kept = {name: value for name, value in kept.items() if not given.get(name)}
    if args.seed is None and entry.seed is not None:
        kept["seed"] = entry.seed
    return kept
