"""What each engine's reader resolves: Phaser's Aseprite tags, PixiJS's array names and
linked pages, Godot's relative paths and import settings (issue 22, fixes 1, 2, 4, 6)."""

from __future__ import annotations

from studio.domain.sheet_options import SheetOptions
from studio.imaging.sheets import Animation, pack_sheet, sheet_files
from tests.imaging.sheets.conftest import make_frames
from tests.imaging.sheets.readers import read_godot, read_json

WALK = Animation("walk", tuple(f"walk_{i}" for i in range(8)), fps=8.0)


def _phaser_tag_frames(document: dict, tag: dict) -> list[dict]:
    """What Phaser's ``createFromAseprite`` does: frame ``i`` of a tag is the texture frame
    named ``str(i)``, and a texture frame of the array form is named by its ``filename``."""
    named = {entry["filename"]: entry for entry in document["frames"]}
    return [named.get(str(i)) for i in range(tag["from"], tag["to"] + 1)]


def test_phaser_finds_every_aseprite_tag_frame(trimmed_sheet) -> None:
    document = read_json(sheet_files(trimmed_sheet, "hero", ["aseprite"])["hero.aseprite.json"])
    for tag in document["meta"]["frameTags"]:
        found = _phaser_tag_frames(document, tag)
        assert None not in found, f"Phaser finds no frame for part of {tag['name']}"
        animation = next(a for a in trimmed_sheet.animations if a.name == tag["name"])
        expected = [trimmed_sheet.frame(name) for name in animation.frames]
        assert [e["frame"] for e in found] == [
            {"x": f.x, "y": f.y, "w": f.w, "h": f.h} for f in expected
        ]


def test_pixi_array_animations_name_frames_by_position(trimmed_sheet) -> None:
    document = read_json(
        sheet_files(trimmed_sheet, "hero", ["texturepacker-array"])["hero.array.json"]
    )
    # PixiJS's Spritesheet keys frames by Object.keys(frames): "0", "1", ... for an array.
    textures = {str(i): entry for i, entry in enumerate(document["frames"])}
    walk = document["animations"]["walk"]
    assert all(key in textures for key in walk)
    assert [textures[key]["filename"] for key in walk] == list(WALK.frames)


def test_pages_of_a_multi_page_sheet_name_each_other_for_pixi() -> None:
    sheet = pack_sheet(make_frames(), [], SheetOptions(max_size=48, padding=0))
    count = len(sheet.pages)
    assert count > 1
    files = sheet_files(sheet, "hero", ["texturepacker"])
    for page in range(count):
        related = read_json(files[f"hero-{page + 1}.json"])["meta"]["related_multi_packs"]
        assert sorted(related) == sorted(f"hero-{p + 1}.json" for p in range(count) if p != page)
        assert all(name in files for name in related)


def test_godot_pages_are_relative_to_the_resource_and_imported_crisp(trimmed_sheet) -> None:
    files = sheet_files(trimmed_sheet, "hero", ["godot3", "godot4"])
    for name in ("hero.tres", "hero.godot3.tres"):
        (texture,) = read_godot(files[name]).get_ext_resources()
        # No res:// root: Godot resolves it next to the .tres, wherever the folder sits.
        assert texture.header["path"] == "hero.png"
    settings = files["hero.png.import"].decode()
    assert 'importer="texture"' in settings
    for line in ("flags/filter=false", "flags/mipmaps=false", "mipmaps/generate=false"):
        assert line in settings.splitlines()


def test_smooth_sheets_keep_godot_filtering() -> None:
    sheet = pack_sheet(make_frames(2), [], SheetOptions(pixel_art=False))
    settings = sheet_files(sheet, "hero", ["godot4"])["hero.png.import"].decode()
    assert "flags/filter=true" in settings.splitlines()
