"""The palette value object and the checks every palette user needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.imaging.display_names import display_name

MAX_COLOURS = 256


@dataclass(frozen=True)
class Palette:
    """An ordered list of opaque RGB colours with a name.

    Parameters
    ----------
    name
        What the user sees ("PICO-8", "my-game"). Made clean here, once, with
        :func:`~studio.imaging.display_names.display_name`: a palette file's ``Name:`` line
        reaches the terminal, the dialogs and saved palette files.
    colours
        ``(r, g, b)`` tuples, 0-255, in the file's order, without duplicates.
    """

    name: str
    colours: tuple[tuple[int, int, int], ...]

    def __post_init__(self) -> None:
        # Frozen, so the cleaned name is set the way dataclasses set fields themselves.
        object.__setattr__(self, "name", display_name(self.name, fallback="palette"))
        if not 1 <= len(self.colours) <= MAX_COLOURS:
            raise InvalidRequestError(
                f"Palette {self.name!r} has {len(self.colours)} colours; 1-{MAX_COLOURS} work."
            )

    @classmethod
    def from_hex(cls, name: str, hex_colours: str) -> Palette:
        """A palette from whitespace-separated ``RRGGBB`` words."""
        return cls(name, tuple(_parse_hex(word) for word in hex_colours.split()))

    def array(self) -> np.ndarray:
        """The colours as a ``(N, 3)`` ``uint8`` array."""
        return np.array(self.colours, dtype=np.uint8).reshape(-1, 3)

    def hex_colours(self) -> list[str]:
        """The colours as lower-case ``rrggbb`` strings."""
        return [f"{r:02x}{g:02x}{b:02x}" for r, g, b in self.colours]


def unique_colours(colours: list[tuple[int, int, int]]) -> tuple[tuple[int, int, int], ...]:
    """The colours in first-seen order, each once (palette files often repeat black)."""
    return tuple(dict.fromkeys(colours))


def off_palette_mask(
    pixels: np.ndarray, palette: Palette, *, alpha_threshold: int = 1
) -> np.ndarray:
    """Which visible pixels use a colour that is not in the palette.

    Parameters
    ----------
    pixels
        ``(H, W, 3)`` or ``(H, W, 4)`` ``uint8``.
    palette
        The palette to check against.
    alpha_threshold
        Pixels with alpha below this are invisible and never count.

    Returns
    -------
    numpy.ndarray
        ``(H, W)`` bool, True where a visible pixel is off the palette.
    """
    rgb = pixels[:, :, :3]
    packed = _pack(rgb)
    allowed = np.isin(packed, _pack(palette.array()[np.newaxis]))
    visible = pixels[:, :, 3] >= alpha_threshold if pixels.shape[2] == 4 else True
    return ~allowed & visible


def _pack(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _parse_hex(word: str) -> tuple[int, int, int]:
    word = word.strip().lstrip("#")
    if len(word) != 6:
        raise ValueError(f"not an RRGGBB colour: {word!r}")
    value = int(word, 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255
