"""What "Pixelate" is asked to do: one options class for its dialog, CLI command and job.

Checked when made, so a wrong option is one line before any pixel is touched. The pixels are
turned by :func:`studio.imaging.pixelart.pixelate`, which takes these options as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from studio.domain.errors import InvalidRequestError

DITHER_METHODS = ("none", "floyd-steinberg", "bayer2", "bayer4", "bayer8", "atkinson")
DOWNSCALE_METHODS = ("kcentroid", "nearest")


class PaletteColours(Protocol):
    """A named list of ``(r, g, b)`` colours (:class:`studio.imaging.palettes.Palette` is one).

    A protocol, not the imaging class, so the options stay plain domain data.
    """

    @property
    def name(self) -> str: ...

    @property
    def colours(self) -> tuple[tuple[int, int, int], ...]: ...


@dataclass(frozen=True)
class PixelateOptions:
    """What "Pixelate" does.

    Parameters
    ----------
    palette
        Colours the result may use.
    cell
        Art-pixel size in source pixels; ``None`` detects it (1 when the image shows no grid).
    method
        One of :data:`DOWNSCALE_METHODS`: ``"kcentroid"`` or ``"nearest"`` downscale.
    dither
        One of :data:`DITHER_METHODS`.
    alpha_threshold
        Alpha at or above this is opaque, below it transparent.
    outline
        Add a 1-px outline in the palette's darkest colour.
    scale
        Enlarge the result by this whole factor with nearest neighbour (1 keeps art size).
    """

    palette: PaletteColours
    cell: int | None = None
    method: str = "kcentroid"
    dither: str = "none"
    alpha_threshold: int = 128
    outline: bool = False
    scale: int = 1

    def __post_init__(self) -> None:
        if self.dither not in DITHER_METHODS:
            raise InvalidRequestError(
                f"Dither {self.dither!r} is not one of {', '.join(DITHER_METHODS)}."
            )
        if self.method not in DOWNSCALE_METHODS:
            raise InvalidRequestError("Downscale is 'kcentroid' or 'nearest'.")
        if self.cell is not None and not 1 <= self.cell <= 256:
            raise InvalidRequestError(f"Grid cell {self.cell} must be 1-256 pixels.")
        if not 1 <= self.scale <= 16:
            raise InvalidRequestError(f"Scale {self.scale} must be 1-16.")
        if not 1 <= self.alpha_threshold <= 255:
            raise InvalidRequestError("The alpha threshold must be 1-255.")
