"""``studio info IMAGE``: print the recipe stored in an image (ours, A1111, ComfyUI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.cli.command import Command, arg, json_option
from studio.cli.json_output import print_json

COMMAND = Command(
    "info",
    "show the recipe stored in an image",
    "Print the prompt and settings stored in a PNG by Studio, A1111 or ComfyUI.",
    args=(arg("image", type=Path, help="image file"), json_option()),
)


def recipe_as_json(recipe) -> dict:
    """The recipe as JSON data: what the file said, and the request Studio would replay."""
    return {
        "source": recipe.source,
        "prompt": recipe.prompt,
        "negative_prompt": recipe.negative_prompt,
        "model": recipe.model_name,
        "params": dict(recipe.params),
        "request": recipe.request.to_dict() if recipe.request is not None else None,
        "notes": list(recipe.notes),
    }


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.imaging.recipe import format_recipe, read_recipe

    recipe = read_recipe(args.image)
    if args.json:
        print_json(recipe_as_json(recipe))
    elif recipe.source == "none":
        print(f"{args.image}: no recipe found (not made by Studio, A1111 or ComfyUI)")
    else:
        print(format_recipe(recipe))
    if recipe.source == "none":
        print(f"studio info: {args.image} carries no generation metadata", file=sys.stderr)
        return 1
    return 0
