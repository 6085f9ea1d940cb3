"""One rule for how large an image Studio will make (RELIABILITY 23).

Every command that enlarges or assembles pixels (``--scale``, sheets, tile sets, pixel art)
computes the size it plans to make and asks :func:`check_output_size` before the first pixel
exists, so a typo such as ``--scale 16`` on a large image is one line, not gigabytes of memory.
The cap matches what the decoder accepts as input: an image Studio makes can be read back.
"""

from __future__ import annotations

from studio.domain.errors import InvalidRequestError
from studio.imaging.decode import DEFAULT_MAX_PIXELS

MAX_OUTPUT_SIDE = 16384  # the largest texture side of the engines Studio exports to
MAX_OUTPUT_PIXELS = DEFAULT_MAX_PIXELS


def check_output_size(width: int, height: int, *, what: str, lower: str) -> None:
    """Refuse a planned image larger than any Studio makes.

    Parameters
    ----------
    width, height
        The planned size in pixels.
    what
        What the image is, starting the message ("The pixelated image", "Frame 3").
    lower
        What the user can change to make it smaller ("the scale", "the number of tiles").

    Raises
    ------
    InvalidRequestError
        One line with the planned size, the cap and what to lower.
    """
    if width > MAX_OUTPUT_SIDE or height > MAX_OUTPUT_SIDE:
        raise InvalidRequestError(
            f"{what} would be {width}x{height} pixels, larger than {MAX_OUTPUT_SIDE} px a side; "
            f"lower {lower}."
        )
    check_output_pixels(width * height, what=f"{what} ({width}x{height})", lower=lower)


def check_output_pixels(pixels: int, *, what: str, lower: str) -> None:
    """Refuse a planned total of pixels (one image, or all pages of an export) over the cap.

    Raises
    ------
    InvalidRequestError
        One line with the planned count, the cap and what to lower.
    """
    if pixels > MAX_OUTPUT_PIXELS:
        raise InvalidRequestError(
            f"{what} would be {_megapixels(pixels)} megapixels, more than "
            f"{_megapixels(MAX_OUTPUT_PIXELS)} megapixels; lower {lower}."
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.3g}"


def check_input_size(
    width: int, height: int, *, doing: str, min_side: int, max_pixels: int
) -> None:
    """Refuse, before any work, an image an edit cannot work on: too small or too large.

    Parameters
    ----------
    width, height
        The image's size in pixels.
    doing
        What the edit would do, to follow "Cannot ": ``"make the image seamless"``.
    min_side
        The smallest side the edit needs (a border to read, a band to blend).
    max_pixels
        The most pixels it can solve in reasonable time and memory.

    Raises
    ------
    InvalidRequestError
        One line with the image's size and the range the edit takes.
    """
    if min(height, width) < min_side:
        raise InvalidRequestError(
            f"Cannot {doing}: it is {width}x{height} pixels and needs at least "
            f"{min_side}x{min_side}."
        )
    if height * width > max_pixels:
        raise InvalidRequestError(
            f"Cannot {doing}: it is {width}x{height} pixels, more than "
            f"{max_pixels / 1e6:.3g} megapixels; scale it down first."
        )
