"""``studio generate --reference FILE[:WEIGHT]``: read, recorded, and refused in one line."""

from __future__ import annotations

import pytest

from studio.cli import main
from studio.cli.reference_options import parse_reference
from studio.domain.errors import ImageReadError, InvalidRequestError
from studio.imaging.png import png_text_chunks
from tests.engine.reference_files import (
    ip_adapter_tensors,
    save_encoder_folder,
    save_ip_adapter,
    tiny_encoder,
)
from tests.sd_fixtures import write_picture

pytestmark = pytest.mark.usefixtures("one_thread")


def test_a_weight_after_the_last_colon_is_read(tmp_path) -> None:
    picture = write_picture(tmp_path / "hero.png")
    reference = parse_reference(f"{picture}:0.4", "ip-adapter_sd15")
    assert (reference.weight, reference.model, reference.source) == (
        0.4,
        "ip-adapter_sd15",
        "hero.png",
    )
    assert parse_reference(str(picture)).weight == 1.0


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("{dir}/hero.png:heavy", InvalidRequestError, "must be a number"),
        ("{dir}/hero.png:3", InvalidRequestError, "out of range"),
        ("{dir}/missing.png", ImageReadError, "missing.png"),
    ],
)
def test_bad_references_are_one_line(tmp_path, text, error, fragment) -> None:
    write_picture(tmp_path / "hero.png")
    with pytest.raises(error, match=fragment) as caught:
        parse_reference(text.format(dir=tmp_path))
    assert "\n" not in str(caught.value)


def test_no_ip_adapter_among_the_models_is_one_line(tiny_sd_dir, tmp_path, capsys) -> None:
    picture = write_picture(tmp_path / "hero.png")
    args = ["generate", "a fox", "--model", str(tiny_sd_dir), "--steps", "1", "--size", "64x64"]
    code = main([*args, "--reference", f"{picture}:0.5", "-o", str(tmp_path / "x.png")])
    assert code != 0
    # The progress bar had begun (the model loads first); the reason is the one last line.
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "No IP-Adapter for sd1 among your models" in last and "Traceback" not in last
    assert not (tmp_path / "x.png").exists()


def test_the_reference_is_used_and_recorded(tiny_sd_dir, tmp_path) -> None:
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(tiny_sd_dir / "unet")
    encoder = tiny_encoder()
    adapter = save_ip_adapter(
        ip_adapter_tensors(unet, encoder), tmp_path / "models" / "ip-adapter_sd15.safetensors"
    )
    save_encoder_folder(encoder, tmp_path / "models" / "image_encoder")
    picture = write_picture(tmp_path / "hero.png")
    out = tmp_path / "out.png"
    args = ["generate", "a fox", "--model", str(tiny_sd_dir), "--steps", "1", "--size", "64x64"]
    extra = ["--seed", "3", "--reference", f"{picture}:0.7", "--reference-model", str(adapter)]
    assert main([*args, *extra, "-o", str(out)]) == 0
    parameters = png_text_chunks(out.read_bytes())["parameters"]
    assert 'IP-Adapter 0: "Model: ip-adapter_sd15 [' in parameters
    assert "Weight: 0.7, Image hash: " in parameters and "Source: hero.png" in parameters
