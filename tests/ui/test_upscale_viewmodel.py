"""The Upscale dialog's view-model without a window: what it offers and the requests it builds."""

from __future__ import annotations

import numpy as np

from studio.domain.history import HistoryEntry
from studio.domain.image_requests import EditSource
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.models import ModelFamily
from studio.domain.upscale_request import NEAREST
from studio.ui.viewmodels.upscale import (
    MODEL_OWN,
    NEAREST_LABEL,
    UpscaleViewModel,
    entry_tiling,
    preview_crop,
)


def _addon(name: str, kind: ModelKind = ModelKind.UPSCALER) -> AddonInfo:
    return AddonInfo(name, kind, ModelFamily.UNKNOWN, f"/models/ESRGAN/{name}.pth")


def _entry(kind: str, recipe: dict) -> HistoryEntry:
    return HistoryEntry(7, 7, kind, 0.0, "a wall", 32, 32, recipe)


def test_only_upscalers_are_offered_nearest_first_then_by_name(qtbot) -> None:
    addons = [_addon("UltraSharp"), _addon("pixel", ModelKind.LORA), _addon("4x-AnimeSharp")]
    vm = UpscaleViewModel(addons)
    assert vm.upscalers() == [
        (NEAREST_LABEL, NEAREST),
        ("4x-AnimeSharp", "/models/ESRGAN/4x-AnimeSharp.pth"),
        ("UltraSharp", "/models/ESRGAN/UltraSharp.pth"),
    ]
    assert vm.empty_text() == ""
    assert UpscaleViewModel([_addon("pixel", ModelKind.LORA)]).empty_text() != ""


def test_each_upscaler_starts_at_its_own_default_factor(qtbot) -> None:
    vm = UpscaleViewModel([_addon("UltraSharp")])
    vm.scale = 4
    vm.upscaler = "/models/ESRGAN/UltraSharp.pth"
    assert vm.scale == MODEL_OWN
    pixels = np.zeros((8, 8, 3), np.uint8)
    assert vm.build_request(pixels, EditSource(3)).scale is None  # None: the model's own
    vm.upscaler = NEAREST
    assert vm.scale == 2 and vm.build_request(pixels, EditSource(3)).scale == 2


def test_tiling_is_kept_only_along_the_axes_the_entry_tiles(qtbot) -> None:
    pixels = np.zeros((8, 8, 3), np.uint8)
    vm = UpscaleViewModel([], entry_tiling(_entry("generate", {"request": {"tile_y": True}})))
    assert vm.tiling_offered and vm.keep_tiling
    request = vm.build_request(pixels, EditSource(7))
    assert (request.tile_x, request.tile_y, request.name) == (False, True, "#7")
    plain = UpscaleViewModel([], entry_tiling(_entry("generate", {"request": {}})))
    plain.keep_tiling = True  # cannot keep what the image never had
    assert not plain.tiling_offered
    assert not plain.build_request(pixels, EditSource(7)).tile_x


def test_a_make_seamless_result_tiles_both_ways(qtbot) -> None:
    assert entry_tiling(_entry("tile", {"request": {"source_entry_id": 2}})) == (True, True)


def test_the_preview_crop_is_the_centre_and_never_larger_than_the_image() -> None:
    image = np.arange(300 * 200 * 3, dtype=np.uint32).reshape(300, 200, 3).astype(np.uint8)
    crop = preview_crop(image, 128)
    assert crop.shape == (128, 128, 3)
    assert (crop == image[86:214, 36:164]).all()
    assert preview_crop(image[:40, :50]).shape == (40, 50, 3)
