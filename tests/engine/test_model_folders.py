"""The folders of the artist's other tools, as they are: A1111/Forge, ComfyUI, InvokeAI."""

from __future__ import annotations

from pathlib import Path

from studio.domain.model_kind import ModelKind
from studio.domain.models import ModelFamily
from studio.engine.model_folders.scan import scan_folder
from studio.engine.registry import ModelRegistry

from .helpers import tiny_settings
from .model_kinds_kit import a1111_tree, comfy_tree, invoke_tree, write_kind


def _kinds(scan) -> dict[str, tuple[str, str]]:
    return {a.name: (a.kind.value, a.family_text()) for a in scan.addons}


def test_an_a1111_install_is_found_by_kind(tmp_path: Path) -> None:
    root = a1111_tree(tmp_path / "stable-diffusion-webui")
    before = sorted(p for p in root.rglob("*"))
    scan = scan_folder(root)
    assert scan.tool == "A1111/Forge install"
    assert [m.name for m in scan.checkpoints] == ["pixel-base"]
    assert scan.checkpoints[0].family is ModelFamily.SD1
    assert _kinds(scan) == {
        "pixel-art": ("lora", "sd1"),
        "knight-xl": ("lora", "sdxl"),
        "dither": ("lora", "sd1"),
        "bad-hands": ("embedding", "sd2"),
        "4x-sprites": ("upscaler", "-"),
        "canny": ("controlnet", "sd1"),
    }
    assert scan.problems == []
    assert all(Path(a.location).is_relative_to(root) for a in scan.addons)  # read in place
    assert sorted(p for p in root.rglob("*")) == before  # nothing written or copied


def test_a_comfyui_install_follows_its_extra_model_paths(tmp_path: Path) -> None:
    root = comfy_tree(tmp_path / "ComfyUI", tmp_path / "webui")
    scan = scan_folder(root)
    assert scan.tool == "ComfyUI install"
    assert [m.name for m in scan.checkpoints] == ["base"]
    assert _kinds(scan) == {
        "sprite": ("lora", "sd1"),
        "xl-style": ("embedding", "sdxl"),
        "depth-xl": ("controlnet", "sdxl"),
        "one": ("lora", "sd2"),
        "two": ("lora", "sdxl"),
        "real": ("upscaler", "-"),
    }


def test_a_broken_extra_model_paths_is_one_line_and_the_rest_still_lists(tmp_path: Path) -> None:
    root = comfy_tree(tmp_path / "ComfyUI", tmp_path / "webui")
    (root / "extra_model_paths.yaml").write_text("a: [unclosed\n  !!python/object:os.system x")
    scan = scan_folder(root)
    assert len(scan.problems) == 1
    assert "extra_model_paths.yaml is not readable YAML" in scan.problems[0]
    assert {"sprite", "xl-style"} <= set(_kinds(scan))


def test_an_invokeai_models_folder_is_found_by_kind(tmp_path: Path) -> None:
    scan = scan_folder(invoke_tree(tmp_path / "invokeai"))
    assert scan.tool == "InvokeAI models folder"
    assert [m.name for m in scan.checkpoints] == ["base"]
    assert _kinds(scan) == {
        "pixel": ("lora", "sd1"),
        "neg": ("embedding", "sdxl"),
        "ip": ("ip_adapter", "sd1"),
        "vae": ("vae", "-"),
    }


def test_registry_lists_addons_by_kind_and_keeps_checkpoints_apart(
    tmp_path: Path, empty_dir: Path
) -> None:
    root = a1111_tree(tmp_path / "webui")
    lone = write_kind(tmp_path / "loose" / "Glow-Lora.safetensors", "peft_sd1")
    registry = ModelRegistry(tiny_settings(root, lone, builtin_dir=empty_dir))
    assert [m.name for m in registry.models()] == ["pixel-base"]  # the picker's view
    assert registry.resolve("pixel-base").family is ModelFamily.SD1
    loras = registry.addons(ModelKind.LORA)
    assert [a.name for a in loras] == ["knight-xl", "pixel-art", "dither", "Glow-Lora"]
    assert [a.name for a in registry.addons(ModelKind.UPSCALER)] == ["4x-sprites"]
    found = registry.find(ModelKind.LORA, "glow-lora")
    assert found is not None and found.location == str(lone)
    assert registry.find(ModelKind.EMBEDDING, "glow-lora") is None
    assert registry.find(ModelKind.EMBEDDING, "bad-hands") is not None
    assert registry.problems() == []


def test_registry_rescans_on_demand(tmp_path: Path, empty_dir: Path) -> None:
    folder = tmp_path / "loras"
    write_kind(folder / "one.safetensors", "kohya_sd1")
    registry = ModelRegistry(tiny_settings(folder, builtin_dir=empty_dir))
    assert [a.name for a in registry.addons()] == ["one"]
    write_kind(folder / "two.safetensors", "kohya_sdxl")
    assert [a.name for a in registry.addons()] == ["one"]  # listed from the last scan
    registry.refresh()
    assert [a.name for a in registry.addons()] == ["one", "two"]


def test_a_checkpoint_folder_added_alone_brings_its_installs_addons(tmp_path: Path) -> None:
    """Earlier Studio asked for the checkpoint folder itself; its LoRAs must still be found."""
    root = a1111_tree(tmp_path / "stable-diffusion-webui")
    scan = scan_folder(root / "models" / "Stable-diffusion")
    assert scan.tool == "checkpoints folder of an A1111/Forge install"
    assert [m.name for m in scan.checkpoints] == ["pixel-base"]
    assert {"pixel-art", "bad-hands", "4x-sprites"} <= set(_kinds(scan))

    comfy = comfy_tree(tmp_path / "ComfyUI", tmp_path / "elsewhere")
    scan = scan_folder(comfy / "models" / "checkpoints")
    assert [m.name for m in scan.checkpoints] == ["base"]
    assert {"sprite", "one", "real"} <= set(_kinds(scan))  # extra_model_paths.yaml too


def test_a_plain_folder_named_like_a_checkpoint_folder_stays_plain(tmp_path: Path) -> None:
    write_kind(tmp_path / "models" / "checkpoints" / "lone.safetensors", "kohya_sd1")
    scan = scan_folder(tmp_path / "models" / "checkpoints")
    assert scan.tool == "folder"
    assert list(_kinds(scan)) == ["lone"]
