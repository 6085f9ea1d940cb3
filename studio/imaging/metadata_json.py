"""JSON from image metadata, read with limits (RELIABILITY 15).

Text chunks are already capped by :mod:`studio.imaging.png`; here the text is also refused when
it nests deeper than any real recipe does, so neither ``json.loads`` nor code walking the result
can hit Python's recursion limit.
"""

from __future__ import annotations

import json
import re

from studio.domain.errors import MetadataError

MAX_JSON_CHARS = 1_000_000
# Studio recipes nest 3 deep and ComfyUI graphs 4-5; 64 leaves room for any honest tool.
MAX_JSON_DEPTH = 64

_STRUCTURAL = re.compile(r'[\[\]{}"\\]')


def load_metadata_json(text: str, *, what: str, max_chars: int = MAX_JSON_CHARS) -> object:
    """Parse JSON found in an image's metadata.

    Parameters
    ----------
    text
        The JSON text.
    what
        What the text is, for the message (``"the studio recipe"``, ``"the ComfyUI prompt"``).
    max_chars
        Longest text accepted.

    Raises
    ------
    MetadataError
        ``"metadata unreadable: ..."`` if the text is too large, nested too deeply or not JSON.
    """
    if len(text) > max_chars:
        raise MetadataError(
            f"metadata unreadable: {what} holds {len(text):,} characters; "
            f"Studio reads up to {max_chars:,}."
        )
    if nesting_exceeds(text, MAX_JSON_DEPTH):
        raise MetadataError(
            f"metadata unreadable: {what} nests deeper than {MAX_JSON_DEPTH} levels."
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        # ValueError also covers integers longer than Python's digit limit.
        raise MetadataError(f"metadata unreadable: {what} is not valid JSON.") from None


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
