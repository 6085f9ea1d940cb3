"""Animations stay on one page of a multi-page sheet, or the export says why not (issue 22,
fix 2)."""

from __future__ import annotations

from studio.domain.sheet_options import SheetOptions
from studio.imaging.sheets import Animation, pack_sheet, sheet_files, sheet_notes
from tests.imaging.sheets.conftest import make_frames
from tests.imaging.sheets.readers import read_json

# Every other frame: rectpack alone puts these on both pages of a 64 px sheet.
WALK = Animation("walk", ("walk_1", "walk_3", "walk_5", "walk_7"))
OPTIONS = SheetOptions(max_size=64, padding=0, trim=True)


def _pages(sheet, animation: Animation) -> set[int]:
    return {sheet.frame(name).page for name in animation.frames}


def test_rectpack_alone_would_split_the_animation() -> None:
    # The premise of the next test: without the animation, its frames land on two pages.
    sheet = pack_sheet(make_frames(), [], OPTIONS)
    assert len(sheet.pages) == 2 and len(_pages(sheet, WALK)) == 2


def test_an_animation_that_fits_a_page_stays_on_one_page_in_every_format() -> None:
    sheet = pack_sheet(make_frames(), [WALK], OPTIONS)
    assert len(sheet.pages) == 2 and len(_pages(sheet, WALK)) == 1
    page = _pages(sheet, WALK).pop() + 1
    files = sheet_files(sheet, "hero", ["texturepacker", "aseprite"])
    assert read_json(files[f"hero-{page}.json"])["animations"]["walk"] == list(WALK.frames)
    tags = read_json(files[f"hero-{page}.aseprite.json"])["meta"]["frameTags"]
    assert [tag["name"] for tag in tags] == ["walk"]
    assert sheet_notes(sheet, ["texturepacker", "aseprite"]) == []
    assert sorted(f.name for f in sheet.frames) == sorted(f"walk_{i}" for i in range(8))


def test_an_animation_larger_than_a_page_is_split_and_named() -> None:
    every = Animation("run", tuple(f"walk_{i}" for i in range(8)))
    sheet = pack_sheet(make_frames(), [every], OPTIONS)
    assert len(_pages(sheet, every)) == 2
    (note,) = sheet_notes(sheet, ["aseprite", "godot4"])
    assert "'run'" in note and "Aseprite JSON" in note and "--max-size" in note
    assert sheet_notes(sheet, ["godot4", "libgdx"]) == []  # these hold it across pages


def test_an_animation_larger_than_a_page_does_not_drag_a_smaller_one_apart() -> None:
    every = Animation("run", tuple(f"walk_{i}" for i in range(8)))
    sheet = pack_sheet(make_frames(), [WALK, every], OPTIONS)
    assert len(_pages(sheet, WALK)) == 1 and len(_pages(sheet, every)) == 2
    (note,) = sheet_notes(sheet, ["aseprite"])
    assert "'run'" in note
