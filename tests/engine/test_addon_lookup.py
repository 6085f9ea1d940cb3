"""Add-ons resolve by name through the registry: the added folders, as their tools lay them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.domain.errors import ModelNotFoundError
from studio.domain.model_kind import ModelKind, kind_label
from studio.domain.settings import EngineSettings
from studio.engine.addon_lookup import NoAddons, addon_files, find_addons, resolve_addon
from studio.engine.registry import ModelRegistry

from .model_kinds_kit import a1111_tree, write_esrgan_pth, write_kind


def _registry(*folders: Path) -> ModelRegistry:
    return ModelRegistry(
        EngineSettings(model_paths=tuple(str(f) for f in folders), scan_hf_cache=False)
    )


def test_names_resolve_by_kind_in_an_added_a1111_install(tmp_path: Path) -> None:
    root = a1111_tree(tmp_path / "webui")
    index = _registry(root)

    assert resolve_addon(index, ModelKind.LORA, "pixel-art") == (
        root / "models" / "Lora" / "pixel-art.safetensors"
    )
    assert resolve_addon(index, ModelKind.LORA, "DITHER").name == "dither.safetensors"  # any case
    assert resolve_addon(index, ModelKind.UPSCALER, "4x-sprites").name == "4x-sprites.pth"
    assert addon_files(index, ModelKind.EMBEDDING) == {
        "bad-hands": root / "embeddings" / "bad-hands.pt"
    }


def test_a_name_of_another_kind_is_not_taken(tmp_path: Path) -> None:
    """An upscaler called like a LoRA is not a LoRA: the kind comes from the file's keys."""
    write_esrgan_pth(tmp_path / "models" / "Lora" / "sharp.pth")

    with pytest.raises(ModelNotFoundError, match="No LoRA add-on named 'sharp'"):
        resolve_addon(_registry(tmp_path), ModelKind.LORA, "sharp")


def test_a_file_dropped_in_after_the_first_scan_is_found(tmp_path: Path) -> None:
    index = _registry(tmp_path)
    assert index.addons(ModelKind.LORA) == []  # scanned once, nothing there yet
    made = write_kind(tmp_path / "new-style.safetensors", "kohya_sd1")

    assert resolve_addon(index, ModelKind.LORA, "new-style") == made


def test_find_addons_rescans_once_for_a_file_dropped_in_and_filters(tmp_path: Path) -> None:
    index = _registry(tmp_path)
    assert find_addons(index, ModelKind.LORA, lambda addon: True) == []
    write_kind(tmp_path / "new-style.safetensors", "kohya_sd1")
    write_kind(tmp_path / "other.safetensors", "kohya_sd1")

    found = find_addons(index, ModelKind.LORA, lambda addon: addon.name.startswith("new"))

    assert [addon.name for addon in found] == ["new-style"]


def test_a_path_is_taken_as_it_is_and_a_missing_one_is_one_line(tmp_path: Path) -> None:
    lora = write_kind(tmp_path / "elsewhere" / "x.safetensors", "kohya_sd1")
    assert resolve_addon(NoAddons(), ModelKind.LORA, str(lora)) == lora

    with pytest.raises(ModelNotFoundError) as caught:
        resolve_addon(NoAddons(), ModelKind.UPSCALER, str(tmp_path / "gone.pth"))
    assert (
        str(caught.value)
        == f"The upscaler file {tmp_path / 'gone.pth'} does not exist: check the path."
    )


def test_an_unknown_name_is_one_line_offering_what_there_is(tmp_path: Path) -> None:
    write_kind(tmp_path / "other.safetensors", "kohya_sd1")

    with pytest.raises(ModelNotFoundError) as caught:
        resolve_addon(_registry(tmp_path), ModelKind.LORA, "missing")

    message = str(caught.value)
    assert "No LoRA add-on named 'missing' in the model folders. Found: other." in message
    assert "\n" not in message


def test_no_addon_of_the_kind_at_all_says_how_to_add_a_folder() -> None:
    with pytest.raises(
        ModelNotFoundError, match=r"hold none\. Add the folder .*studio models --add"
    ):
        resolve_addon(NoAddons(), ModelKind.EMBEDDING, "x")


def test_a_fifo_or_a_folder_given_as_the_file_says_what_it_is(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "sharp.pth"
    os.mkfifo(fifo)
    with pytest.raises(ModelNotFoundError, match=r"sharp\.pth is a named pipe"):
        resolve_addon(NoAddons(), ModelKind.UPSCALER, str(fifo))
    with pytest.raises(ModelNotFoundError, match=r"is a folder: give the upscaler file in it"):
        resolve_addon(NoAddons(), ModelKind.UPSCALER, str(tmp_path) + "/")


@pytest.mark.parametrize("kind", [ModelKind.CONTROLNET, ModelKind.IP_ADAPTER, ModelKind.LORA])
def test_a_name_whose_file_was_skipped_says_so_and_why(tmp_path: Path, kind: ModelKind) -> None:
    """The file is there: "the model folders hold none" would send the user looking for it."""
    (tmp_path / "control_sd15_canny.safetensors").write_bytes(
        (64).to_bytes(8, "little") + b'{"a":'  # a header running past the end of the file
    )
    (tmp_path / "control_sd15_canny-v2.txt").write_text("a name that only starts the same")

    with pytest.raises(ModelNotFoundError) as caught:
        resolve_addon(_registry(tmp_path), kind, "Control_SD15_Canny")

    message = str(caught.value)
    assert message == (
        f"No usable {kind_label(kind)} named 'Control_SD15_Canny': the model folders skipped "
        "its file (control_sd15_canny.safetensors is damaged or incomplete (the header runs "
        "past the end of the file): download it again). Replace or repair the file, or give "
        "another file's path."
    )


def test_a_skipped_file_of_another_name_is_not_taken_for_the_one_asked(tmp_path: Path) -> None:
    (tmp_path / "my-control_sd15_canny.safetensors").write_bytes(b"\x00" * 16)

    with pytest.raises(ModelNotFoundError, match="hold none"):
        resolve_addon(_registry(tmp_path), ModelKind.CONTROLNET, "control_sd15_canny")
