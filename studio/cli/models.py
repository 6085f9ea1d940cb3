"""``studio models``: list the models Studio can see, and add or forget one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studio.cli.command import Command, arg, json_option
from studio.cli.json_output import print_json
from studio.cli.models_listing import addition_line, print_addons, rescan_line

if TYPE_CHECKING:
    from studio.domain.models import ModelInfo
    from studio.engine.registry import ModelRegistry

COMMAND = Command(
    "models",
    "list the models Studio can see",
    "List built-in models, models you added and diffusers pipelines in the Hugging "
    "Face cache, with where each came from, then the add-ons (LoRA, embeddings, "
    "upscalers, ControlNet...) in the folders you added, by kind and base family. "
    "--add takes a model file or folder, or a whole A1111/Forge, ComfyUI or InvokeAI "
    "install: its files are read in place, never copied.",
    args=(
        json_option("print JSON"),
        arg("--add", type=Path, metavar="PATH", help="remember a model file or folder"),
        arg("--remove", type=Path, metavar="PATH", help="forget an added model path"),
        arg(
            "--rescan",
            action="store_true",
            help="read every added file and folder again and count what they hold",
        ),
    ),
)


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.engine.registry import ModelRegistry
    from studio.project.settings import load_engine_settings, save_engine_settings

    settings, _warning = load_engine_settings()
    registry = ModelRegistry(settings)
    if args.add is not None:
        # Not resolved here: a message names the path the user typed, not a link's target.
        typed = str(args.add.expanduser().absolute())
        location, line = addition_line(registry.inspect_addition(typed), typed)
        settings = settings.with_model_path(location)
        save_engine_settings(settings)
        print(line)
        registry = ModelRegistry(settings)
    if args.remove is not None:
        settings = settings.without_model_path(_stored_form(args.remove))
        save_engine_settings(settings)
        registry = ModelRegistry(settings)
    if args.rescan:
        registry.refresh()
        print(rescan_line(registry), file=sys.stderr if args.json else sys.stdout)
    models = registry.models()
    addons = registry.addons()
    if args.json:
        print_json([m.to_dict() for m in models] + [a.to_dict() for a in addons])
        for problem in registry.problems():  # stdout stays JSON; the skipped files go aside
            print(f"studio models: skipped: {problem}", file=sys.stderr)
        return 0
    if not models:
        print("No models found. Add one with: studio models --add PATH")
    else:
        _print_checkpoints(registry, models)
    print_addons(addons, registry.problems())
    return 0


def _print_checkpoints(registry: ModelRegistry, models: list[ModelInfo]) -> None:
    default = registry.default()
    width = max(len(m.id) for m in models) + 2
    print(f"{'MODEL':<{width}}  {'FAMILY':<9} {'SOURCE':<8} {'SIZE':<9} LOCATION")
    for info in models:
        # The model a job gets when none is chosen is marked, as the GUI's picker selects it.
        label = f"{info.id} *" if default is not None and info.id == default.id else info.id
        size = f"{info.default_size[0]}x{info.default_size[1]}"
        where = info.location or "-"
        print(f"{label:<{width}}  {info.family.value:<9} {info.source.value:<8} {size:<9} {where}")
    print("* used when no model is chosen")


def _stored_form(path: Path) -> str:
    """``path`` as ``--add`` stored it (resolved); a path that cannot be resolved (a symlink
    loop, a name too long) was never stored, so its absolute form is compared instead."""
    try:
        return str(path.expanduser().resolve())
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a symlink loop
        return str(path.expanduser().absolute())
