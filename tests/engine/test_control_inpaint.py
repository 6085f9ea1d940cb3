"""ControlNets on an inpaint, SD 1.x and SDXL: diffusers' ControlNet inpaint pipelines made from
the warm inpaint one; weight 0 is the plain inpaint, weight 1 repaints the masked area
differently, the unmasked area is the source's, and "only masked" cuts the control image to the
box the model repaints.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.domain.control import ControlSpec
from studio.imaging.png import encode_png
from tests.engine.control_files import save_diffusers_folder, tiny_controlnet
from tests.engine.helpers import run_all, tiny_request
from tests.sd_fixtures import load_tiny_backend


@pytest.fixture(scope="module", params=["sd1", "sdxl"])
def backend(request, tmp_path_factory: pytest.TempPathFactory):
    """A warm tiny model of its own and a diffusers-folder ControlNet built from its UNet."""
    model_dir: Path = request.getfixturevalue(f"tiny_{request.param}_dir")
    root = tmp_path_factory.mktemp(f"control-{request.param}")
    loaded = load_tiny_backend(model_dir, root)
    save_diffusers_folder(tiny_controlnet(loaded.pipeline.unet), root / "canny-folder")
    loaded.test_controlnet = str(root / "canny-folder")
    yield loaded
    loaded.unload()


def _source() -> bytes:
    pixels = np.zeros((64, 64, 3), dtype=np.uint8)
    pixels[..., 0] = np.linspace(0, 255, 64, dtype=np.uint8)[None, :]
    pixels[..., 2] = 120
    return encode_png(pixels)


def _mask(top: int = 16, bottom: int = 48) -> np.ndarray:
    mask = np.zeros((64, 64), dtype=bool)
    mask[top:bottom, top:bottom] = True
    return mask


def _mask_png(mask: np.ndarray) -> bytes:
    return encode_png(np.repeat((mask * 255).astype(np.uint8)[..., None], 3, axis=2))


def _edges() -> bytes:
    pixels = np.zeros((64, 64, 3), dtype=np.uint8)
    pixels[16:48, 30:34] = 255
    pixels[30:34, 8:56] = 255
    return encode_png(pixels)


def _inpaint(backend, *, blur: int = 0, **control) -> np.ndarray:
    """An inpaint of the middle square; ``blur`` 0 (a hard edge) keeps every pixel outside."""
    units = (ControlSpec("canny", _edges(), backend.test_controlnet, **control),)
    request = tiny_request(
        init_image=_source(),
        mask_image=_mask_png(_mask()),
        strength=1.0,
        mask_blur=blur,
        controls=units if control else (),
    )
    return run_all(backend, request)[0].pixels.astype(int)


def test_weight_zero_is_the_plain_inpaint_and_weight_one_repaints_the_mask(backend):
    plain = _inpaint(backend)
    zero = _inpaint(backend, weight=0.0)
    one = _inpaint(backend, weight=1.0)
    masked = _mask()
    assert np.abs(zero - plain).max() <= 1
    assert np.abs(one - plain)[masked].mean() > 1.0
    source = np.asarray(_decoded(_source()), dtype=int)
    for image in (plain, zero, one):  # outside the mask the output is the source's pixels
        assert np.array_equal(image[~masked], source[~masked])


def test_a_feathered_mask_stays_soft_under_a_control(backend):
    """diffusers' ControlNet inpaint pipeline binarizes the mask; the warm one's soft mask
    processor is kept, so weight 0 is still the plain inpaint with a feathered edge."""
    plain = _inpaint(backend, blur=6)
    assert np.abs(_inpaint(backend, blur=6, weight=0.0) - plain).max() <= 1


def test_the_units_weight_start_and_end_reach_the_controlnet(backend):
    """4 steps, end 0.5, weight 0.7: the scale is 0.7 for two steps, then 0."""
    _inpaint(backend, weight=1.0)  # loads the ControlNet
    (controlnet,) = backend.controls._loaded.values()
    scales: list[float] = []
    sizes: list[tuple[int, int]] = []

    def record(_module, _args, kwargs):
        scales.append(round(float(kwargs["conditioning_scale"]), 3))
        sizes.append(tuple(kwargs["controlnet_cond"].shape[-2:]))

    hook = controlnet.register_forward_pre_hook(record, with_kwargs=True)
    try:
        unit = ControlSpec("canny", _edges(), backend.test_controlnet, weight=0.7, end=0.5)
        request = tiny_request(
            steps=4,
            strength=1.0,  # all 4 steps run (at 0.75 the fractions are of the 3 that do)
            init_image=_source(),
            mask_image=_mask_png(_mask()),
            controls=(unit,),
        )
        run_all(backend, request)
    finally:
        hook.remove()
    assert scales == [0.7, 0.7, 0.0, 0.0]
    assert set(sizes) == {(64, 64)}  # the control image at the request's size


def test_only_masked_cuts_the_control_image_to_the_repainted_box(backend):
    """A small mask in a corner: the model repaints a crop, and sees that crop of the control."""
    controlnet_inputs: list = []
    _inpaint(backend, weight=1.0)
    (controlnet,) = backend.controls._loaded.values()

    def record(_module, _args, kwargs):
        controlnet_inputs.append(kwargs["controlnet_cond"][0].clone())

    hook = controlnet.register_forward_pre_hook(record, with_kwargs=True)
    try:
        unit = ControlSpec("canny", _edges(), backend.test_controlnet)
        request = tiny_request(
            steps=1,
            strength=1.0,
            init_image=_source(),
            mask_image=_mask_png(_mask(0, 16)),
            only_masked=True,
            only_masked_padding=0,
            cfg_scale=1.0,
            controls=(unit,),
        )
        run_all(backend, request)
    finally:
        hook.remove()
    # The box is the top-left 16 px square, where the edges picture is all black: a control
    # image of the whole canvas would carry the white cross.
    (seen,) = controlnet_inputs
    assert float(seen.max()) < 0.1


def _decoded(data: bytes) -> np.ndarray:
    from studio.imaging.decode import load_pixels

    return load_pixels(data, mode="RGB")
