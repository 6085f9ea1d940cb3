"""Number options that are checked while the command line is parsed, before any work.

``float("nan")`` and ``float("inf")`` are valid Python floats, so ``type=float`` lets
``--minutes nan`` through, and a NaN compares false with everything: a budget of NaN minutes is
never used up and the run never ends. Every float option of a command uses :func:`finite_float`
instead, so such a value is a usage error naming the option; ranges are checked where the
value is used, as for any other number.
"""

from __future__ import annotations

import argparse
import math


def finite_float(text: str) -> float:
    """``float(text)``, refusing NaN and the infinities (an ``argparse`` ``type=``).

    Raises
    ------
    argparse.ArgumentTypeError
        If ``text`` is not a number or not a finite one.
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value
