"""LayerDiffuse run on a warm tiny SD 1.x model, from files of the published layouts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import InvalidRequestError, ModelLoadError, ModelNotFoundError
from studio.engine.sd.layerdiffuse import identify_layerdiffuse
from tests.engine.helpers import run_all, tiny_request
from tests.engine.layerdiffuse_files import (
    save_tensors,
    sd1_patch_tensors,
    warm_backend_with_files,
)

PATCH = "layer_sd15_transparent_attn.safetensors"
DECODER = "layer_sd15_vae_transparent_decoder.safetensors"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ComfyUI") / "models" / "layer_model"


@pytest.fixture(scope="module")
def backend(tiny_sd1_dir: Path, folder: Path):
    """A warm tiny SD 1.x model of its own, with both LayerDiffuse files in its model folder."""
    yield from warm_backend_with_files(tiny_sd1_dir, folder, PATCH, DECODER, sd1_patch_tensors)


def _unet_state(backend) -> dict:
    return {k: v.clone() for k, v in backend.pipeline.unet.state_dict().items()}


def test_the_files_are_the_layerdiffuse_parts_studio_recognises(backend, folder: Path) -> None:
    decoder = identify_layerdiffuse(folder / DECODER)
    patch = identify_layerdiffuse(folder / PATCH)
    assert decoder is not None and decoder.part == "transparent decoder"
    assert patch is not None and (patch.part, patch.base) == (
        "latent transparency attention LoRA",
        "SD 1.5",
    )


def test_native_gives_rgba_from_the_decoder_and_the_recipe_says_so(backend) -> None:
    (plain,) = run_all(backend, tiny_request(seed=3))
    (image,) = run_all(backend, tiny_request(seed=3, transparent="native"))
    assert plain.pixels.shape[2] == 3 and image.pixels.shape == (64, 64, 4)
    alpha = image.pixels[..., 3]
    assert alpha.min() < alpha.max()  # a real alpha channel, not a constant
    assert image.extra["transparency"] == (
        "LayerDiffuse (layer_sd15_transparent_attn, layer_sd15_vae_transparent_decoder)"
    )
    assert image.request.transparent == "native" and image.request.transparent_background


def test_the_patch_changes_the_output_and_comes_off_exactly(backend) -> None:
    (plain,) = run_all(backend, tiny_request(seed=4))  # takes off what an earlier test left
    before = _unet_state(backend)
    (native,) = run_all(backend, tiny_request(seed=4, transparent="native"))
    patched = backend.pipeline.unet.state_dict()
    changed = [k for k in before if not np.array_equal(before[k].numpy(), patched[k].numpy())]
    assert "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight" in changed
    assert all(".attn1." in k or ".attn2." in k for k in changed)
    # The patched UNet sampled a different image (the decoder's colour follows it).
    assert not np.array_equal(plain.pixels, native.pixels[..., :3])
    (again,) = run_all(backend, tiny_request(seed=4))
    after = backend.pipeline.unet.state_dict()
    assert all(np.array_equal(before[k].numpy(), after[k].numpy()) for k in before)
    assert np.array_equal(plain.pixels, again.pixels)


def test_native_refuses_an_inpaint_in_one_line(backend) -> None:
    from studio.imaging.png import encode_png

    image = encode_png(np.zeros((64, 64, 3), np.uint8))
    mask = encode_png(np.full((64, 64, 3), 255, np.uint8))
    request = tiny_request(init_image=image, mask_image=mask, transparent="native")
    with pytest.raises(InvalidRequestError, match="native makes whole images"):
        run_all(backend, request)


def test_a_patch_for_another_model_is_one_line_and_leaves_the_unet(backend, tmp_path) -> None:
    import torch

    from studio.engine.sd.layerdiffuse_patch import UnetPatch, read_patch

    before = _unet_state(backend)
    wrong = {"diffusion_model.input_blocks.1.1.proj_in.weight::diff::0": torch.ones(3, 3)}
    path = save_tensors(wrong, tmp_path / "layer_xl_transparent_conv.safetensors")
    with pytest.raises(ModelLoadError, match="does not fit this model"):
        UnetPatch(backend.pipeline.unet, read_patch(path), path.name)
    missing = {"diffusion_model.input_blocks.9.1.nothing.weight::diff::0": torch.ones(3)}
    path = save_tensors(missing, tmp_path / "other.safetensors")
    with pytest.raises(ModelLoadError, match=r"other.safetensors does not fit this model \(no"):
        UnetPatch(backend.pipeline.unet, read_patch(path), path.name)
    after = backend.pipeline.unet.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_a_weight_offset_patch_merges_and_restores(backend, tmp_path) -> None:
    import torch

    from studio.engine.sd.layerdiffuse_patch import UnetPatch, read_patch

    unet = backend.pipeline.unet
    before = unet.conv_in.weight.detach().clone()
    offset = torch.full(tuple(before.shape), 0.25)
    path = save_tensors({"diffusion_model.input_blocks.0.0.weight::diff::0": offset},
                        tmp_path / "conv.safetensors")  # fmt: skip
    patch = UnetPatch(unet, read_patch(path), path.name)
    assert torch.allclose(unet.conv_in.weight, before + 0.25)
    patch.remove()
    assert torch.equal(unet.conv_in.weight, before)


@pytest.mark.parametrize(
    "tensors",
    [{"some.weight": (3,)}, {"diffusion_model.x.weight::lokr::0": (3,)}],
)
def test_a_file_that_is_no_patch_is_one_line(tmp_path, tensors) -> None:
    import torch

    from studio.engine.sd.layerdiffuse_patch import read_patch

    path = save_tensors({k: torch.ones(s) for k, s in tensors.items()}, tmp_path / "p.safetensors")
    with pytest.raises(ModelLoadError, match=r"p\.safetensors is not a LayerDiffuse patch"):
        read_patch(path)


def test_a_decoder_of_another_layout_is_one_line(tmp_path) -> None:
    import torch

    from studio.engine.sd.layerdiffuse_decoder import load_transparent_decoder

    tensors = {"conv_in.weight": torch.ones(4, 3, 3, 3), "conv_out.weight": torch.ones(4, 4, 3, 3)}
    path = save_tensors(tensors, tmp_path / "vae_transparent_decoder.safetensors")
    with pytest.raises(ModelLoadError, match="is not a LayerDiffuse transparent decoder"):
        load_transparent_decoder(path)


def test_native_without_the_files_names_them(sd1_backend) -> None:
    with pytest.raises(
        ModelNotFoundError,
        match=r"layer_sd15_transparent_attn\.safetensors and "
        r"layer_sd15_vae_transparent_decoder\.safetensors among your models",
    ):
        run_all(sd1_backend, tiny_request(transparent="native"))
