"""``studio generate`` with LoRA tags: applied, written in the recipe, and one line when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.cli import main
from studio.imaging.png import png_text_chunks

pytestmark = pytest.mark.usefixtures("one_thread")


def _generate(model: Path, out: Path, prompt: str) -> int:
    args = ["generate", prompt, "--model", str(model), "--steps", "2", "--size", "64x64"]
    return main([*args, "--seed", "3", "-o", str(out)])


def test_a_tagged_lora_is_applied_and_recorded(lora_webui: Path, tmp_path: Path) -> None:
    out = tmp_path / "styled.png"

    assert _generate(lora_webui, out, "a fox <lora:style:0.7>") == 0

    text = png_text_chunks(out)["parameters"]
    assert text.startswith("a fox <lora:style:0.7>\n")
    assert 'Lora hashes: "style: ' in text


@pytest.mark.parametrize(
    ("tag", "fragment"),
    [
        ("<lora:missing:1>", "No LoRA add-on named 'missing' in the model folders"),
        ("<lora:xl:1>", "xl is an SDXL LoRA and tiny is SD 1.x"),
        ("<lora:style:abc>", "has the weight 'abc'"),
    ],
)
def test_a_lora_that_cannot_apply_is_one_line(
    lora_webui: Path, tmp_path: Path, capsys, tag: str, fragment: str
) -> None:
    out = tmp_path / "x.png"

    assert _generate(lora_webui, out, f"a fox {tag}") != 0

    # Before it, only the model's loading progress (carriage-return updates) is on stderr.
    err = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in err if "error" in line]
    assert errors == [err[-1]], err
    assert err[-1].startswith("studio generate: error: ")
    assert fragment in err[-1]
    assert not out.exists()


@pytest.mark.parametrize(
    ("tag", "fragment"),
    [
        ("<lora:style:0.7>", "<lora:style> needs a Stable Diffusion model"),
        ("<lora:style:abc>", "has the weight 'abc'"),
    ],
)
def test_a_lora_tag_on_a_builtin_model_is_one_line_not_prompt_text(
    tmp_path: Path, capsys, tag: str, fragment: str
) -> None:
    """The built-in models cannot apply LoRAs; the tag must not be drawn as words either."""
    out = tmp_path / "x.png"

    assert main(["generate", f"a fox {tag}", "--model", "builtin-vae", "-o", str(out)]) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("studio generate: error: ") and fragment in err[-1], err
    assert not out.exists()
