"""File names built from prompts, made safe on every operating system (RELIABILITY 16).

Prompts are free text: slashes, ``..``, control characters, emoji, 2,000 characters, or words
Windows reserves (``CON``, ``nul.txt``). These helpers turn them into one bounded file-name part
and pick a free path that is guaranteed to lie inside the export folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

FALLBACK_NAME = "untitled"
# Most file systems cap a name at 255 bytes; the default leaves room for "-1234.png" and more.
DEFAULT_MAX_BYTES = 120

_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$", re.IGNORECASE)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# Bidirectional overrides can make "gnp.exe" display as "exe.png"; they never belong in names.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_NOT_SLUG = re.compile(r"[^a-z0-9_]+")
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,16}$")


def sanitize_filename_part(text: str, max_length: int = DEFAULT_MAX_BYTES) -> str:
    """Turn free text into a safe, non-empty part of a file name.

    Parameters
    ----------
    text
        Any text, typically a prompt.
    max_length
        Largest length of the result in UTF-8 bytes (emoji count 4 each).

    Returns
    -------
    str
        No path separators or characters Windows forbids (each becomes ``_``), no ``..``, no
        control characters or lone surrogates, no leading or trailing dots and spaces, not a
        reserved Windows device name, at most ``max_length`` bytes, never empty.
    """
    if max_length < len(FALLBACK_NAME):
        raise ValueError(f"max_length must be at least {len(FALLBACK_NAME)}, not {max_length}")
    cleaned = "".join(_safe_character(c) for c in unicodedata.normalize("NFC", text))
    cleaned = _BIDI_CONTROLS.sub("", cleaned)
    cleaned = _FORBIDDEN.sub("_", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned)
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = _truncate_utf8(cleaned.strip(" ."), max_length).strip(" .")
    if not cleaned:
        return FALLBACK_NAME
    if _WINDOWS_RESERVED.match(cleaned.split(".")[0].rstrip(" ")):
        cleaned = _truncate_utf8("_" + cleaned, max_length).rstrip(" .")
    return cleaned


def slug_filename_part(text: str, max_length: int = 60) -> str:
    """Turn free text into a short, plain slug: ``"Red, BIG orb!"`` -> ``"red-big-orb"``.

    For names a program will list, glob and pass around (batch images): only ``a-z``, ``0-9``,
    ``-`` and ``_``, so no shell quoting, no spaces or commas, and the same name on every file
    system whatever its case rules or encoding.

    Parameters
    ----------
    text
        Any text, typically a prompt.
    max_length
        Largest length of the result in characters (ASCII, so also in bytes).

    Returns
    -------
    str
        Letters folded to ASCII lower case (accents dropped), every other run of characters
        one ``-``, no ``-``/``_`` at either end, cut at a word boundary where one is near, not a
        reserved Windows device name, never empty (``"untitled"``).
    """
    if max_length < len(FALLBACK_NAME):
        raise ValueError(f"max_length must be at least {len(FALLBACK_NAME)}, not {max_length}")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-_")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # Prefer ending on a whole word unless that throws most of the room away.
        word_end = cut.rfind("-", max_length // 2)
        slug = (cut[:word_end] if word_end > 0 else cut).strip("-_")
    if not slug:
        return FALLBACK_NAME
    if _WINDOWS_RESERVED.match(slug):
        slug = f"{slug}_"
    return slug


def safe_export_path(folder: Path, stem: str, suffix: str) -> Path:
    """A free path for a new file named after ``stem`` inside ``folder``.

    Parameters
    ----------
    folder
        The export folder (it need not exist yet).
    stem
        Free text for the name; sanitized with :func:`sanitize_filename_part`.
    suffix
        Extension with its dot, such as ``".png"``.

    Returns
    -------
    Path
        ``folder/stem.png``, or ``folder/stem-2.png``, ``-3`` ... when taken. The resolved path
        is directly inside the resolved folder. Another program could still take the name
        before it is written: create the file with mode ``"xb"`` and ask again on failure.

    Raises
    ------
    ValueError
        If ``suffix`` is not a dot and 1-16 letters or digits.
    """
    if not _SUFFIX.match(suffix):
        raise ValueError(f"suffix must look like '.png', not {suffix!r}")
    base = Path(folder).resolve()
    name = sanitize_filename_part(stem)
    number = 1
    while True:
        candidate = base / (f"{name}{suffix}" if number == 1 else f"{name}-{number}{suffix}")
        # A symlink planted in the folder could point outside it: such a name counts as taken.
        if not os.path.lexists(candidate) and candidate.resolve().parent == base:
            return candidate
        number += 1


def numbered_output_paths(out: Path, count: int) -> list[Path]:
    """Paths for ``count`` images written from one ``--output`` path.

    ``out.png`` for one image; ``out.png, out-2.png, ... out-N.png`` for a batch. A path
    without a suffix gets ``.png``.

    Raises
    ------
    ValueError
        If ``count`` is less than 1.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    out = Path(out)
    if not out.suffix:
        out = out.with_name(out.name + ".png")
    return [out] + [out.with_name(f"{out.stem}-{n}{out.suffix}") for n in range(2, count + 1)]


def _safe_character(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc":  # control characters, newline and tab included
        return " "
    if category == "Cs":  # lone surrogates cannot be encoded in a file name
        return "_"
    return char


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    # Cut at a character boundary, then drop a dangling joiner or variation selector.
    return encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip("\u200d\ufe0f")
