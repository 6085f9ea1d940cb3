"""LayerDiffuse end to end on a warm tiny SDXL model, from files of the published SDXL layouts
(``layer_xl_transparent_attn.safetensors`` and ``vae_transparent_decoder.safetensors``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import ModelLoadError
from studio.engine.sd.layerdiffuse import identify_layerdiffuse
from tests.engine.helpers import run_all, tiny_request
from tests.engine.layerdiffuse_files import (
    save_tensors,
    sd1_patch_tensors,
    sdxl_patch_tensors,
    warm_backend_with_files,
)

PATCH = "layer_xl_transparent_attn.safetensors"
DECODER = "vae_transparent_decoder.safetensors"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("Forge") / "models" / "layer_model"


@pytest.fixture(scope="module")
def backend(tiny_sdxl_dir: Path, folder: Path):
    """A warm tiny SDXL model of its own, with both SDXL LayerDiffuse files in its folder."""
    yield from warm_backend_with_files(tiny_sdxl_dir, folder, PATCH, DECODER, sdxl_patch_tensors)


def test_the_sdxl_patch_is_recognised_as_sdxl(backend, folder: Path) -> None:
    patch = identify_layerdiffuse(folder / PATCH)
    assert patch is not None
    assert (patch.part, patch.base) == ("latent transparency attention LoRA", "SDXL")


def test_an_sdxl_native_request_is_rgba_with_the_decoders_alpha(backend) -> None:
    before = {k: v.clone() for k, v in backend.pipeline.unet.state_dict().items()}
    (plain,) = run_all(backend, tiny_request(seed=3))
    (image,) = run_all(backend, tiny_request(seed=3, transparent="native"))
    assert plain.pixels.shape == (64, 64, 3) and image.pixels.shape == (64, 64, 4)
    alpha = image.pixels[..., 3]
    assert alpha.min() < alpha.max()  # a real alpha channel, not a constant
    assert image.extra["transparency"] == (
        "LayerDiffuse (layer_xl_transparent_attn, vae_transparent_decoder)"
    )
    patched = backend.pipeline.unet.state_dict()
    changed = {k for k in before if not np.array_equal(before[k].numpy(), patched[k].numpy())}
    # Both transformer blocks of the second level carry the patch (SDXL numbers them).
    for number in (0, 1):
        name = f"down_blocks.1.attentions.0.transformer_blocks.{number}.attn2.to_k.weight"
        assert name in changed
    assert all(".attn1." in k or ".attn2." in k for k in changed)
    (again,) = run_all(backend, tiny_request(seed=3))  # the patch comes off exactly
    assert np.array_equal(plain.pixels, again.pixels)


def test_the_sd15_patch_on_an_sdxl_model_is_one_line(backend, tiny_sd1_dir, tmp_path) -> None:
    from diffusers import UNet2DConditionModel

    from studio.engine.sd.layerdiffuse_patch import UnetPatch, read_patch

    sd1_unet = UNet2DConditionModel.from_pretrained(tiny_sd1_dir / "unet")
    path = save_tensors(
        sd1_patch_tensors(sd1_unet), tmp_path / "layer_sd15_transparent_attn.safetensors"
    )
    with pytest.raises(
        ModelLoadError, match=r"layer_sd15_transparent_attn\.safetensors does not fit"
    ):
        UnetPatch(backend.pipeline.unet, read_patch(path), path.name)
