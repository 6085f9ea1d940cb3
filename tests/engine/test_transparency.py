"""SD "Transparent background": prompts, keying, the backend path, LayerDiffuse detection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from studio.engine.sd.layerdiffuse import identify_layerdiffuse
from studio.engine.sd.transparency import (
    BACKGROUND_WORDS,
    UNEVEN_BACKGROUND,
    key_out_background,
    transparent_prompts,
)

from .helpers import run_all, tiny_request


def test_prompts_gain_the_background_words() -> None:
    positive, negative = transparent_prompts("a red slime", "")
    assert positive == f"a red slime, {BACKGROUND_WORDS}" and "#00FF00" in positive
    assert "shadow" in negative and "gradient background" in negative
    assert transparent_prompts("", "blurry")[1].startswith("blurry, ")


def test_an_image_on_model_green_is_keyed() -> None:
    image = np.zeros((48, 48, 3), dtype=np.uint8)
    image[...] = (8, 162, 24)
    image[12:36, 14:34] = (230, 60, 40)
    rgba, warnings, extra = key_out_background(image)
    assert warnings == () and extra["transparency"].startswith("key #08a218")
    assert rgba[24, 24, 3] == 255 and rgba[0, 0, 3] == 0


def test_an_uneven_background_is_kept_opaque_with_a_warning() -> None:
    noise = np.random.default_rng(0).integers(0, 256, (48, 48, 3)).astype(np.uint8)
    pixels, warnings, extra = key_out_background(noise)
    assert pixels is noise and warnings == (UNEVEN_BACKGROUND,)
    assert extra == {"transparency": "kept opaque"}


def test_the_backend_keys_or_says_why_not(sd1_backend) -> None:
    (plain,) = run_all(sd1_backend, tiny_request(seed=5))
    (image,) = run_all(sd1_backend, tiny_request(seed=5, transparent_background=True))
    assert image.request.transparent_background is True
    # A random tiny model paints no flat green: the result says it stayed opaque.
    if image.pixels.shape[2] == 4:
        assert image.extra["transparency"].startswith("key #")
    else:
        assert UNEVEN_BACKGROUND in image.warnings
    # The background words changed what was sampled.
    assert not np.array_equal(plain.pixels[..., :3], image.pixels[..., :3])


_ATTN = "diffusion_model.input_blocks"
_BLOCK = "transformer_blocks.0.attn1"


def _write(path: Path, tensors: dict[str, tuple[int, ...]]) -> Path:
    generator = torch.Generator().manual_seed(0)
    save_file({k: torch.randn(shape, generator=generator) for k, shape in tensors.items()}, path)
    return path


@pytest.mark.parametrize(
    ("tensors", "part", "base"),
    [
        (
            {
                "conv_in.weight": (32, 3, 3, 3),
                "latent_conv_in.weight": (64, 4, 1, 1),
                "down_blocks.0.resnets.0.conv1.weight": (32, 32, 3, 3),
                "mid_block.attentions.0.to_q.weight": (8, 8),
                "conv_out.weight": (4, 32, 3, 3),
            },
            "transparent decoder",
            "any",
        ),
        (
            {f"blocks.{i}.weight": (4 if i == 16 else 8, 4, 3, 3) for i in range(0, 17, 2)},
            "latent transparency encoder",
            "any",
        ),
        (
            {
                f"{_ATTN}.4.1.{_BLOCK}.to_q.weight::lora::0": (8, 4),
                f"{_ATTN}.4.1.{_BLOCK}.to_q.weight::lora::1": (4, 8),
            },
            "latent transparency attention LoRA",
            "SDXL",
        ),
        (
            {
                f"{_ATTN}.1.1.{_BLOCK}.to_k.weight::lora::0": (8, 4),
                f"{_ATTN}.1.1.{_BLOCK}.to_k.weight::lora::1": (4, 8),
            },
            "latent transparency attention LoRA",
            "SD 1.5",
        ),
        (
            {"diffusion_model.input_blocks.0.0.weight::diff::0": (320, 4, 3, 3)},
            "latent transparency weight offsets",
            "SDXL",
        ),
    ],
)
def test_layerdiffuse_files_are_recognised_by_their_key_names(
    tmp_path: Path, tensors, part: str, base: str
) -> None:
    found = identify_layerdiffuse(_write(tmp_path / "ld.safetensors", tensors))
    assert (found.part, found.base) == (part, base)
    assert "used by Transparent background: native" in found.describe("ld.safetensors")


def test_other_files_are_not_layerdiffuse(tmp_path: Path) -> None:
    lora = {"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight": (4, 320)}
    assert identify_layerdiffuse(_write(tmp_path / "lora.safetensors", lora)) is None


def test_adding_a_layerdiffuse_file_as_a_model_says_what_it_is(tmp_path: Path) -> None:
    from studio.domain.errors import ModelLoadError
    from studio.engine.sd.detect import detect_file

    path = _write(
        tmp_path / "vae_transparent_decoder.safetensors",
        {"conv_in.weight": (32, 3, 3, 3), "latent_conv_in.weight": (64, 4, 1, 1),
         "conv_out.weight": (4, 32, 3, 3)},
    )  # fmt: skip
    with pytest.raises(ModelLoadError, match="LayerDiffuse transparent decoder for any; used by"):
        detect_file(path)


def test_pixels_that_have_alpha_already_are_kept_and_the_recipe_says_so() -> None:
    rgba = np.zeros((48, 48, 4), dtype=np.uint8)
    rgba[12:36, 14:34] = (230, 60, 40, 255)
    pixels, warnings, extra = key_out_background(rgba)
    assert warnings == () and extra == {"transparency": "kept alpha"}
    assert np.array_equal(pixels[..., 3], rgba[..., 3])
