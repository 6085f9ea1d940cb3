"""A tiny A1111 install of real-format files, and an engine that scans it for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.domain.model_addition import ModelAddition
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelInfo
from studio.domain.settings import EngineSettings
from studio.imaging.png import encode_png
from tests.engine.model_kinds_kit import write_kind
from tests.fakes import ScriptedEngine


def a1111_install(root: Path) -> Path:
    """An SD 1.x checkpoint, an SD 1.x LoRA with A1111's preview, an SDXL LoRA, an SD 1.x
    embedding and a damaged LoRA file the scan must skip."""
    models = root / "models"
    write_kind(models / "Stable-diffusion" / "pixel-base.safetensors", "checkpoint_sd1")
    write_kind(models / "Lora" / "pixel-art.safetensors", "kohya_sd1")
    preview = np.full((64, 48, 3), (200, 40, 40), np.uint8)
    (models / "Lora" / "pixel-art.preview.png").write_bytes(encode_png(preview))
    write_kind(models / "Lora" / "characters" / "knight-xl.safetensors", "kohya_sdxl")
    (models / "Lora" / "broken.safetensors").write_bytes(b"\x00\x01not a safetensors file")
    write_kind(root / "embeddings" / "bad-hands.safetensors", "embedding_sd1")
    return root


class FolderEngine(ScriptedEngine):
    """Jobs are scripted; models, add-ons and added folders go through the real service."""

    def __init__(self, tmp_path: Path, model_paths: tuple[str, ...] = ()) -> None:
        from studio.engine.service import EngineService

        super().__init__([])
        settings = EngineSettings(
            model_paths=model_paths,
            device="cpu",
            scan_hf_cache=False,
            builtin_models_dir=str(tmp_path / "no-builtins"),
        )
        self.service = EngineService(settings)

    def list_models(self) -> list[ModelInfo]:
        self.models = self.service.list_models()
        return list(self.models)

    def list_addons(self) -> list[AddonInfo]:
        return self.service.list_addons()

    def add_model_folder(self, path: str) -> ModelAddition:
        return self.service.add_model_folder(path)
