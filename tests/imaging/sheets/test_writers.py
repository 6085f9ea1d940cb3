"""Every writer's output, parsed back by a real reader and checked frame by frame."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.sheet_options import SheetOptions
from studio.imaging.decode import load_pixels
from studio.imaging.sheets import SHEET_FORMATS, pack_sheet, sheet_files
from studio.imaging.sheets.writers.unity import internal_id
from tests.imaging.sheets.conftest import IDLE, WALK, make_frames
from tests.imaging.sheets.readers import (
    ints,
    read_csv,
    read_godot,
    read_json,
    read_libgdx_atlas,
    read_unity,
)


@pytest.fixture
def files(trimmed_sheet) -> dict[str, bytes]:
    return sheet_files(trimmed_sheet, "hero", SHEET_FORMATS)


def _rect(frame) -> tuple[int, int, int, int]:
    return frame.x, frame.y, frame.w, frame.h


def test_one_export_writes_every_format_and_the_recipes(files) -> None:
    assert sorted(files) == sorted(
        [
            "hero.png", "hero.json", "hero.array.json", "hero.aseprite.json", "hero.tres",
            "hero.godot3.tres", "hero.png.meta", "hero.atlas", "hero.csv", "hero.recipes.json",
            "hero.png.import",
        ]
    )  # fmt: skip


def test_page_png_is_the_packed_page(files, trimmed_sheet) -> None:
    np.testing.assert_array_equal(load_pixels(files["hero.png"]), trimmed_sheet.pages[0])


@pytest.mark.parametrize("name", ["hero.json", "hero.array.json"])
def test_texturepacker_frames_match_the_packed_rectangles(files, trimmed_sheet, name) -> None:
    document = read_json(files[name])
    frames = document["frames"]
    entries = {e["filename"]: e for e in frames} if isinstance(frames, list) else frames
    assert list(entries) == [f.name for f in trimmed_sheet.frames]
    for frame in trimmed_sheet.frames:
        entry = entries[frame.name]
        assert entry["frame"] == {"x": frame.x, "y": frame.y, "w": frame.w, "h": frame.h}
        assert entry["trimmed"] is True and entry["rotated"] is False
        assert entry["spriteSourceSize"] == {
            "x": frame.offset_x, "y": frame.offset_y, "w": frame.w, "h": frame.h,
        }  # fmt: skip
        assert entry["sourceSize"] == {"w": frame.source_w, "h": frame.source_h}
    width, height = trimmed_sheet.page_size(0)
    assert document["meta"]["size"] == {"w": width, "h": height}
    assert document["meta"]["image"] == "hero.png"
    walk = document["animations"]["walk"]
    # PixiJS keys array-style frames by position, hash-style frames by name.
    keys = [str(i) for i in range(len(frames))] if isinstance(frames, list) else list(frames)
    assert [entries[list(entries)[keys.index(key)]]["frame"] for key in walk] == [
        entries[name]["frame"] for name in WALK.frames
    ]


def test_aseprite_tags_are_inclusive_runs_with_durations(files, trimmed_sheet) -> None:
    document = read_json(files["hero.aseprite.json"])
    frames = document["frames"]
    tags = {tag["name"]: tag for tag in document["meta"]["frameTags"]}
    for animation in (WALK, IDLE):
        tag = tags[animation.name]
        run = frames[tag["from"] : tag["to"] + 1]  # `to` is inclusive
        assert len(run) == len(animation.frames)
        assert tag["direction"] == animation.direction
        for entry, name in zip(run, animation.frames, strict=True):
            frame = trimmed_sheet.frame(name)
            assert entry["frame"] == {"x": frame.x, "y": frame.y, "w": frame.w, "h": frame.h}
            assert entry["duration"] == round(1000 / animation.fps)
    assert tags["walk"]["from"] == 0 and tags["walk"]["to"] == 7


def test_godot4_spriteframes_read_by_godot_parser(files, trimmed_sheet) -> None:
    resource = read_godot(files["hero.tres"])
    header = resource.get_sections()[0].header
    assert header.name == "gd_resource" and header["type"] == "SpriteFrames"
    assert header["format"] == 3
    (texture,) = resource.get_ext_resources()
    assert texture.header["path"] == "hero.png" and texture.header["type"] == "Texture2D"
    atlases = {sub.header["id"]: sub for sub in resource.get_sub_resources()}
    assert len(atlases) == len(trimmed_sheet.frames)
    animations = {a["name"]: a for a in resource.get_sections()[-1]["animations"]}
    assert set(animations) == {"walk", "idle"}
    for animation in (WALK, IDLE):
        read = animations[animation.name]
        assert read["speed"] == animation.fps and read["loop"] is True
        for item, name in zip(read["frames"], animation.frames, strict=True):
            frame = trimmed_sheet.frame(name)
            atlas = atlases[item["texture"].id]
            assert atlas["atlas"].id == texture.header["id"]
            assert tuple(atlas["region"].args) == _rect(frame)
            assert tuple(atlas["margin"].args) == (
                frame.offset_x,
                frame.offset_y,
                frame.source_w - frame.w,
                frame.source_h - frame.h,
            )
            assert item["duration"] == 1.0


def test_godot3_spriteframes_read_by_godot_parser(files, trimmed_sheet) -> None:
    resource = read_godot(files["hero.godot3.tres"])
    header = resource.get_sections()[0].header
    assert header["format"] == 2
    assert header["load_steps"] == 1 + 1 + len(trimmed_sheet.frames)
    (texture,) = resource.get_ext_resources()
    assert texture.header["type"] == "Texture" and texture.header["id"] == 1
    atlases = {sub.header["id"]: sub for sub in resource.get_sub_resources()}
    walk = next(a for a in resource.get_sections()[-1]["animations"] if a["name"] == "walk")
    assert walk["speed"] == 8.0
    for item, name in zip(walk["frames"], WALK.frames, strict=True):
        assert tuple(atlases[item.id]["region"].args) == _rect(trimmed_sheet.frame(name))


def test_unity_meta_flips_y_to_the_bottom_left_origin(files, trimmed_sheet) -> None:
    importer = read_unity(files["hero.png.meta"])["TextureImporter"]
    assert importer["textureType"] == 8 and importer["spriteMode"] == 2
    assert importer["textureSettings"]["filterMode"] == 0
    assert importer["alphaIsTransparency"] == 1
    page = trimmed_sheet.pages[0]
    height = page.shape[0]
    flipped = page[::-1]  # Unity's view of the texture: row 0 at the bottom
    sprites = {s["name"]: s for s in importer["spriteSheet"]["sprites"]}
    assert list(sprites) == [f.name for f in trimmed_sheet.frames]
    for frame in trimmed_sheet.frames:
        rect = sprites[frame.name]["rect"]
        assert (rect["x"], rect["width"], rect["height"]) == (frame.x, frame.w, frame.h)
        assert rect["y"] == height - (frame.y + frame.h)
        # The same pixels, seen from Unity's origin.
        unity_part = flipped[
            rect["y"] : rect["y"] + rect["height"], rect["x"] : rect["x"] + rect["width"]
        ]
        np.testing.assert_array_equal(
            unity_part[::-1], page[frame.y : frame.y + frame.h, frame.x : frame.x + frame.w]
        )
        assert len(str(sprites[frame.name]["spriteID"])) == 32
        assert sprites[frame.name]["internalID"] == internal_id("hero", frame.name)
    assert importer["spriteSheet"]["nameFileIdTable"] == {
        f.name: internal_id("hero", f.name) for f in trimmed_sheet.frames
    }


def test_unity_ids_are_stable_across_re_exports() -> None:
    first = sheet_files(pack_sheet(make_frames(), [WALK], SheetOptions()), "hero", ["unity"])
    # Another layout moves every frame; the ids must not move with them.
    second = sheet_files(
        pack_sheet(make_frames(), [WALK], SheetOptions(trim=True, padding=4)), "hero", ["unity"]
    )
    ids = [
        {
            s["name"]: s["spriteID"]
            for s in read_unity(f["hero.png.meta"])["TextureImporter"]["spriteSheet"]["sprites"]
        }
        for f in (first, second)
    ]
    assert ids[0] == ids[1]
    assert read_unity(first["hero.png.meta"])["guid"] == read_unity(second["hero.png.meta"])["guid"]
    assert len(set(ids[0].values())) == len(ids[0])


def test_libgdx_atlas_regions_and_bottom_left_offsets(files, trimmed_sheet) -> None:
    (page,) = read_libgdx_atlas(files["hero.atlas"])
    assert page["image"] == "hero.png"
    assert ints(page["size"]) == trimmed_sheet.page_size(0)
    assert page["filter"] == "Nearest,Nearest"
    regions = page["regions"]
    singles = {r["name"]: r for r in regions if r["index"] == "-1"}
    for frame in trimmed_sheet.frames:
        region = singles[frame.name]
        assert ints(region["xy"]) == (frame.x, frame.y)
        assert ints(region["size"]) == (frame.w, frame.h)
        assert ints(region["orig"]) == (frame.source_w, frame.source_h)
        # libGDX measures offsetY from the bottom of the untrimmed sprite.
        assert ints(region["offset"]) == (
            frame.offset_x,
            frame.source_h - frame.h - frame.offset_y,
        )
    walk = [r for r in regions if r["name"] == "walk"]
    assert [int(r["index"]) for r in walk] == list(range(8))
    assert [ints(r["xy"]) for r in walk] == [
        (trimmed_sheet.frame(n).x, trimmed_sheet.frame(n).y) for n in WALK.frames
    ]


def test_csv_rows_match_the_frames(files, trimmed_sheet) -> None:
    rows = read_csv(files["hero.csv"])
    assert [r["name"] for r in rows] == [f.name for f in trimmed_sheet.frames]
    for row, frame in zip(rows, trimmed_sheet.frames, strict=True):
        assert (int(row["x"]), int(row["y"]), int(row["width"]), int(row["height"])) == _rect(frame)
        assert (int(row["offset_x"]), int(row["offset_y"])) == (frame.offset_x, frame.offset_y)
    assert rows[0]["animations"] == "walk:8fps:0 idle:4fps:0"


def test_recipes_file_names_every_frame_source(files, trimmed_sheet) -> None:
    document = read_json(files["hero.recipes.json"])
    assert [f["entry_id"] for f in document["frames"]] == list(range(100, 108))
    assert document["animations"][0] == {
        "name": "walk", "fps": 8.0, "loop": True, "frames": list(WALK.frames),
    }  # fmt: skip


def test_multi_page_sheets_name_pages_and_atlas_pages_apart() -> None:
    sheet = pack_sheet(make_frames(8), [], SheetOptions(max_size=64))
    files = sheet_files(sheet, "hero", ["texturepacker", "libgdx", "unity", "godot4"])
    count = len(sheet.pages)
    assert {f"hero-{p + 1}.png" for p in range(count)} <= set(files)
    assert {f"hero-{p + 1}.json" for p in range(count)} <= set(files)
    pages = read_libgdx_atlas(files["hero.atlas"])
    assert [p["image"] for p in pages] == [f"hero-{p + 1}.png" for p in range(count)]
    assert sum(len(p["regions"]) for p in pages) == 8
    for page in range(count):
        document = read_json(files[f"hero-{page + 1}.json"])
        assert len(document["frames"]) == sum(f.page == page for f in sheet.frames)
    resource = read_godot(files["hero.tres"])
    assert len(resource.get_ext_resources()) == count
    default = resource.get_sections()[-1]["animations"][0]
    assert default["name"] == "default" and len(default["frames"]) == 8


def test_names_from_prompts_cannot_leave_the_folder() -> None:
    sheet = pack_sheet(make_frames(2), [], SheetOptions())
    files = sheet_files(sheet, "../../etc/passwd\\CON", ["texturepacker"])
    for name in files:
        assert "/" not in name and "\\" not in name and ".." not in name
