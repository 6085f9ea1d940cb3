"""``EngineService.add_model_folder``: one file or a whole install, remembered and summed up."""

from __future__ import annotations

from pathlib import Path

from studio.domain.model_kind import ModelKind
from studio.domain.settings import EngineSettings
from studio.engine.service import EngineService

from .model_kinds_kit import write_kind


def _service(tmp_path: Path) -> EngineService:
    settings = EngineSettings(scan_hf_cache=False, builtin_models_dir=str(tmp_path / "none"))
    return EngineService(settings)


def test_a_lora_file_is_added_as_one_add_on(tmp_path: Path) -> None:
    lora = write_kind(tmp_path / "loose" / "sprite.safetensors", "kohya_sd1")
    service = _service(tmp_path)
    addition = service.add_model_folder(str(lora))
    assert addition.summary() == "model file: 1 LoRA"
    assert addition.location == str(lora)
    assert [a.name for a in service.list_addons()] == ["sprite"]
    assert service.registry.settings.model_paths == (str(lora),)


def test_a_comfy_install_is_remembered_by_its_root(tmp_path: Path) -> None:
    root = tmp_path / "ComfyUI"
    write_kind(root / "models" / "checkpoints" / "base.safetensors", "checkpoint_sd1")
    write_kind(root / "models" / "loras" / "a.safetensors", "peft_sd1")
    service = _service(tmp_path)
    addition = service.add_model_folder(str(root))
    assert addition.summary() == "ComfyUI install: 1 checkpoint, 1 LoRA"
    assert addition.location == str(root.resolve())
    assert [a.kind for a in service.list_addons()] == [ModelKind.LORA]
    assert [m.name for m in service.list_models()] == ["base"]
