"""Sheet and tile-set export from a request: packed, written all or nothing, never over files."""

from __future__ import annotations

import threading

import pytest

from studio.domain.errors import InvalidRequestError, JobCancelled, OutputError
from studio.domain.export_requests import (
    AnimationSpec,
    ExportImage,
    LockedPalette,
    SheetExportRequest,
    TilesetRequest,
)
from studio.imaging.decode import load_pixels
from studio.imaging.palettes import BUILTIN_PALETTES, off_palette_mask
from studio.ops.export import export_sheet, export_tileset
from tests.imaging.sheets.conftest import make_sprites

GAME_BOY = BUILTIN_PALETTES["Game Boy"]


def _images(count: int) -> tuple[ExportImage, ...]:
    return tuple(
        ExportImage(f"f{i}", pixels, {"file": f"f{i}.png"})
        for i, pixels in enumerate(make_sprites(count))
    )


def test_a_sheet_is_packed_snapped_and_written(tmp_path) -> None:
    request = SheetExportRequest(
        folder=tmp_path / "out",
        frames=_images(3),
        formats=("csv",),
        animations=(AnimationSpec("walk", ("f0", "f1", "f2"), 8.0),),
        palette=LockedPalette(GAME_BOY.name, GAME_BOY.colours),
    )
    export = export_sheet(request)
    assert sorted(p.name for p in export.written) == [
        "sheet.csv",
        "sheet.png",
        "sheet.recipes.json",
    ]
    assert len(export.sheet.frames) == 3 and export.sheet.animations[0].name == "walk"
    page = load_pixels(tmp_path / "out" / "sheet.png")
    assert off_palette_mask(page, GAME_BOY).sum() == 0


def test_an_earlier_export_is_replaced_only_with_overwrite(tmp_path) -> None:
    request = SheetExportRequest(folder=tmp_path, frames=_images(1), formats=("csv",))
    (tmp_path / "sheet.recipes.json").write_text("earlier")
    with pytest.raises(OutputError, match=r"already holds sheet\.recipes\.json"):
        export_sheet(request)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.recipes.json"]
    export_sheet(SheetExportRequest(tmp_path, _images(1), ("csv",), overwrite=True))
    assert (tmp_path / "sheet.recipes.json").read_text() != "earlier"


def test_a_tileset_is_written_with_its_recipes(tmp_path) -> None:
    tile = make_sprites(1)[0]
    tiles = tuple(ExportImage(f"t{i}", tile) for i in range(4))
    export = export_tileset(TilesetRequest(folder=tmp_path / "tiles", tiles=tiles))
    assert export.tileset.count == 4
    assert {p.name for p in export.written} == {
        "tiles.png", "tiles.tsx", "tiles.tmx", "tiles.tileset.tres", "tiles.recipes.json",
        "tiles.png.import",
    }  # fmt: skip


def test_a_tileset_refused_by_its_layout_writes_nothing(tmp_path) -> None:
    odd = (*_images(1), ExportImage("big", make_sprites(1)[0].repeat(2, axis=0)))
    with pytest.raises(InvalidRequestError, match="every tile must be"):
        export_tileset(TilesetRequest(folder=tmp_path / "tiles", tiles=odd))
    assert not (tmp_path / "tiles").exists()


def test_a_cancelled_tileset_export_raises_and_writes_nothing(tmp_path) -> None:
    cancel = threading.Event()
    cancel.set()
    tiles = tuple(ExportImage(f"t{i}", make_sprites(1)[0]) for i in range(2))
    with pytest.raises(JobCancelled):
        export_tileset(TilesetRequest(folder=tmp_path / "tiles", tiles=tiles), cancel)
    assert not (tmp_path / "tiles").exists()
