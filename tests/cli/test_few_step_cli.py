"""``studio generate`` with a few-step LoRA: its preset is used, said on stderr, recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio.cli import main
from studio.imaging.png import png_text_chunks

pytestmark = [pytest.mark.usefixtures("one_thread"), pytest.mark.slow]


def _generate_with_lightning(webui: Path, out: Path, capsys, *extra: str) -> str:
    """Generate with the Lightning 4-step LoRA tagged; return what the command wrote to stderr."""
    # The published name of the 4-step LoRA; its weights are the tiny model's test LoRA.
    loras = webui.parent.parent / "Lora"
    shutil.copy(loras / "style.safetensors", loras / "sdxl_lightning_4step_lora.safetensors")
    prompt = "a fox <lora:sdxl_lightning_4step_lora:1>"
    args = ["generate", prompt, "--model", str(webui), "--size", "64x64", *extra, "-o", str(out)]
    assert main(args) == 0
    return capsys.readouterr().err


def test_a_lightning_lora_sets_its_preset_says_so_and_the_recipe_records_it(
    lora_webui: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "fast.png"
    err = _generate_with_lightning(lora_webui, out, capsys, "--seed", "3")
    assert "studio generate: note: Lightning 4-step LoRA: 4 steps, CFG 1, Euler trailing" in err
    text = png_text_chunks(out)["parameters"]
    assert "Steps: 4, Sampler: Euler trailing, CFG scale: 1" in text


def test_explicit_steps_are_kept_and_the_note_says_so(
    lora_webui: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "kept.png"
    err = _generate_with_lightning(lora_webui, out, capsys, "--steps", "2")
    assert "CFG 1, Euler trailing (your steps kept)" in err
    assert "Steps: 2, Sampler: Euler trailing" in png_text_chunks(out)["parameters"]
