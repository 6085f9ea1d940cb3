"""Add-ons resolve by name from the folders of A1111 and ComfyUI installs, boundedly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from studio.domain.errors import ModelNotFoundError
from studio.engine.addon_lookup import addon_roots, list_addons, resolve_addon


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a1111_install_is_searched_from_its_checkpoint(tmp_path: Path) -> None:
    checkpoint = _touch(tmp_path / "webui/models/Stable-diffusion/base.safetensors")
    lora = _touch(tmp_path / "webui/models/Lora/style/pixel-art.safetensors")
    lyco = _touch(tmp_path / "webui/models/LyCORIS/dither.safetensors")
    embedding = _touch(tmp_path / "webui/embeddings/easynegative.pt")
    roots = addon_roots([checkpoint])

    assert resolve_addon("lora", "pixel-art", roots) == lora
    assert resolve_addon("lora", "DITHER", roots) == lyco  # case is forgiven when unique
    assert resolve_addon("embedding", "easynegative", roots) == embedding


def test_comfyui_folders_are_found_from_the_configured_folder(tmp_path: Path) -> None:
    lora = _touch(tmp_path / "ComfyUI/models/loras/sprite.safetensors")
    _touch(tmp_path / "ComfyUI/models/loras/readme.txt")
    roots = addon_roots([tmp_path / "ComfyUI"])

    assert list_addons("lora", roots) == {"sprite": lora}


def test_an_unknown_name_is_one_line_naming_the_folders(tmp_path: Path) -> None:
    _touch(tmp_path / "models/Lora/other.safetensors")

    with pytest.raises(ModelNotFoundError) as caught:
        resolve_addon("lora", "missing", addon_roots([tmp_path]))

    message = str(caught.value)
    assert "no LoRA named 'missing'" in message
    assert str(tmp_path / "models" / "Lora") in message
    assert "\n" not in message


def test_no_addon_folder_at_all_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"no embedding named 'x'.*none found"):
        resolve_addon("embedding", "x", addon_roots([tmp_path]))


def test_a_folder_of_ten_thousand_files_and_a_loop_stay_bounded(tmp_path: Path) -> None:
    folder = tmp_path / "models/Lora"
    folder.mkdir(parents=True)
    for index in range(10_000):
        (folder / f"n{index:05}.safetensors").touch()
    (folder / "loop").symlink_to(folder)
    started = time.perf_counter()

    found = list_addons("lora", addon_roots([tmp_path]))

    assert len(found) == 10_000
    assert time.perf_counter() - started < 5.0
