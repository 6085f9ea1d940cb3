"""How deeply JSON text nests, known before parsing it (RELIABILITY 15 and 22).

``json.loads`` recurses once per array or object, so text that opens thousands inside one
another reaches Python's recursion limit; every reader of outside JSON (image metadata, model
configs, batch specs) asks this first. It lives in the domain so that every layer can.
"""

from __future__ import annotations

import re

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
