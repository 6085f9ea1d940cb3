"""A finished image made ready to keep: PNG with its recipe, thumbnail and history fields.

Encoding happens once, where the result is made (the worker thread, or the CLI's loop): the
recipe is serialised a single time and the same JSON text goes into the PNG's ``studio``
chunk and the project's history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from studio.domain.editing import SeamlessRequest
from studio.domain.image_requests import MakeSeamlessRequest, MatteRequest, PixelateRequest
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest
from studio.imaging.png import encode_png
from studio.imaging.recipe_chunks import image_recipe_chunks
from studio.imaging.thumbnails import make_thumbnail

STYLE_TITLE = "Style transfer"


@dataclass(frozen=True, eq=False)
class EncodedResult:
    """One result with everything the project file and an output file need.

    Parameters
    ----------
    image
        The result as the engine made it.
    png
        Lossless PNG carrying the recipe (A1111 ``parameters`` and ``studio`` chunks).
    thumbnail
        Small PNG for the history panel.
    history_text
        What the history row shows and its filter searches: the prompt, or for a style
        result the styles and their weights.
    recipe_json
        The ``studio`` recipe as JSON text, the very text stored in the PNG.
    """

    image: GeneratedImage
    png: bytes
    thumbnail: bytes
    history_text: str
    recipe_json: str

    @property
    def kind(self) -> str:
        return self.image.kind


def encode_result(image: GeneratedImage) -> EncodedResult:
    """Encode ``image`` with its recipe and thumbnail, serialising the recipe once."""
    chunks = image_recipe_chunks(image)
    return EncodedResult(
        image=image,
        png=encode_png(image.pixels, chunks),
        thumbnail=make_thumbnail(image.pixels),
        history_text=history_text(image),
        recipe_json=chunks["studio"],
    )


def history_text(image: GeneratedImage) -> str:
    """The text a history row shows for ``image`` (prompt, or style summary)."""
    match image.request:
        case GenerationRequest(prompt=prompt):
            return prompt
        case StyleRequest():
            return str(image.extra.get("style_summary") or STYLE_TITLE)
        case SeamlessRequest():
            return str(image.extra.get("source_prompt") or "Make seamless")
        case PixelateRequest() | MatteRequest() | MakeSeamlessRequest() | UpscaleRequest():
            # An edit is listed under its source's prompt (see studio.imaging.edits).
            return str(image.extra.get("source_prompt") or image.extra.get("Postprocess", ""))
        case _:
            assert_never(image.request)  # a new JobRequest kind must say its history text
