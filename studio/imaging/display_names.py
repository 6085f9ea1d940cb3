"""Names from files and arguments made fit to show and to write into any text format.

A palette's ``Name:`` line, a tile set's ``--name`` or a file name can hold control characters,
bidirectional overrides, lone surrogates (a non-UTF-8 file name) or Unicode non-characters.
Shown raw they drive a terminal (RELIABILITY 25); written raw they make an XML file malformed
(XML 1.0 allows no C0 control but tab and newline, no surrogate and no U+FFFE/U+FFFF) or a
UTF-8 file unwritable. :func:`display_name` drops every such character once, where the name is
made, so every reader (terminal, dialogs, .tsx, .gpl) gets the same clean text.
"""

from __future__ import annotations

import re

# C0, DEL and C1 controls; bidi embeddings, overrides, isolates and marks; lone surrogates;
# the non-characters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF of the Basic Multilingual Plane.
_UNFIT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\ufdd0-\ufdef\ufffe\uffff]"
)
_NON_CHARACTER_ABOVE = frozenset(plane * 0x10000 + low for plane in range(1, 17)
                                 for low in (0xFFFE, 0xFFFF))  # fmt: skip


def display_name(text: str, *, fallback: str, max_length: int = 80) -> str:
    """``text`` without controls and non-characters, whitespace collapsed, at most ``max_length``.

    Parameters
    ----------
    text
        A name from a file or an argument.
    fallback
        What to use when nothing printable is left.
    max_length
        Largest length of the result in characters.
    """
    cleaned = _UNFIT.sub(" ", text)
    cleaned = "".join(c for c in cleaned if ord(c) not in _NON_CHARACTER_ABOVE)
    cleaned = " ".join(cleaned.split())[:max_length].strip()
    return cleaned or fallback
