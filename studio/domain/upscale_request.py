"""Upscaling as a job request: an image made larger by a model (ESRGAN and kin) or by nearest.

A model upscaler runs on the worker's GPU lane (the engine loads it, :mod:`studio.engine.upscale`);
``"nearest"`` is pixel art's whole-factor enlargement and needs no model. Like the other edits
the request carries its source pixels and where they came from (:class:`EditSource`), so the
result's recipe says what was enlarged, by what and how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.image_requests import EditSource, source_facts

NEAREST = "nearest"
MAX_UPSCALE = 16  # a 16x of a 512 px sprite is 8192 px, the largest side Studio writes


@dataclass(frozen=True, eq=False)
class UpscaleRequest:
    """Enlarge an image by a model upscaler or by nearest neighbour.

    Parameters
    ----------
    pixels
        The image to enlarge, ``uint8`` RGB or RGBA (an alpha channel is upscaled on its own).
    model
        ``"nearest"``, an upscaler's name (found in the model folders) or the path of its file.
    scale
        The factor of the result; ``None`` is the model's own (nearest: 2). A factor other than
        the model's resizes its output (Lanczos), as A1111's "upscale by" does.
    tile_x, tile_y
        The source tiles along that axis: its opposite edges meet, and the result keeps them
        meeting (the model sees the wrapped image across the edges).
    name
        What messages call the image (its file, or ``#12`` for a history entry).
    source
        Where the pixels came from (:class:`EditSource`).
    """

    pixels: np.ndarray
    model: str = NEAREST
    scale: int | None = None
    tile_x: bool = False
    tile_y: bool = False
    name: str = "the image"
    source: EditSource = field(default_factory=EditSource)

    def __post_init__(self) -> None:
        shape = tuple(getattr(self.pixels, "shape", ()))
        if len(shape) != 3 or shape[-1] not in (3, 4) or self.pixels.dtype != np.uint8:
            raise InvalidRequestError(f"Cannot upscale {self.name}: it is not RGB or RGBA pixels.")
        if not self.model.strip():
            raise InvalidRequestError("Choose an upscaler: nearest, a name or a model file.")
        if self.scale is not None and not 1 <= self.scale <= MAX_UPSCALE:
            raise InvalidRequestError(f"Upscale by {self.scale} is not a whole 1 to {MAX_UPSCALE}.")
        if self.is_nearest and self.scale == 1:
            raise InvalidRequestError("Nearest upscaling by 1 changes nothing: use 2 or more.")

    @property
    def is_nearest(self) -> bool:
        """Whether this is the model-free nearest-neighbour enlargement."""
        return self.model.strip().lower() == NEAREST

    @property
    def upscaler_name(self) -> str:
        """The upscaler as the recipe names it: a file's name without its folders or suffix."""
        return NEAREST if self.is_nearest else PurePath(self.model.strip()).stem

    def to_dict(self) -> dict[str, Any]:
        """The options and the source's identity, as the recipe stores them (never a path)."""
        options = {name: getattr(self, name) for name in ("scale", "tile_x", "tile_y")}
        return {"upscaler": self.upscaler_name, **options, **source_facts(self.pixels, self.source)}
