"""Image edits as job requests: pixelate, remove background, make seamless.

They run on the worker's CPU lane (no model, no GPU) and, like a generation, end as a result
with its recipe. Each request carries its source pixels and where they came from
(:class:`EditSource`: the history entry, its prompt and recipe), so the result's recipe says
what was done to what. ``to_dict`` is the recipe's view of the request: options and the
source's hash, never the pixels.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.pixelate_options import PixelateOptions

MATTE_METHODS = ("cf", "knn")


@dataclass(frozen=True)
class EditSource:
    """Where an edit's pixels came from: a history entry (id 0: a file, as in the CLI).

    ``prompt`` is what the result's history row shows (as for its source); ``recipe`` is the
    source's own recipe, which travels inside the result's.
    """

    entry_id: int = 0
    prompt: str = ""
    recipe: Mapping[str, Any] = field(default_factory=dict)


def source_facts(pixels: np.ndarray, source: EditSource) -> dict[str, Any]:
    digest = hashlib.sha256(np.ascontiguousarray(pixels).tobytes()).hexdigest()
    return {"source_entry_id": source.entry_id, "source_sha256": digest}


@dataclass(frozen=True, eq=False)
class PixelateRequest:
    """Turn an image into palette-exact pixel art.

    Parameters
    ----------
    pixels
        The source, ``(H, W, 3|4)`` ``uint8``.
    options
        What to do (:class:`~studio.domain.pixelate_options.PixelateOptions`, checked when
        made, before any work).
    source
        Where the pixels came from (:class:`EditSource`).
    """

    pixels: np.ndarray
    options: PixelateOptions
    source: EditSource = field(default_factory=EditSource)

    def to_dict(self) -> dict[str, Any]:
        """The options and the source's identity, as the recipe stores them."""
        options = self.options
        return {
            "palette": options.palette.name,
            "colours": len(options.palette.colours),
            "grid": options.cell,
            "method": options.method,
            "dither": options.dither,
            "alpha_threshold": options.alpha_threshold,
            "outline": options.outline,
            "scale": options.scale,
            **source_facts(self.pixels, self.source),
        }


@dataclass(frozen=True, eq=False)
class MatteRequest:
    """Key out an image's flat background (Remove Background, ``studio matte``).

    Parameters
    ----------
    pixels
        The source, ``(H, W, 3|4)`` ``uint8``.
    key
        The background colour; ``None`` detects it from the border.
    method
        pymatting's ``"cf"`` (closed-form) or ``"knn"``.
    name
        What messages call the image (its file, or ``#12`` for a history entry).
    source
        Where the pixels came from (:class:`EditSource`).
    """

    pixels: np.ndarray
    key: tuple[int, int, int] | None = None
    method: str = "cf"
    name: str = "the image"
    source: EditSource = field(default_factory=EditSource)

    def __post_init__(self) -> None:
        if self.method not in MATTE_METHODS:
            raise InvalidRequestError(
                f"Matte method {self.method!r} is not one of {', '.join(MATTE_METHODS)}."
            )

    def to_dict(self) -> dict[str, Any]:
        """The options and the source's identity, as the recipe stores them."""
        key = None if self.key is None else "#{:02x}{:02x}{:02x}".format(*self.key)
        return {
            "key_given": key,
            "method": self.method,
            **source_facts(self.pixels, self.source),
        }


@dataclass(frozen=True, eq=False)
class MakeSeamlessRequest:
    """Repair an image's wrap edges so it tiles (the GUI's Make Seamless, no model pass).

    Named apart from :class:`studio.domain.editing.SeamlessRequest`, which is the recipe
    record of a seamless result (what ``studio tile`` also writes); this is the job.
    """

    pixels: np.ndarray
    tile_x: bool = True
    tile_y: bool = True
    source: EditSource = field(default_factory=EditSource)

    def __post_init__(self) -> None:
        if not (self.tile_x or self.tile_y):
            raise InvalidRequestError("Make seamless needs at least one axis: x, y or xy.")

    def to_dict(self) -> dict[str, Any]:
        """The options and the source's identity, as the recipe stores them."""
        return {
            "tile_x": self.tile_x,
            "tile_y": self.tile_y,
            **source_facts(self.pixels, self.source),
        }


ImageRequest: TypeAlias = PixelateRequest | MatteRequest | MakeSeamlessRequest
IMAGE_REQUEST_TYPES = (PixelateRequest, MatteRequest, MakeSeamlessRequest)


def is_image_request(request: object) -> bool:
    """True for the requests that run on the CPU lane (no model involved)."""
    return isinstance(request, IMAGE_REQUEST_TYPES)
