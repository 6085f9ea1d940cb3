"""The model registry: user files and folders, the Hugging Face cache, resolving names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from studio.domain.errors import (
    DamagedModelError,
    ModelLoadError,
    ModelNotFoundError,
    UnsafeModelError,
)
from studio.domain.models import ModelFamily, ModelFormat, ModelSource
from studio.domain.settings import EngineSettings
from studio.engine.registry import ModelRegistry

from .helpers import tiny_settings

SNAPSHOT = "0123456789abcdef0123456789abcdef01234567"


def make_hf_cache(
    root: Path, repo_id: str, pipeline_dir: Path | None, index: dict | None = None
) -> Path:
    """A hub cache entry laid out as huggingface_hub writes it (files instead of symlinks)."""
    repo = root / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / SNAPSHOT
    if pipeline_dir is not None:
        shutil.copytree(pipeline_dir, snapshot)
    else:
        snapshot.mkdir(parents=True)
    if index is not None:
        (snapshot / "model_index.json").write_text(json.dumps(index))
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(SNAPSHOT)
    (repo / "blobs").mkdir(exist_ok=True)
    return snapshot


@pytest.fixture
def user_folder(tmp_path: Path, tiny_sd1_file: Path, tiny_sdxl_dir: Path) -> Path:
    folder = tmp_path / "my-models"
    folder.mkdir()
    shutil.copy(tiny_sd1_file, folder / "pixel-style.safetensors")
    shutil.copytree(tiny_sdxl_dir, folder / "xl-pipeline")
    save_file({"lora_unet_down.alpha": torch.ones(1)}, folder / "some-lora.safetensors")
    (folder / "notes.txt").write_text("not a model")
    (folder / "broken.safetensors").write_bytes(b"\x00" * 3)
    return folder


def test_user_file_folder_and_pipeline_are_listed(
    user_folder: Path, tiny_sd1_dir: Path, empty_dir: Path
) -> None:
    registry = ModelRegistry(tiny_settings(tiny_sd1_dir, user_folder, builtin_dir=empty_dir))
    models = registry.models()
    by_name = {m.name: m for m in models}
    assert list(by_name) == ["tiny-sd1", "pixel-style", "xl-pipeline"]  # LoRA and junk skipped
    assert by_name["tiny-sd1"].format is ModelFormat.DIFFUSERS
    assert by_name["pixel-style"].family is ModelFamily.SD1
    assert by_name["pixel-style"].format is ModelFormat.SAFETENSORS
    assert by_name["xl-pipeline"].family is ModelFamily.SDXL
    assert all(m.source is ModelSource.USER for m in models)
    assert registry.default() == by_name["tiny-sd1"]


def test_hf_cache_lists_only_complete_sd_pipelines(
    tmp_path: Path, tiny_sd1_dir: Path, empty_dir: Path
) -> None:
    cache = tmp_path / "hub"
    make_hf_cache(cache, "studio-test/tiny-sd", tiny_sd1_dir)
    make_hf_cache(cache, "org/half-downloaded", None, {"_class_name": "StableDiffusionPipeline"})
    make_hf_cache(cache, "org/a-flux-model", None, {"_class_name": "FluxPipeline"})
    settings = EngineSettings(
        scan_hf_cache=True, hf_cache_dir=str(cache), builtin_models_dir=str(empty_dir)
    )
    models = ModelRegistry(settings).models()
    assert [(m.id, m.source) for m in models] == [("studio-test/tiny-sd", ModelSource.HF_CACHE)]
    assert models[0].location.endswith(SNAPSHOT)
    assert models[0].family is ModelFamily.SD1


def test_hf_repo_id_resolves_even_when_scanning_is_off(
    tmp_path: Path, tiny_sd1_dir: Path, empty_dir: Path
) -> None:
    cache = tmp_path / "hub"
    make_hf_cache(cache, "studio-test/tiny-sd", tiny_sd1_dir)
    settings = EngineSettings(
        scan_hf_cache=False, hf_cache_dir=str(cache), builtin_models_dir=str(empty_dir)
    )
    registry = ModelRegistry(settings)
    assert registry.models() == []
    assert registry.resolve("studio-test/tiny-sd").source is ModelSource.HF_CACHE


def test_missing_hf_cache_is_simply_empty(tmp_path: Path, empty_dir: Path) -> None:
    settings = EngineSettings(
        hf_cache_dir=str(tmp_path / "nowhere"), builtin_models_dir=str(empty_dir)
    )
    assert ModelRegistry(settings).models() == []


def test_resolve_by_id_name_path_and_default(
    user_folder: Path, tiny_sd1_dir: Path, tiny_sdxl_file: Path, empty_dir: Path
) -> None:
    registry = ModelRegistry(tiny_settings(user_folder, builtin_dir=empty_dir))
    first = registry.models()[0]
    assert registry.resolve("") == first == registry.default()
    assert registry.resolve(first.id) == first
    assert registry.resolve("XL-PIPELINE").name == "xl-pipeline"
    # Paths work before they are registered.
    assert registry.resolve(str(tiny_sd1_dir)).id == str(tiny_sd1_dir.resolve())
    assert registry.resolve(str(tiny_sdxl_file)).family is ModelFamily.SDXL


def test_unknown_name_lists_choices_and_says_how_to_add(user_folder: Path, empty_dir: Path) -> None:
    registry = ModelRegistry(tiny_settings(user_folder, builtin_dir=empty_dir))
    with pytest.raises(ModelNotFoundError) as caught:
        registry.resolve("dreamshaper")
    message = str(caught.value)
    assert "'dreamshaper'" in message
    assert "pixel-style" in message and "xl-pipeline" in message
    assert ".safetensors" in message and "diffusers folder" in message


def test_no_models_at_all_says_how_to_add(empty_dir: Path) -> None:
    registry = ModelRegistry(tiny_settings(builtin_dir=empty_dir))
    assert registry.default() is None
    with pytest.raises(ModelNotFoundError, match="add a Stable Diffusion"):
        registry.resolve("")


def test_builtin_models_come_first(tmp_path: Path, tiny_sd1_dir: Path) -> None:
    builtin = tmp_path / "builtin" / "sprites"
    builtin.mkdir(parents=True)
    (builtin / "studio_model.json").write_text(
        json.dumps({"family": "diffusion", "name": "builtin-sprites", "default": True})
    )
    (builtin / "model.safetensors").write_bytes(b"")
    registry = ModelRegistry(tiny_settings(tiny_sd1_dir, builtin_dir=tmp_path / "builtin"))
    assert [m.id for m in registry.models()] == ["builtin-sprites", str(tiny_sd1_dir.resolve())]
    assert registry.default().source is ModelSource.BUILTIN


def test_same_model_listed_once(tiny_sd1_dir: Path, empty_dir: Path) -> None:
    registry = ModelRegistry(
        tiny_settings(tiny_sd1_dir, tiny_sd1_dir.parent, tiny_sd1_dir, builtin_dir=empty_dir)
    )
    assert [m.name for m in registry.models()].count("tiny-sd1") == 1


def test_inspect_path_validates(tmp_path: Path, tiny_sd1_file: Path, empty_dir: Path) -> None:
    registry = ModelRegistry(tiny_settings(builtin_dir=empty_dir))
    assert registry.inspect_path(tiny_sd1_file).family is ModelFamily.SD1
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        registry.inspect_path(tmp_path / "missing.safetensors")
    (tmp_path / "bad.safetensors").write_bytes(b"PK\x03\x04junkjunk")
    with pytest.raises(DamagedModelError):
        registry.inspect_path(tmp_path / "bad.safetensors")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(ModelLoadError, match="not a model file"):
        registry.inspect_path(tmp_path / "image.png")
    with pytest.raises(ModelNotFoundError, match="holds no model"):
        registry.inspect_path(empty_dir)


def test_inspect_path_refuses_code_in_pickles(tmp_path: Path, empty_dir: Path) -> None:
    import os

    class Payload:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    torch.save({"state_dict": {"w": torch.ones(1)}, "x": Payload()}, tmp_path / "evil.ckpt")
    with pytest.raises(UnsafeModelError):
        ModelRegistry(tiny_settings(builtin_dir=empty_dir)).inspect_path(tmp_path / "evil.ckpt")


def test_folder_with_foreign_code_is_refused(
    tmp_path: Path, tiny_sd1_dir: Path, empty_dir: Path
) -> None:
    folder = tmp_path / "custom"
    shutil.copytree(tiny_sd1_dir, folder)
    index = json.loads((folder / "model_index.json").read_text())
    index["scheduler"] = ["my_scheduler", "MyScheduler"]
    (folder / "model_index.json").write_text(json.dumps(index))
    with pytest.raises(ModelLoadError, match="its own code"):
        ModelRegistry(tiny_settings(builtin_dir=empty_dir)).inspect_path(folder)
