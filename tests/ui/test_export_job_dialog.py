"""The replace question every export dialog asks (studio.ui.export_job_dialog)."""

from __future__ import annotations

from pathlib import Path

from studio.ui.export_job_dialog import replace_question


def test_one_file_is_it_and_the_question_names_what_is_exported() -> None:
    text = replace_question(Path("out"), ["tiles.tsx"], "tile set")
    assert text == "out already holds tiles.tsx.\n\nReplace it with this tile set?"


def test_a_long_list_is_cut_short_with_how_many_more() -> None:
    names = [f"sheet_{n}.png" for n in range(9)]
    text = replace_question(Path("out"), names, "sprite sheet")
    assert "sheet_5.png and 3 more." in text and "sheet_6.png" not in text
    assert text.endswith("Replace them with this sprite sheet?")
