"""Vocabulary of canvas edits: tiling axes, outpaint margins and fills, variation limits.

Kept apart from :mod:`studio.domain.requests` so the request stays a list of fields; the
parsing and the range checks of the edit options live here, shared by the CLI and the GUI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from studio.domain.errors import InvalidRequestError

TILE_MODES = ("", "x", "y", "xy")
OUTPAINT_FILLS = ("edge", "blur", "noise")
DEFAULT_OUTPAINT_FILL = "edge"
MAX_OUTPAINT = 1024
OUTPAINT_OVERLAP = 16  # pixels of the old canvas the outpaint mask also repaints, to hide the join
MAX_MASK_BLUR = 64
MAX_CROP_PADDING = 512


def parse_tile_mode(text: str) -> tuple[bool, bool]:
    """``"x"``, ``"y"``, ``"xy"`` (or ``""``/``"none"``) into ``(tile_x, tile_y)``.

    Raises
    ------
    InvalidRequestError
        For any other text.
    """
    cleaned = text.strip().lower().replace("none", "").replace("both", "xy")
    cleaned = "".join(sorted(set(cleaned.replace(",", "").replace(" ", ""))))
    if cleaned not in TILE_MODES:
        raise InvalidRequestError(f"Tile {text!r} is not x, y or xy.")
    return "x" in cleaned, "y" in cleaned


def tile_mode(tile_x: bool, tile_y: bool) -> str:
    """The inverse of :func:`parse_tile_mode`: ``"x"``, ``"y"``, ``"xy"`` or ``""``."""
    return ("x" if tile_x else "") + ("y" if tile_y else "")


def parse_margins(text: str) -> tuple[int, int, int, int]:
    """``"L,T,R,B"`` pixel margins (for example ``"0,0,128,0"``) into a tuple.

    Raises
    ------
    InvalidRequestError
        If the text is not four whole numbers in range.
    """
    parts = [p.strip() for p in text.replace(" ", "").split(",")]
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise InvalidRequestError(
            f"Outpaint {text!r} is not LEFT,TOP,RIGHT,BOTTOM pixels, for example 0,0,128,0."
        )
    margins = tuple(int(p) for p in parts)
    check_margins(margins)
    return margins  # type: ignore[return-value]


def check_margins(margins: tuple[int, ...]) -> None:
    """Raise :class:`InvalidRequestError` unless ``margins`` are 4 values in range, one > 0."""
    if len(margins) != 4 or not all(isinstance(m, int) and m >= 0 for m in margins):
        raise InvalidRequestError("Outpaint margins must be four whole numbers of pixels.")
    if max(margins) > MAX_OUTPAINT:
        raise InvalidRequestError(f"Outpaint by at most {MAX_OUTPAINT} pixels on each side.")
    if not any(margins):
        raise InvalidRequestError("Outpaint needs at least one side to grow (all margins are 0).")


def check_outpaint_fill(fill: str) -> None:
    """Raise :class:`InvalidRequestError` unless ``fill`` is one of :data:`OUTPAINT_FILLS`."""
    if fill not in OUTPAINT_FILLS:
        raise InvalidRequestError(
            f"Outpaint fill {fill!r} is unknown: use one of {', '.join(OUTPAINT_FILLS)}."
        )


DEFAULT_SEAMLESS_STRENGTH = 0.5


@dataclass(frozen=True)
class SeamlessRequest:
    """A "make seamless" job: what ``studio tile`` and the GUI's action record in the recipe.

    Parameters
    ----------
    source_sha256
        Hash of the image that was made seamless.
    tile_x, tile_y
        Which wrap edges were repaired.
    band
        Width in pixels of the repaired cross (0: the default for the image's size).
    model
        Model that inpainted the cross; empty when only the feathered blend was used.
    prompt, seed, strength
        The inpaint job's prompt, seed and denoising strength (when ``model`` is set).
    """

    source_sha256: str
    tile_x: bool = True
    tile_y: bool = True
    band: int = 0
    model: str = ""
    prompt: str = ""
    seed: int | None = None
    strength: float = DEFAULT_SEAMLESS_STRENGTH

    def __post_init__(self) -> None:
        if not (self.tile_x or self.tile_y):
            raise InvalidRequestError("Make seamless needs at least one axis: x, y or xy.")
        if self.band < 0:
            raise InvalidRequestError(f"Band {self.band} must be 0 (automatic) or more pixels.")
        if not 0.0 < self.strength <= 1.0:
            raise InvalidRequestError(f"Strength {self.strength:g} is out of range: use 0 to 1.")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (what the ``studio`` recipe chunk stores)."""
        return asdict(self)
