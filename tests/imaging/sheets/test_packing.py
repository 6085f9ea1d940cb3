"""Packing: rectangles never overlap, trimming keeps the source geometry, pages and grids."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.sheet_options import SheetOptions
from studio.imaging.pixels import upscale_nearest
from studio.imaging.sheets import Animation, SheetFrame, pack_sheet
from studio.imaging.sheets.pack import MAX_FRAMES
from studio.imaging.sheets.packing import pack_rectangles
from tests.imaging.sheets.conftest import WALK, make_frames, make_sprites


def untrimmed(sheet, frame) -> np.ndarray:
    """The sprite rebuilt from its rectangle and trim offsets, as an engine would draw it."""
    page = sheet.pages[frame.page]
    sprite = np.zeros((frame.source_h, frame.source_w, 4), dtype=np.uint8)
    part = page[frame.y : frame.y + frame.h, frame.x : frame.x + frame.w]
    sprite[frame.offset_y : frame.offset_y + frame.h, frame.offset_x : frame.offset_x + frame.w] = (
        part
    )
    return sprite


def assert_no_overlap(sheet, gap: int) -> None:
    for a, b in itertools.combinations(sheet.frames, 2):
        if a.page != b.page:
            continue
        apart = (
            a.x + a.w + gap <= b.x or b.x + b.w + gap <= a.x
            or a.y + a.h + gap <= b.y or b.y + b.h + gap <= a.y
        )  # fmt: skip
        assert apart, (a, b)


def test_trimmed_frames_rebuild_their_sprites_exactly(trimmed_sheet) -> None:
    sprites = make_sprites()
    for frame in trimmed_sheet.frames:
        assert frame.trimmed
        np.testing.assert_array_equal(untrimmed(trimmed_sheet, frame), sprites[frame.index])


def test_frames_keep_padding_and_extrusion_apart(trimmed_sheet) -> None:
    # padding 2 + extrude 1 on each side: at least 4 px between two frames' pixels.
    assert_no_overlap(trimmed_sheet, gap=4)
    width, height = trimmed_sheet.page_size(0)
    for frame in trimmed_sheet.frames:
        assert frame.x >= 1 and frame.y >= 1
        assert frame.x + frame.w + 1 <= width and frame.y + frame.h + 1 <= height


def test_extrusion_repeats_the_edge_pixels(trimmed_sheet) -> None:
    page = trimmed_sheet.pages[0]
    for f in trimmed_sheet.frames:
        np.testing.assert_array_equal(page[f.y - 1, f.x : f.x + f.w], page[f.y, f.x : f.x + f.w])
        np.testing.assert_array_equal(page[f.y : f.y + f.h, f.x - 1], page[f.y : f.y + f.h, f.x])


def test_untrimmed_frames_cover_the_whole_sprite() -> None:
    sheet = pack_sheet(make_frames(), [WALK], SheetOptions(padding=0))
    for frame in sheet.frames:
        assert not frame.trimmed and (frame.offset_x, frame.offset_y) == (0, 0)
    assert_no_overlap(sheet, gap=0)


def test_power_of_two_pages() -> None:
    sheet = pack_sheet(make_frames(), [], SheetOptions(pot=True))
    width, height = sheet.page_size(0)
    assert width & (width - 1) == 0 and height & (height - 1) == 0


def test_frames_that_do_not_fit_go_on_more_pages() -> None:
    sheet = pack_sheet(make_frames(8), [], SheetOptions(max_size=64, padding=1))
    assert len(sheet.pages) > 1
    assert all(max(sheet.page_size(p)) <= 64 for p in range(len(sheet.pages)))
    assert sorted(f.index for f in sheet.frames) == list(range(8))
    assert_no_overlap(sheet, gap=1)


def test_a_frame_larger_than_a_page_is_one_clear_error() -> None:
    with pytest.raises(InvalidRequestError, match="does not fit"):
        pack_sheet(make_frames(1, size=40), [], SheetOptions(max_size=32))


def test_grid_layout_puts_frames_in_fixed_cells_row_by_row() -> None:
    sheet = pack_sheet(make_frames(8), [], SheetOptions(layout="grid", grid=(4, 2), padding=0))
    cell_w = max(s.shape[1] for s in make_sprites(8))
    positions = [(f.x, f.y) for f in sorted(sheet.frames, key=lambda f: f.index)]
    assert positions == [(c * cell_w, r * 24) for r in range(2) for c in range(4)]
    assert sheet.page_size(0) == (4 * cell_w, 48)


def test_grid_overflow_starts_a_new_page() -> None:
    sheet = pack_sheet(make_frames(8), [], SheetOptions(layout="grid", grid=(2, 2)))
    assert len(sheet.pages) == 2 and {f.page for f in sheet.frames} == {0, 1}


@pytest.mark.parametrize("scale", [2, 4, 8])
def test_scale_enlarges_every_frame_with_nearest_neighbour(scale: int) -> None:
    sheet = pack_sheet(make_frames(2), [], SheetOptions(scale=scale, padding=0))
    sprites = make_sprites(2)
    for frame in sheet.frames:
        assert (frame.source_w, frame.source_h) == (
            sprites[frame.index].shape[1] * scale,
            sprites[frame.index].shape[0] * scale,
        )
        np.testing.assert_array_equal(
            untrimmed(sheet, frame), upscale_nearest(sprites[frame.index], scale)
        )


def test_animation_naming_a_missing_frame_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="not in the sheet: run_0"):
        pack_sheet(make_frames(2), [Animation("run", ("run_0",))], SheetOptions())


def test_frame_names_become_safe_and_unique() -> None:
    frames = make_frames(3)
    named = [type(f)(n, f.pixels) for f, n in zip(frames, ["a/b:c", "a/b:c", "../x"], strict=True)]
    sheet = pack_sheet(named, [], SheetOptions())
    assert [f.name for f in sheet.frames] == ["a_b_c", "a_b_c-2", "x"]


@pytest.mark.parametrize("scale", [2, 4])
def test_trimmed_scaled_frames_rebuild_the_scaled_sprites(scale: int) -> None:
    # Boxes are found on the small sprite and scaled; the sheet must match trimming the big one.
    options = SheetOptions(trim=True, scale=scale, padding=1, extrude=1)
    sheet = pack_sheet(make_frames(4), [], options)
    for frame in sheet.frames:
        assert frame.trimmed
        expected = upscale_nearest(make_sprites(4)[frame.index], scale)
        np.testing.assert_array_equal(untrimmed(sheet, frame), expected)


@pytest.mark.timeout(60)
def test_the_largest_sheet_of_mixed_frames_packs_in_seconds() -> None:
    # Issue 18: thousands of frames of mixed sizes hung the packer (MaxRects, one pack per
    # 16 px page step). At the frame cap, the bisected Guillotine packs take about a second.
    rng = np.random.default_rng(0)
    sizes = [(int(w), int(h)) for w, h in rng.integers(1, 64, (MAX_FRAMES, 2))]
    slots = pack_rectangles(sizes, 4097, False)
    assert sorted(slot.index for slot in slots) == list(range(MAX_FRAMES))
    assert {slot.page for slot in slots} == {0}


def test_a_frame_too_large_at_its_scale_is_refused_before_it_is_enlarged() -> None:
    frame = SheetFrame("big", np.zeros((3000, 3000, 4), dtype=np.uint8))
    options = SheetOptions(scale=8, max_size=16384)
    with pytest.raises(InvalidRequestError, match=r"24000x24000 pixels, larger than 16384 px"):
        pack_sheet([frame], [], options)
