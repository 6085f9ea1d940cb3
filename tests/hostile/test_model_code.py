"""Code in or under a diffusers folder is never imported or copied, whatever diffusers does.

Issue 10, defect 1: with diffusers 0.32, a ``None.py`` at the top of a folder, or a
``diffusers.py`` / ``transformers.py`` inside a component folder, was imported by
``from_pretrained`` (and copied to the Hugging Face modules cache). Studio now refuses such a
folder before diffusers sees it, so the installed version does not matter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from studio.cli import main
from studio.domain.errors import ModelLoadError
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.engine.registry import ModelRegistry
from tests.hostile.conftest import settings_for

pytestmark = pytest.mark.timeout(120)

PLANTS = [
    pytest.param("None.py", id="None.py-at-the-top"),
    pytest.param("unet/diffusers.py", id="diffusers.py-in-unet"),
    pytest.param("text_encoder/transformers.py", id="transformers.py-in-text-encoder"),
    pytest.param("scheduler/deeper/still/evil.py", id="nested-py"),
    pytest.param("vae/compiled.cpython-311.pyc", id="pyc"),
]


def _plant(folder: Path, relative: str, marker: Path) -> Path:
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    return target


def _modules_cache_files() -> set[Path]:
    from diffusers.utils.constants import HF_MODULES_CACHE

    root = Path(HF_MODULES_CACHE)
    return set(root.rglob("*.py")) if root.exists() else set()


def _from(module, folder: Path) -> bool:
    return str(getattr(module, "__file__", None) or "").startswith(str(folder))


def _expected(relative: str) -> str:
    return (
        f"pipeline contains code ({relative}); Studio never runs code from model folders: "
        "delete that file or use a standard diffusers export."
    )


@pytest.mark.parametrize("relative", PLANTS)
def test_adding_a_folder_with_code_is_refused(pipeline_copy, tmp_path, marker, relative) -> None:
    _plant(pipeline_copy, relative, marker)
    registry = ModelRegistry(settings_for(builtin_dir=tmp_path / "none"))
    with pytest.raises(ModelLoadError) as refused:
        registry.inspect_path(pipeline_copy)
    assert str(refused.value) == _expected(relative)
    assert not marker.exists()


@pytest.mark.parametrize("relative", PLANTS)
def test_loading_a_folder_with_code_never_imports_or_copies_it(
    pipeline_copy, marker, relative
) -> None:
    import torch

    from studio.engine.sd.loading import load_pipeline

    _plant(pipeline_copy, relative, marker)
    cache_before = _modules_cache_files()
    info = ModelInfo(
        id=str(pipeline_copy),
        name="pipeline",
        family=ModelFamily.SD1,
        source=ModelSource.USER,
        format=ModelFormat.DIFFUSERS,
        location=str(pipeline_copy),
    )
    with pytest.raises(ModelLoadError) as refused:
        load_pipeline(info, torch.device("cpu"), torch.float32)
    assert str(refused.value) == _expected(relative)
    assert not marker.exists()
    assert not [m for m in list(sys.modules.values()) if _from(m, pipeline_copy)]
    assert _modules_cache_files() == cache_before


def test_generate_from_a_folder_with_code_is_one_line(
    pipeline_copy, tmp_path, marker, capsys
) -> None:
    _plant(pipeline_copy, "None.py", marker)
    code = main(["generate", "fox", "--model", str(pipeline_copy), "-o", str(tmp_path / "out.png")])
    err = capsys.readouterr().err
    assert code == 1
    assert err == f"studio generate: error: {_expected('None.py')}\n"
    assert not marker.exists()
    assert not (tmp_path / "out.png").exists()


def test_listing_skips_the_folder_and_keeps_the_others(pipeline_copy, tmp_path, marker) -> None:
    import shutil

    clean = Path(shutil.copytree(pipeline_copy, tmp_path / "models" / "clean"))
    _plant(pipeline_copy, "unet/diffusers.py", marker)
    registry = ModelRegistry(settings_for(tmp_path / "models", builtin_dir=tmp_path / "none"))
    assert [m.location for m in registry.models()] == [str(clean)]
    assert not marker.exists()
