"""JSON from outside, parsed only once its depth is known (RELIABILITY 15 and 22).

``json.loads`` recurses once per array or object, so text that opens thousands inside one
another reaches Python's recursion limit, and an integer longer than Python's digit limit raises
a bare ``ValueError``. Every reader of outside JSON (image metadata, model configs, batch specs
and records, dataset files) parses through :func:`loads_bounded`, which checks the depth first
and turns each failure into one reason a message can carry. It lives in the domain so that
every layer can.
"""

from __future__ import annotations

import json
import re
from typing import Any

_STRUCTURAL = re.compile(r'[\[\]{}"\\]')


def nesting_exceeds(text: str, limit: int) -> bool:
    """Whether JSON ``text`` opens more than ``limit`` arrays/objects inside one another.

    Brackets inside strings do not count. One pass over the structural characters only.
    """
    if text.count("[") + text.count("{") <= limit:
        return False  # too few brackets to nest that deep: skip the scan (the common case)
    depth = 0
    in_string = False
    escaped_until = -1
    for match in _STRUCTURAL.finditer(text):
        index = match.start()
        if index < escaped_until:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                escaped_until = index + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class JsonRefusedError(ValueError):
    """JSON text refused by :func:`loads_bounded`; ``str()`` is the reason, to follow a name.

    For example ``"nests deeper than 64 levels"`` or ``"is not valid JSON (Expecting value)"``.
    """


# Past 308 digits an integer has no float, and every reader's range check (math.isfinite, a
# comparison with a float limit, "{:g}") raised OverflowError: a bug exit on a 400-digit fps.
_MAX_INT_DIGITS = 308


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError(digits[:20])
    return int(digits)


def loads_bounded(text: str, *, max_depth: int) -> Any:
    """``json.loads(text)`` once ``text`` is known to nest at most ``max_depth`` levels.

    Raises
    ------
    JsonRefusedError
        With the reason: too deep, not JSON, or a number too long to read.
    """
    if nesting_exceeds(text, max_depth):
        raise JsonRefusedError(f"nests deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise JsonRefusedError(f"is not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError):
        # ValueError: an integer past what a float holds (308 digits), refused above.
        raise JsonRefusedError("holds a number too long to read") from None
