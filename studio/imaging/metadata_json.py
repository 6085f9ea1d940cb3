"""JSON from image metadata, read with limits (RELIABILITY 15).

Text chunks are already capped by :mod:`studio.imaging.png`; here the text is also refused when
it nests deeper than any real recipe does, so neither ``json.loads`` nor code walking the result
can hit Python's recursion limit.
"""

from __future__ import annotations

from studio.domain.errors import MetadataError
from studio.domain.json_depth import JsonRefusedError, loads_bounded, nesting_exceeds

MAX_JSON_CHARS = 1_000_000
# Studio recipes nest 3 deep and ComfyUI graphs 4-5; 64 leaves room for any honest tool.
MAX_JSON_DEPTH = 64

__all__ = ["MAX_JSON_CHARS", "MAX_JSON_DEPTH", "load_metadata_json", "nesting_exceeds"]


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
    try:
        return loads_bounded(text, max_depth=MAX_JSON_DEPTH)
    except JsonRefusedError as exc:
        raise MetadataError(f"metadata unreadable: {what} {exc}.") from None
