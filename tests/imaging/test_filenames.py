"""File names built from prompts (RELIABILITY 16)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from studio.imaging.filenames import (
    numbered_output_paths,
    safe_export_path,
    sanitize_filename_part,
    slug_filename_part,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a cat in space", "a cat in space"),
        ("../../etc/passwd", "_._etc_passwd"),
        ("..\\..\\windows\\system32", "_._windows_system32"),
        ("CON", "_CON"),
        ("con", "_con"),
        ("NUL.txt", "_NUL.txt"),
        ("com1", "_com1"),
        ("LPT9.tar.gz", "_LPT9.tar.gz"),
        ("CONSOLE", "CONSOLE"),
        ("trailing dots...", "trailing dots"),
        ("  spaced out  ", "spaced out"),
        ("...", "untitled"),
        ("", "untitled"),
        ("line\nbreak\ttab\x00nul\x1b[31m", "line break tab nul [31m"),
        ('what? <yes> "no" | maybe*', "what_ _yes_ _no_ _ maybe_"),
        ("gnp.\u202eexe", "gnp.exe"),
        ("lone \ud800 surrogate", "lone _ surrogate"),
        ("wait.. what", "wait. what"),
    ],
)
def test_sanitize_filename_part(text: str, expected: str) -> None:
    assert sanitize_filename_part(text) == expected


def test_long_prompts_are_bounded_in_bytes() -> None:
    result = sanitize_filename_part("a castle on a hill " * 30)  # 570 characters

    assert len(result.encode("utf-8")) <= 120
    assert result.startswith("a castle on a hill")
    assert not result.endswith((" ", "."))


def test_emoji_prompts_are_cut_at_character_boundaries() -> None:
    result = sanitize_filename_part("🐱" * 200 + "👩‍🎨" * 10, max_length=50)

    assert result == "🐱" * 12  # 48 bytes; half an emoji is never left behind
    assert sanitize_filename_part("x" * 46 + "👩‍🎨", max_length=50).endswith("👩")


def test_sanitized_names_can_be_created(tmp_path: Path) -> None:
    for text in ["../x", "CON", "🐱" * 100, "a/b\\c:d", ".hidden", "tab\there"]:
        path = tmp_path / (sanitize_filename_part(text) + ".png")
        path.write_bytes(b"ok")
        assert path.parent == tmp_path


def test_safe_export_path_stays_inside_and_is_unique(tmp_path: Path) -> None:
    first = safe_export_path(tmp_path, "../../escape", ".png")
    first.write_bytes(b"1")
    second = safe_export_path(tmp_path, "../../escape", ".png")
    second.write_bytes(b"2")
    third = safe_export_path(tmp_path, "../../escape", ".png")

    assert first == tmp_path.resolve() / "_._escape.png"
    assert second.name == "_._escape-2.png"
    assert third.name == "_._escape-3.png"
    for path in (first, second, third):
        assert path.resolve().parent == tmp_path.resolve()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_safe_export_path_treats_planted_symlinks_as_taken(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    exports = tmp_path / "exports"
    exports.mkdir()
    os.symlink(outside / "cat.png", exports / "cat.png")  # dangling, pointing outside

    assert safe_export_path(exports, "cat", ".png").name == "cat-2.png"


def test_safe_export_path_refuses_odd_suffixes(tmp_path: Path) -> None:
    for suffix in ["png", "./png", ".p/g", ""]:
        with pytest.raises(ValueError):
            safe_export_path(tmp_path, "cat", suffix)


def test_numbered_output_paths() -> None:
    assert numbered_output_paths(Path("out/cat.png"), 1) == [Path("out/cat.png")]
    assert numbered_output_paths(Path("out/cat.png"), 3) == [
        Path("out/cat.png"),
        Path("out/cat-2.png"),
        Path("out/cat-3.png"),
    ]
    assert numbered_output_paths(Path("cat"), 2) == [Path("cat.png"), Path("cat-2.png")]
    with pytest.raises(ValueError):
        numbered_output_paths(Path("cat.png"), 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Red, BIG  orb!", "red-big-orb"),
        ("../../etc/passwd", "etc-passwd"),
        ("été à la plage", "ete-a-la-plage"),
        ("snake_case stays", "snake_case-stays"),
        ("CON", "con_"),
        ("nul", "nul_"),
        ("con job", "con-job"),
        ("🐱🐱", "untitled"),
        ("", "untitled"),
        ("--__--", "untitled"),
        ("line\nbreak\x00\x1b[31m", "line-break-31m"),
    ],
)
def test_slug_filename_part(text: str, expected: str) -> None:
    assert slug_filename_part(text) == expected


def test_slugs_are_bounded_and_end_on_a_word() -> None:
    slug = slug_filename_part("a castle on a hill " * 30, max_length=60)
    assert 30 <= len(slug) <= 60 and re.fullmatch(r"[a-z0-9_-]+", slug)
    assert set(slug.split("-")) <= {"a", "castle", "on", "hill"}  # no word cut in half
    assert len(slug_filename_part("x" * 500, max_length=40)) == 40
