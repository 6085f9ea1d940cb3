"""``studio generate`` with a few-step LoRA: its preset is used, said on stderr, recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio.cli import main
from studio.imaging.png import png_text_chunks
from tests.cli.test_generate_lora_cli import webui  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.usefixtures("one_thread"), pytest.mark.slow]


def _lightning(webui: Path) -> None:  # noqa: F811
    # The published name of the 4-step LoRA; its weights are the tiny model's test LoRA.
    loras = webui.parent.parent / "Lora"
    shutil.copy(loras / "style.safetensors", loras / "sdxl_lightning_4step_lora.safetensors")


def test_a_lightning_lora_sets_its_preset_says_so_and_the_recipe_records_it(
    webui: Path,  # noqa: F811
    tmp_path: Path,
    capsys,
) -> None:
    _lightning(webui)
    out = tmp_path / "fast.png"
    prompt = "a fox <lora:sdxl_lightning_4step_lora:1>"
    args = ["generate", prompt, "--model", str(webui), "--size", "64x64", "--seed", "3"]

    assert main([*args, "-o", str(out)]) == 0

    err = capsys.readouterr().err
    assert "studio generate: note: Lightning 4-step LoRA: 4 steps, CFG 1, Euler trailing" in err
    text = png_text_chunks(out)["parameters"]
    assert "Steps: 4, Sampler: Euler trailing, CFG scale: 1" in text


def test_explicit_steps_are_kept_and_the_note_says_so(
    webui: Path,  # noqa: F811
    tmp_path: Path,
    capsys,
) -> None:
    _lightning(webui)
    out = tmp_path / "kept.png"
    prompt = "a fox <lora:sdxl_lightning_4step_lora:1>"
    args = ["generate", prompt, "--model", str(webui), "--size", "64x64", "--steps", "2"]

    assert main([*args, "-o", str(out)]) == 0

    assert "CFG 1, Euler trailing (your steps kept)" in capsys.readouterr().err
    assert "Steps: 2, Sampler: Euler trailing" in png_text_chunks(out)["parameters"]
