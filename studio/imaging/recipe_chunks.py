"""The recipe Studio writes into every result: the ``parameters`` and ``studio`` PNG chunks.

``parameters`` follows the A1111 layout so other tools show the prompt and settings; ``studio``
holds the full request as JSON for exact replay. :mod:`studio.imaging.recipe` reads them back.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, assert_never

import numpy as np

from studio.domain.editing import SeamlessRequest
from studio.domain.image_requests import MakeSeamlessRequest, MatteRequest, PixelateRequest
from studio.domain.job_kind import JobKind
from studio.domain.models import builtin_family_controls
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest
from studio.imaging.a1111 import a1111_parameters, format_parameters_text
from studio.imaging.png import encode_png

RECIPE_FORMAT = "studio-recipe"
RECIPE_VERSION = 1
_MAX_ARRAY_ITEMS = 256
_KIND_TITLES = {
    JobKind.GENERATE: "Text to image",
    JobKind.STYLE: "Style transfer",
    "import": "Imported",
    "tile": "Make seamless",
}


def image_recipe_chunks(image: GeneratedImage) -> dict[str, str]:
    """The ``parameters`` and ``studio`` text chunks for a finished image.

    Works for any result: a :class:`GenerationRequest` gives the A1111 layout; another request
    (style transfer...) is described by its ``to_dict()`` fields.
    """
    request = image.request
    extra: dict[str, object] = {
        k: v for k, v in image.extra.items() if isinstance(v, str | int | float | bool)
    }
    match request:
        case GenerationRequest():
            parameters = a1111_parameters(
                request,
                model_name=image.model_name,
                model_hash=image.model_hash,
                extra=extra,
                controls=builtin_family_controls(image.extra.get("family")),
            )
        # A seamless result carries its SeamlessRequest record (what `studio tile` replays);
        # the edits (studio.imaging.edits) describe themselves by their options.
        case (
            StyleRequest()
            | SeamlessRequest()
            | PixelateRequest()
            | MatteRequest()
            | MakeSeamlessRequest()
            | UpscaleRequest()
        ):
            parameters = _generic_parameters(image, request.to_dict(), extra)
        case _:
            assert_never(request)  # a new JobRequest kind must say how its recipe reads
    # ASCII-only JSON: lone surrogates and any other odd text survive exactly for replay.
    return {
        "parameters": parameters,
        "studio": json.dumps(_studio_recipe_data(image), default=_json_default),
    }


def _studio_recipe_data(image: GeneratedImage) -> dict[str, Any]:
    return {
        "format": RECIPE_FORMAT,
        "version": RECIPE_VERSION,
        "request_type": type(image.request).__name__,
        "request": image.request.to_dict(),
        "model_name": image.model_name,
        "model_hash": image.model_hash,
        "kind": image.kind,
        "index": image.index,
        "elapsed_s": round(float(image.elapsed_s), 3),
        "warnings": list(image.warnings),
        "extra": image.extra,
    }


def encode_result_png(image: GeneratedImage) -> bytes:
    """Lossless PNG of a result with its recipe chunks (what history and export store)."""
    return encode_png(image.pixels, image_recipe_chunks(image))


def _generic_parameters(
    image: GeneratedImage, request_data: dict[str, Any], extra: dict[str, object]
) -> str:
    """A1111-style text for results that are not text-to-image (style transfer...)."""
    prompt = request_data.get("prompt")
    title = _KIND_TITLES.get(image.kind, param_title(image.kind))
    pairs: list[tuple[str, object]] = [("Kind", image.kind)]
    pairs += [
        (param_title(key), value)
        for key, value in request_data.items()
        if key not in ("prompt", "schema") and isinstance(value, str | int | float | bool)
    ]
    pairs += [
        ("Size", f"{image.width}x{image.height}"),
        ("Model hash", image.model_hash or None),
        ("Model", image.model_name or None),
        *extra.items(),
    ]
    return format_parameters_text(prompt if isinstance(prompt, str) else title, "", pairs)


def param_title(key: str) -> str:
    """``style_name`` -> ``Style name``, the way A1111 keys read."""
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _json_default(value: object) -> object:
    """JSON for what backends put in ``extra``: numpy values, tuples, bytes (by hash)."""
    if isinstance(value, np.ndarray):
        # Small arrays (style weights) are worth keeping; pixels would bloat every file.
        if value.size <= _MAX_ARRAY_ITEMS:
            return value.tolist()
        return {"shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes | bytearray):
        return {"sha256": hashlib.sha256(value).hexdigest(), "bytes": len(value)}
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    return str(value)
