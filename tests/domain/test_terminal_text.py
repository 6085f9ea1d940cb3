"""Text from files cannot drive the terminal it is printed on (RELIABILITY 25)."""

from __future__ import annotations

import io
import json

from studio.domain.terminal_text import (
    TerminalSafeStream,
    install_safe_streams,
    json_terminal_safe,
    raw_stream,
    terminal_safe,
)


def test_c0_c1_and_del_become_visible_escapes():
    text = "red\x1b]0;owned\x07 potion\x9b2J\x7f"
    assert terminal_safe(text) == "red\\x1b]0;owned\\x07 potion\\x9b2J\\x7f"


def test_newlines_and_tabs_stay_unless_one_line_is_asked_for():
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("a\tb\nc\r", single_line=True) == "a\\tb\\nc\\x0d"


def test_bidi_overrides_and_lone_surrogates_are_escaped_but_letters_are_not():
    assert terminal_safe("é 龍 \u202eevil \udcff") == "é 龍 \\u202eevil \\udcff"


def test_json_stays_valid_and_parses_to_the_same_values():
    value = {"prompt": "a\x9b2J\x7fb\u202e", "n": 1}
    text = json_terminal_safe(json.dumps(value, ensure_ascii=False))
    assert "\x9b" not in text and "\x7f" not in text and "\u202e" not in text
    assert json.loads(text) == value


def test_the_safe_stream_escapes_what_is_written_through_it(monkeypatch):
    raw = io.StringIO()
    monkeypatch.setattr("sys.stdout", raw)
    install_safe_streams()
    install_safe_streams()  # a second call must not wrap twice
    import sys

    assert isinstance(sys.stdout, TerminalSafeStream)
    assert raw_stream(sys.stdout) is raw
    print("name\x1b[2Jdone")
    assert raw.getvalue() == "name\\x1b[2Jdone\n"
