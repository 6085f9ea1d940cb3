"""Text from files made safe for a terminal, in one place (RELIABILITY 25).

Prompts, palette names, file names and metadata come from files anyone can write. Printed raw,
an ESC or an 8-bit CSI in them is a terminal command: it can retitle the window, hide the rest
of a line or (on some terminals) write to the clipboard. Every command's output goes through
:func:`terminal_safe` (the CLI installs it on stdout and stderr), which shows each C0 and C1
control, DEL, a bidirectional override and a lone surrogate as a visible escape such as
``\\x1b``, so the text stays readable and can do nothing.

The progress bars are the one writer that needs a carriage return: they write to
:func:`raw_stream` and escape their own descriptions.
"""

from __future__ import annotations

import io
import re
import sys
from typing import TextIO

# C0 but tab and newline, DEL and C1, the bidi embeddings/overrides/isolates that reorder a
# line (Trojan Source), and lone surrogates (a non-UTF-8 file name after surrogateescape).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_WITH_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# In JSON text these can only sit inside strings, where \\u00XX is their valid spelling.
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x09:
        return "\\t"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str, *, single_line: bool = False) -> str:
    """``text`` with every control character shown as a visible escape.

    Parameters
    ----------
    text
        Any text about to reach a terminal.
    single_line
        Escape newlines and tabs too (for a file name inside a one-line message).
    """
    pattern = _UNSAFE_WITH_NEWLINES if single_line else _UNSAFE
    return pattern.sub(_escape, text)


def json_terminal_safe(text: str) -> str:
    """JSON ``text`` (from ``json.dumps``) with DEL, C1 and bidi controls as ``\\u`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 but writes DEL and C1 raw; this keeps the
    document valid JSON that parses to the same values while nothing in it drives a terminal.
    """
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class TerminalSafeStream(io.TextIOBase):
    """A text stream that escapes control characters on their way to ``raw``."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def fileno(self) -> int:
        return self.raw.fileno()

    def isatty(self) -> bool:
        return not self.closed and self.raw.isatty()

    @property
    def closed(self) -> bool:
        # The stream under it may be closed first (pytest's capture ends before atexit hooks).
        return bool(getattr(self.raw, "closed", False))

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    def reconfigure(self, **options: object) -> None:
        reconfigure = getattr(self.raw, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(**options)


def install_safe_streams() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` once (calling it again changes nothing)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, TerminalSafeStream):
            setattr(sys, name, TerminalSafeStream(stream))


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under a :class:`TerminalSafeStream` (for a progress bar's carriage returns)."""
    return stream.raw if isinstance(stream, TerminalSafeStream) else stream
