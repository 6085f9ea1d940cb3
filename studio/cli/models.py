"""``studio models``: list the models Studio can see, and add or forget one."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.cli.json_output import print_json

NAME = "models"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="list the models Studio can see",
        description=(
            "List built-in models, models you added and diffusers pipelines in the Hugging "
            "Face cache, with where each came from."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--add", type=Path, metavar="PATH", help="remember a model file or folder")
    parser.add_argument("--remove", type=Path, metavar="PATH", help="forget an added model path")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studio.engine.registry import ModelRegistry
    from studio.project.settings import load_engine_settings, save_engine_settings

    settings, _warning = load_engine_settings()
    registry = ModelRegistry(settings)
    if args.add is not None:
        # Not resolved here: a message names the path the user typed, not a link's target.
        info = registry.inspect_path(str(args.add.expanduser().absolute()))
        settings = settings.with_model_path(info.location)
        save_engine_settings(settings)
        print(f"added {info.name} ({info.family.value}, {info.format.value}): {info.location}")
        registry = ModelRegistry(settings)
    if args.remove is not None:
        settings = settings.without_model_path(_stored_form(args.remove))
        save_engine_settings(settings)
        registry = ModelRegistry(settings)
    models = registry.models()
    if args.json:
        print_json([m.to_dict() for m in models])
        return 0
    if not models:
        print("No models found. Add one with: studio models --add PATH")
        return 0
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
    return 0


def _stored_form(path: Path) -> str:
    """``path`` as ``--add`` stored it (resolved); a path that cannot be resolved (a symlink
    loop, a name too long) was never stored, so its absolute form is compared instead."""
    try:
        return str(path.expanduser().resolve())
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a symlink loop
        return str(path.expanduser().absolute())
