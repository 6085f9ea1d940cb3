"""The ranges a job's numbers are checked against, and the parsing of a ``WxH`` size.

Kept apart from :mod:`studio.domain.requests` because every face (spin boxes, CLI options,
batch columns, style and recipe readers) needs the limits without the request, and a size typed
by a user is parsed the same way wherever it is typed.
"""

from __future__ import annotations

import random
import re

from studio.domain.errors import InvalidRequestError

MAX_SEED = 2**32 - 1
MIN_SIDE = 16
MAX_SIDE = 4096
MAX_STEPS = 150
MAX_BATCH = 100
MAX_CFG = 30.0


def random_seed() -> int:
    """Return a fresh seed in the range every backend accepts."""
    return random.SystemRandom().randint(0, MAX_SEED)


_SIZE = re.compile(r"([0-9]{1,9})x([0-9]{1,9})")


def parse_size(text: str) -> tuple[int, int]:
    """Parse ``"WxH"`` (``512x768``, ``512X768``, ``512*768``) into ``(width, height)``.

    Raises
    ------
    InvalidRequestError
        If the text is not two positive integers within Studio's size limits.
    """
    cleaned = text.strip().lower().replace("*", "x").replace(" ", "")
    match = _SIZE.fullmatch(cleaned)
    if match is None:
        # ASCII digits, and few of them: str.isdigit() lets "²" through, which int() refuses,
        # and a 5000-digit side would pass Python's int-digit limit.
        shown = text if len(text) <= 40 else f"{text[:20]}…{text[-12:]}"
        raise InvalidRequestError(f"Size {shown!r} is not WIDTHxHEIGHT, for example 512x768.")
    width, height = int(match[1]), int(match[2])
    check_side("width", width)
    check_side("height", height)
    return width, height


def check_side(name: str, value: int) -> None:
    """Refuse an image side outside Studio's range or not a multiple of 8.

    Raises
    ------
    InvalidRequestError
        Naming the side (``name``) and the nearest value that would be accepted.
    """
    if not MIN_SIDE <= value <= MAX_SIDE:
        raise InvalidRequestError(
            f"Image {name} {value} is out of range: use {MIN_SIDE} to {MAX_SIDE} pixels."
        )
    if value % 8:
        raise InvalidRequestError(
            f"Image {name} {value} must be a multiple of 8 (for example {value - value % 8 or 8})."
        )
