"""The recipe every image carries, written by Studio and read from Studio, A1111 and ComfyUI.

Studio writes two PNG text chunks (../shared/DESIGN.md, "Models"; written by
:mod:`studio.imaging.recipe_chunks`): ``parameters`` in the A1111 layout and ``studio`` with the
full request as JSON. :func:`read_recipe` understands those, A1111 text (also in JPEG/WebP EXIF
UserComment) and ComfyUI's ``prompt`` graph; :func:`format_recipe` shows one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.domain.models import builtin_family_controls
from studio.domain.prompt_tags import lora_names_from_hashes, with_lora_tags
from studio.domain.requests import GenerationRequest
from studio.imaging.a1111 import (
    format_value,
    ignored_parameter_keys,
    parse_a1111_parameters,
)
from studio.imaging.comfyui import parse_comfyui_prompt
from studio.imaging.exif import exif_user_comment
from studio.imaging.metadata_json import load_metadata_json
from studio.imaging.png import is_png, png_text_chunks
from studio.imaging.recipe_chunks import RECIPE_FORMAT, param_title
from studio.imaging.recipe_request import comfyui_sampler, request_from_params, studio_sampler
from studio.imaging.sources import ImageSource, open_source

__all__ = ["Recipe", "format_recipe", "parse_a1111_parameters", "read_recipe"]

_SOURCE_TITLES = {
    "studio": "Studio recipe",
    "a1111": "AUTOMATIC1111 parameters",
    "comfyui": "ComfyUI graph",
}
# Control characters (escape sequences) and lone surrogates (unprintable) in metadata from
# someone else must never reach a terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class Recipe:
    """What an image file says about how it was made.

    Parameters
    ----------
    source
        ``"studio"``, ``"a1111"``, ``"comfyui"`` or ``"none"``.
    prompt, negative_prompt
        The texts, empty when unknown.
    params
        Settings as the source wrote them (``Steps``, ``Sampler``, ``Size``...), as text.
    request
        A request that replays the image, or ``None`` when the recipe does not describe a
        text-to-image job (style transfer, no recipe). Values another tool wrote that Studio
        cannot use (an unknown sampler, an odd size) fall back to defaults; ``notes`` says which.
    raw
        The text chunks (or ``{"parameters": ...}`` from EXIF) the recipe was read from.
    model_name
        The model as the source named it (Studio's name, an A1111 checkpoint, a ComfyUI file).
    notes
        One line each: what could not be carried over into ``request``.
    """

    source: str
    prompt: str = ""
    negative_prompt: str = ""
    params: dict[str, str] = field(default_factory=dict)
    request: GenerationRequest | None = None
    raw: dict[str, str] = field(default_factory=dict)
    model_name: str = ""
    notes: tuple[str, ...] = ()


def read_recipe(source: ImageSource) -> Recipe:
    """Read the recipe an image file carries.

    Parameters
    ----------
    source
        Path or bytes of a PNG (text chunks), JPEG or WebP (EXIF UserComment).

    Returns
    -------
    Recipe
        ``source == "none"`` when the file carries nothing Studio understands.

    Raises
    ------
    ImageReadError
        If the file cannot be read or is not an image.
    MetadataError
        ``"metadata unreadable: ..."`` if the metadata is too large, too deeply nested,
        damaged, or not the JSON it claims to be.
    """
    chunks = _metadata_chunks(source)
    recipe = None
    if "studio" in chunks:
        recipe = _studio_recipe(chunks)
    if recipe is None and "parameters" in chunks:
        recipe = _a1111_recipe(chunks)
    if recipe is None and chunks.get("prompt", "").lstrip().startswith("{"):
        recipe = _comfyui_recipe(chunks)
    return recipe or Recipe(source="none", raw=chunks)


def format_recipe(recipe: Recipe) -> str:
    """Human-readable, multi-line description of a recipe (what ``studio info`` prints).

    Control characters from the file are replaced, so hostile metadata cannot drive a terminal.
    """
    if recipe.source == "none":
        lines = ["Recipe: none (this image carries no recipe Studio can read)"]
        if recipe.raw:
            lines.append("Text chunks: " + ", ".join(sorted(recipe.raw)))
        return _printable("\n".join(lines))
    lines = [f"Recipe: {_SOURCE_TITLES.get(recipe.source, recipe.source)}"]
    lines.append(_field("Prompt", recipe.prompt or "(empty)"))
    if recipe.negative_prompt:
        lines.append(_field("Negative prompt", recipe.negative_prompt))
    lines += [_field(key, value) for key, value in recipe.params.items()]
    if recipe.model_name and "Model" not in recipe.params:
        lines.append(_field("Model", recipe.model_name))
    lines.append("Replay: " + ("yes" if recipe.request is not None else "no"))
    lines += [_field("Note", note) for note in recipe.notes]
    return _printable("\n".join(lines))


def _field(label: str, value: str) -> str:
    return f"{label}: " + value.replace("\r\n", "\n").replace("\n", "\n  ")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("\ufffd", text)


def _metadata_chunks(source: ImageSource) -> dict[str, str]:
    with open_source(source) as stream:
        png = is_png(stream.read(8))
    if png:
        return png_text_chunks(source)
    comment = exif_user_comment(source)
    return {} if comment is None else {"parameters": comment}


def _studio_recipe(chunks: dict[str, str]) -> Recipe | None:
    data = load_metadata_json(chunks["studio"], what="the Studio recipe")
    if not isinstance(data, dict) or data.get("format") != RECIPE_FORMAT:
        return None  # another program's "studio" chunk: not ours to read
    stored = data.get("request")
    request_data: dict[str, Any] = stored if isinstance(stored, dict) else {}
    notes: list[str] = []
    request = None
    if data.get("request_type", "GenerationRequest") == "GenerationRequest":
        try:
            request = GenerationRequest.from_dict(request_data)
        except (InvalidRequestError, TypeError, ValueError, AttributeError) as exc:
            # from_dict checks ranges; a file from elsewhere can also hold wrong types.
            notes.append(f"The stored request cannot be replayed: {exc}")
    if request_data.get("init_image_sha256"):
        notes.append("The source image of this image-to-image result is not stored in the file.")
    if request_data.get("mask_image_sha256"):
        notes.append("The inpaint mask is not stored in the file: paint it again to replay.")
    params = (
        parse_a1111_parameters(chunks["parameters"])["params"]
        if "parameters" in chunks
        else {param_title(k): format_value(v) for k, v in request_data.items() if v is not None}
    )
    # Images written before the parameters line followed the model's controls still list
    # steps, sampler and CFG for a built-in model that ignored them: show what it used.
    stored_extra = data.get("extra")
    extra = stored_extra if isinstance(stored_extra, dict) else {}
    ignored = ignored_parameter_keys(builtin_family_controls(extra.get("family")))
    params = {key: value for key, value in params.items() if _title_key(key) not in ignored}
    return Recipe(
        source="studio",
        prompt=_text(request_data.get("prompt")),
        negative_prompt=_text(request_data.get("negative_prompt")),
        params=params,
        request=request,
        raw=chunks,
        model_name=_text(data.get("model_name")),
        notes=tuple(notes),
    )


def _a1111_recipe(chunks: dict[str, str]) -> Recipe:
    parsed = parse_a1111_parameters(chunks["parameters"])
    params = parsed["params"]
    sampler = studio_sampler(params.get("Sampler", ""), params.get("Schedule type", ""))
    missing = []
    if "Denoising strength" in params:
        missing.append("The source image of this image-to-image result is not stored in the file.")
    return _parsed_recipe("a1111", parsed, chunks, sampler, missing)


def _comfyui_recipe(chunks: dict[str, str]) -> Recipe:
    graph = load_metadata_json(chunks["prompt"], what="the ComfyUI prompt")
    parsed = parse_comfyui_prompt(graph)
    if parsed is None:
        return Recipe(source="comfyui", raw=chunks, notes=("No sampler node found in the graph.",))
    params = parsed["params"]
    if "workflow" in chunks:
        params["Workflow"] = "included"
    sampler = comfyui_sampler(params.get("Sampler", ""), params.get("Scheduler", ""))
    return _parsed_recipe("comfyui", parsed, chunks, sampler)


def _parsed_recipe(
    source: str,
    parsed: dict[str, Any],
    chunks: dict[str, str],
    sampler: str | None,
    more_notes: list[str] | tuple[str, ...] = (),
) -> Recipe:
    """The recipe of another tool's parsed metadata: its prompts, settings and request."""
    params = parsed["params"]
    # LoRAs listed outside the prompt (ComfyUI's loaders, A1111's hashes) become its tags.
    loras = parsed.get("lora_tags") or lora_names_from_hashes(params.get("Lora hashes", ""))
    request, notes = request_from_params(
        with_lora_tags(parsed["prompt"], loras), parsed["negative_prompt"], params, sampler
    )
    return Recipe(
        source=source,
        prompt=parsed["prompt"],
        negative_prompt=parsed["negative_prompt"],
        params=params,
        request=request,
        raw=chunks,
        model_name=params.get("Model", ""),
        notes=(*notes, *more_notes),
    )


def _title_key(key: str) -> str:
    """A parameter key as A1111 spells it (``Cfg scale`` from a request field is ``CFG scale``)."""
    return "CFG scale" if key == "Cfg scale" else key


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
