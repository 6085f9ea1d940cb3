"""``studio generate`` refuses a bad ``--control-model`` / ``--reference-model`` / ``<lora:>``
in one line before the Stable Diffusion model loads (it took 45 s with the tiny model here).

The model is a checkpoint of the SD 1.x layout in an A1111 install, with no real weights, and
the diffusers loader is wrapped to count its calls: it must never be reached.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.png import encode_png
from tests.engine import header_files as files

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")


@pytest.fixture
def webui(tmp_path: Path) -> Path:
    """An A1111 install's ``models`` folder: the checkpoint, a ControlNet, an IP-Adapter."""
    models = tmp_path / "webui" / "models"
    files.checkpoint_sd1(models / "Stable-diffusion" / "fake-sd1.safetensors")
    files.controlnet(models / "ControlNet" / "control_sd15_canny.safetensors")
    files.ip_adapter(models / "ControlNet" / "ip-adapter_sd15.safetensors")
    files.image_encoder(models / "ControlNet" / "image_encoder")
    (tmp_path / "webui" / "webui.py").write_text("")
    return models


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from studio.engine.sd import diffusers_backend

    calls: list[str] = []

    def counting(info, *_args, **_kwargs):
        calls.append(info.name)
        raise AssertionError(f"{info.name} was loaded")

    monkeypatch.setattr(diffusers_backend, "load_diffusers_backend", counting)
    return calls


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line (the progress bar may have drawn its empty start above it)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err and "bug in Studio" not in err
    (line,) = [line for line in err.splitlines() if "error" in line]
    return line


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(encode_png(np.zeros((64, 64, 3), dtype=np.uint8)))
    return path


def _generate(webui: Path, tmp_path: Path, *extra: str) -> int:
    model = webui / "Stable-diffusion" / "fake-sd1.safetensors"
    args = ["generate", "a fox", "--model", str(model), "--size", "64x64", "--steps", "2"]
    return main([*args, *extra, "-o", str(tmp_path / "fox.png")])


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ("--control", "canny:{photo}", "--control-model", "{fifo}"),
            "canny.safetensors is a named pipe (FIFO), not a file: choose a regular file instead.",
        ),
        (
            ("--control", "canny:{photo}", "--control-model", "control_sd15_depth"),
            "No ControlNet named 'control_sd15_depth' in the model folders. Found: "
            "control_sd15_canny. Check the name (studio models lists them), or give the file's "
            "path.",
        ),
        (
            ("--reference", "{photo}", "--reference-model", "{truncated}"),
            "ip-adapter.safetensors is damaged or incomplete (the header runs past the end of "
            "the file): download it again.",
        ),
        (
            ("--reference", "{photo}", "--reference-model", "control_sd15_canny"),
            "No IP-Adapter named 'control_sd15_canny' in the model folders. Found: "
            "ip-adapter_sd15. Check the name (studio models lists them), or give the file's path.",
        ),
    ],
    ids=["control fifo", "control name", "reference truncated", "reference name"],
)
def test_a_bad_addon_flag_is_one_line_before_the_model_loads(
    webui, tmp_path, photo, loads, capsys, flags, expected
):
    names = {
        "photo": photo,
        "fifo": files.fifo(tmp_path / "canny.safetensors"),
        "truncated": files.truncated(tmp_path / "ip-adapter.safetensors"),
    }
    assert _generate(webui, tmp_path, *(flag.format(**names) for flag in flags)) == 1
    line = _error_line(capsys)
    assert line.startswith("studio generate: error: ") and line.endswith(expected)
    assert loads == []
    assert not (tmp_path / "fox.png").exists()


def test_a_lora_the_scan_skipped_says_why_before_the_model_loads(webui, tmp_path, loads, capsys):
    (webui / "Lora").mkdir()
    files.truncated(webui / "Lora" / "pixel-style.safetensors")
    model = webui / "Stable-diffusion" / "fake-sd1.safetensors"
    args = ["generate", "a fox <lora:pixel-style:1>", "--model", str(model), "--size", "64x64"]
    assert main([*args, "-o", str(tmp_path / "fox.png")]) == 1
    assert _error_line(capsys).endswith(
        "No usable LoRA add-on named 'pixel-style': the model folders skipped its file "
        "(pixel-style.safetensors is damaged or incomplete (the header runs past the end of the "
        "file): download it again). Replace or repair the file, or give another file's path."
    )
    assert loads == []


def test_a_batch_row_naming_a_bad_controlnet_fails_before_the_model_loads(
    webui, tmp_path, photo, loads, capsys
):
    fifo = files.fifo(tmp_path / "canny.safetensors")
    spec = tmp_path / "set.csv"
    spec.write_text(f"prompt,control,control_model\na fox,canny:{photo.name},{fifo}\n")
    model = webui / "Stable-diffusion" / "fake-sd1.safetensors"
    args = ["batch", str(spec), "--model", str(model), "--steps", "2", "--size", "64x64"]
    assert main([*args, "-o", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    assert "failed set.csv, line 2: canny.safetensors is a named pipe (FIFO), not a file" in err
    assert "Traceback" not in err
    assert loads == []
