"""The LoRA picker: LoRAs found in a real folder, greyed when they do not fit, and the prompt's
``<lora:NAME:WEIGHT>`` tags and the picker kept the same both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.domain.settings import EngineSettings
from studio.engine.registry import ModelRegistry
from studio.ui.embedding_picker import ADDON_ROLE
from studio.ui.lora_picker import LoraPicker
from studio.ui.viewmodels.addons import EMPTY_LORAS, NO_MATCH, AddonsViewModel
from studio.ui.viewmodels.generate import GenerateViewModel
from tests.ui.addon_folders import a1111_install


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> ModelRegistry:
    root = a1111_install(tmp_path_factory.mktemp("addons") / "webui")
    settings = EngineSettings(
        model_paths=(str(root),), scan_hf_cache=False, builtin_models_dir=str(root / "none")
    )
    return ModelRegistry(settings)


@pytest.fixture
def picker(qtbot, registry) -> LoraPicker:
    generate = GenerateViewModel()
    generate.models = tuple(registry.models())
    generate.model = generate.models[0].id
    addons = AddonsViewModel(generate)
    addons.addons = tuple(registry.addons())
    widget = LoraPicker(addons)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _items(picker: LoraPicker) -> dict[str, object]:
    return {
        picker.lora_list.item(i).data(ADDON_ROLE).name: picker.lora_list.item(i)
        for i in range(picker.lora_list.count())
    }


def _prompt(picker: LoraPicker) -> str:
    return picker.view_model._generate.prompt


def test_the_loras_of_a_real_folder_are_listed_with_family_and_preview(qtbot, picker) -> None:
    qtbot.waitUntil(lambda: picker.previews_pending() == 0, timeout=5_000)
    items = _items(picker)
    assert list(items) == ["knight-xl", "pixel-art"]  # the damaged file is not offered
    assert items["pixel-art"].text() == "pixel-art\nSD 1.x · kohya"
    preview = items["pixel-art"].icon().pixmap(48, 48).toImage()  # A1111's NAME.preview.png
    assert preview.pixelColor(24, 24).getRgb() == (200, 40, 40, 255)
    blank = items["knight-xl"].icon().pixmap(48, 48).toImage()  # none: a blank of one size
    assert blank.pixelColor(24, 24).alpha() == 0
    embeddings = [
        picker.embeddings.embedding_list.item(i).text()
        for i in range(picker.embeddings.embedding_list.count())
    ]
    assert embeddings == ["bad-hands  (SD 1.x)"]
    assert picker.empty_label.isHidden()


def test_a_lora_of_another_family_is_greyed_with_the_reason(picker) -> None:
    items = _items(picker)
    knight, pixel = items["knight-xl"], items["pixel-art"]
    assert not knight.flags() & Qt.ItemFlag.ItemIsEnabled
    assert knight.toolTip() == (
        "knight-xl is an SDXL LoRA; pixel-base is SD 1.x: pick an SDXL model."
    )
    assert pixel.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "pixel-art.safetensors" in pixel.toolTip()


def test_picking_adds_the_tag_and_a_weight_row(picker) -> None:
    picker.view_model._generate.prompt = "a knight"
    _items(picker)["pixel-art"].setCheckState(Qt.CheckState.Checked)
    assert _prompt(picker) == "a knight, <lora:pixel-art:1>"
    assert list(picker.weight_rows()) == ["pixel-art"]

    picker.weight_rows()["pixel-art"].spin.setValue(0.65)
    assert _prompt(picker) == "a knight, <lora:pixel-art:0.65>"

    _items(picker)["pixel-art"].setCheckState(Qt.CheckState.Unchecked)
    assert _prompt(picker) == "a knight"
    assert picker.weight_rows() == {}


def test_a_tag_typed_by_hand_shows_as_chosen_and_its_row_removes_it(picker) -> None:
    generate = picker.view_model._generate
    generate.prompt = "castle, <LORA:Pixel-Art:0.4>, <lora:elsewhere:0.7>"
    assert _items(picker)["pixel-art"].checkState() == Qt.CheckState.Checked
    rows = picker.weight_rows()
    assert list(rows) == ["Pixel-Art", "elsewhere"]
    assert rows["Pixel-Art"].spin.value() == pytest.approx(0.4)

    generate.prompt = "castle, <LORA:Pixel-Art:0.9>, <lora:elsewhere:0.7>"
    assert picker.weight_rows()["Pixel-Art"] is rows["Pixel-Art"]  # kept, only its value moved
    assert rows["Pixel-Art"].spin.value() == pytest.approx(0.9)

    rows["elsewhere"].remove.click()
    assert generate.prompt == "castle, <LORA:Pixel-Art:0.9>"


def test_previews_arriving_later_leave_a_hand_typed_tag_as_written(qtbot, registry) -> None:
    generate = GenerateViewModel()
    generate.models = tuple(registry.models())
    generate.model = generate.models[0].id
    generate.prompt = "hero <LORA: pixel-art :0.40>"
    addons = AddonsViewModel(generate)
    addons.addons = tuple(registry.addons())
    widget = LoraPicker(addons)
    qtbot.addWidget(widget)
    assert widget.previews_pending() > 0  # read after the list shows, a few at a time
    qtbot.waitUntil(lambda: widget.previews_pending() == 0, timeout=5_000)
    assert generate.prompt == "hero <LORA: pixel-art :0.40>"


def test_the_filter_matches_name_or_family(picker) -> None:
    picker.filter_edit.setText("XL")
    assert list(_items(picker)) == ["knight-xl"]
    picker.filter_edit.setText("sd 1")
    assert list(_items(picker)) == ["pixel-art"]
    picker.filter_edit.setText("nothing like it")
    assert _items(picker) == {}
    assert picker.empty_label.text() == NO_MATCH and not picker.empty_label.isHidden()


def test_an_embedding_goes_into_the_negative_prompt(picker) -> None:
    generate = picker.view_model._generate
    generate.negative_prompt = "blurry"
    picker.embeddings.embedding_list.setCurrentRow(0)
    picker.embeddings.to_negative.click()
    assert generate.negative_prompt == "blurry, bad-hands"
    picker.embeddings.to_prompt.click()
    assert generate.prompt == "bad-hands"


def test_with_no_loras_the_picker_says_how_to_get_some(qtbot) -> None:
    widget = LoraPicker(AddonsViewModel(GenerateViewModel()))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.empty_label.text() == EMPTY_LORAS
    assert "File > Add Model Folder" in EMPTY_LORAS and not widget.empty_label.isHidden()
    assert widget.lora_list.isHidden() and widget.filter_edit.isHidden()
    assert widget.embeddings.isHidden()


def test_a_builtin_model_greys_every_lora(picker) -> None:
    from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource

    generate = picker.view_model._generate
    builtin = ModelInfo(
        "builtin-vae", "Sprite VAE", ModelFamily.BUILTIN, ModelSource.BUILTIN, ModelFormat.DIFFUSERS
    )
    generate.models = (*generate.models, builtin)
    generate.model = "builtin-vae"
    tip = _items(picker)["pixel-art"].toolTip()
    assert tip == "A LoRA works on a Stable Diffusion model; Sprite VAE is built in."


def test_a_broken_preview_is_no_picture(tmp_path: Path) -> None:
    from studio.domain.model_kind import AddonInfo, ModelKind
    from studio.domain.models import ModelFamily
    from studio.ui.addon_thumbnails import AddonThumbnails

    (tmp_path / "x.png").write_bytes(b"\x89PNG truncated")
    addon = AddonInfo("x", ModelKind.LORA, ModelFamily.SD1, str(tmp_path / "x.safetensors"))
    assert AddonThumbnails().icon(addon) is None


def test_a_preview_that_is_a_fifo_or_too_large_is_never_read(tmp_path: Path) -> None:
    import os

    from studio.domain.model_kind import AddonInfo, ModelKind
    from studio.domain.models import ModelFamily
    from studio.ui import addon_thumbnails
    from studio.ui.addon_thumbnails import AddonThumbnails

    os.mkfifo(tmp_path / "stuck.preview.png")  # opening it for reading would block forever
    stuck = AddonInfo("stuck", ModelKind.LORA, ModelFamily.SD1, str(tmp_path / "stuck.pt"))
    with (tmp_path / "huge.png").open("wb") as out:  # sparse: the size, not the bytes
        out.truncate(addon_thumbnails.MAX_PREVIEW_BYTES + 1)
    huge = AddonInfo("huge", ModelKind.LORA, ModelFamily.SD1, str(tmp_path / "huge.pt"))
    thumbnails = AddonThumbnails()
    assert thumbnails.icon(stuck) is None and thumbnails.icon(huge) is None


def test_a_lycoris_kind_studio_cannot_load_is_greyed_whatever_the_model(picker) -> None:
    """The engine refuses LoHa and LoKr (diffusers reads LoRA and LoCon): the picker says so."""
    from studio.domain.model_kind import AddonInfo, ModelKind
    from studio.domain.models import ModelFamily

    loha = AddonInfo(
        "dither", ModelKind.LORA, ModelFamily.SD1, "/x/dither.safetensors", 1, "LyCORIS LoHa"
    )
    reason = picker.view_model.refusal(loha)
    assert reason.startswith("dither is a LyCORIS LoHa; Studio loads LoRA and LoCon files")
