"""Canvas edits on the tiny SD model: variations, inpainting (also 9-channel), tiling."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from studio.domain.errors import InvalidRequestError
from studio.domain.settings import EngineSettings

from .helpers import run_all, tiny_request


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _photo(size: int = 64) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    rgb = np.stack([x * 255 // size, y * 255 // size, (x + y) * 127 // size], axis=-1)
    return rgb.astype(np.uint8)


def _square_mask(size: int = 64, lo: int = 20, hi: int = 44) -> np.ndarray:
    mask = np.zeros((size, size), dtype=np.uint8)
    mask[lo:hi, lo:hi] = 255
    return mask


# --- variations ---------------------------------------------------------------------------


def test_variation_strength_0_is_the_seed_and_1_is_the_variation_seed(sd1_backend) -> None:
    request = tiny_request(sampler="Euler", seed=5)
    (parent,) = run_all(sd1_backend, request)
    (sub,) = run_all(sd1_backend, tiny_request(sampler="Euler", seed=9))
    (zero,) = run_all(sd1_backend, tiny_request(sampler="Euler", seed=5, variation_seed=9))
    (one,) = run_all(
        sd1_backend,
        tiny_request(sampler="Euler", seed=5, variation_seed=9, variation_strength=1.0),
    )
    (half,) = run_all(
        sd1_backend,
        tiny_request(sampler="Euler", seed=5, variation_seed=9, variation_strength=0.5),
    )
    assert np.array_equal(zero.pixels, parent.pixels)
    assert np.array_equal(one.pixels, sub.pixels)
    assert not np.array_equal(half.pixels, parent.pixels)
    assert not np.array_equal(half.pixels, sub.pixels)


def test_variations_of_one_parent_keep_its_seed_and_count_the_variation_seed(
    sd1_backend,
) -> None:
    images = run_all(
        sd1_backend,
        tiny_request(seed=5, variation_seed=100, variation_strength=0.3, batch_count=3),
    )
    assert [(i.request.seed, i.request.variation_seed) for i in images] == [
        (5, 100),
        (5, 101),
        (5, 102),
    ]
    (again,) = run_all(
        sd1_backend, tiny_request(seed=5, variation_seed=101, variation_strength=0.3)
    )
    assert np.array_equal(again.pixels, images[1].pixels)  # each variation replays alone


def test_variation_of_an_init_image_is_refused_with_a_hint(sd1_backend) -> None:
    request = tiny_request(init_image=png_bytes(_photo()), variation_seed=3, variation_strength=0.5)
    with pytest.raises(InvalidRequestError, match="Variations"):
        run_all(sd1_backend, request)


# --- inpainting -----------------------------------------------------------------------------


@pytest.mark.parametrize("blur", [0, 4])
def test_inpaint_keeps_every_pixel_outside_the_feathered_mask(sd1_backend, blur: int) -> None:
    from studio.imaging.masks import feather

    photo = _photo()
    mask = _square_mask()
    request = tiny_request(
        init_image=png_bytes(photo), mask_image=png_bytes(mask), strength=1.0, mask_blur=blur
    )
    (image,) = run_all(sd1_backend, request)
    assert image.pixels.shape == photo.shape
    feathered = feather(mask.astype(np.float32) / 255.0, blur)
    outside = feathered <= 0
    assert outside.sum() > 1000
    assert np.array_equal(image.pixels[outside], photo[outside])
    inside = feathered >= 1.0
    assert not np.array_equal(image.pixels[inside], photo[inside])  # the model repainted it


def test_only_masked_inpaints_a_crop_of_a_larger_canvas(sd1_backend) -> None:
    canvas = np.concatenate([_photo(64), _photo(64)[:, ::-1]], axis=1)  # 128x64
    mask = np.zeros((64, 128), dtype=np.uint8)
    mask[24:40, 100:116] = 255
    request = tiny_request(
        init_image=png_bytes(canvas),
        mask_image=png_bytes(mask),
        strength=1.0,
        only_masked=True,
        only_masked_padding=8,
        mask_blur=0,
    )
    (image,) = run_all(sd1_backend, request)
    assert image.pixels.shape == canvas.shape  # the canvas size, not the 64x64 generation
    outside = mask == 0
    assert np.array_equal(image.pixels[outside], canvas[outside])
    assert not np.array_equal(image.pixels[24:40, 100:116], canvas[24:40, 100:116])


def test_empty_or_wrong_sized_mask_is_one_clear_error(sd1_backend) -> None:
    photo = png_bytes(_photo())
    empty = tiny_request(init_image=photo, mask_image=png_bytes(np.zeros((64, 64), np.uint8)))
    with pytest.raises(InvalidRequestError, match="mask is empty"):
        run_all(sd1_backend, empty)
    wrong = tiny_request(init_image=photo, mask_image=png_bytes(_square_mask(32, 4, 20)))
    with pytest.raises(InvalidRequestError, match="32x32 but the image is 64x64"):
        run_all(sd1_backend, wrong)


@pytest.fixture(scope="module")
def inpainting_backend(tmp_path_factory: pytest.TempPathFactory, tiny_sd1_dir: Path):
    from studio.bench.tiny_models import build_tiny_pipeline, export_single_file
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    folder = build_tiny_pipeline(
        tmp_path_factory.mktemp("inpaint") / "tiny-sd1-inpainting", "sd1", inpainting=True
    )
    single = export_single_file(folder, folder.parent / "tiny-sd1-inpainting.safetensors")
    registry = ModelRegistry(EngineSettings(scan_hf_cache=False))
    # The single file is built with the ordinary (4-channel) tiny configs: the loader must
    # read the 9 input channels from the weights themselves.
    backends = [
        load_diffusers_backend(
            registry.inspect_path(path), torch.device("cpu"), torch.float32, config_dir=configs
        )
        for path, configs in ((folder, None), (single, tiny_sd1_dir))
    ]
    yield backends
    for backend in backends:
        backend.unload()


def test_nine_channel_inpainting_models_load_from_folder_and_file_and_inpaint(
    inpainting_backend, tiny_sd1_dir: Path
) -> None:
    photo, mask = _photo(), _square_mask()
    request = tiny_request(
        init_image=png_bytes(photo), mask_image=png_bytes(mask), strength=1.0, mask_blur=0
    )
    for backend in inpainting_backend:
        assert backend.pipeline.unet.config.in_channels == 9
        (image,) = run_all(backend, request)
        outside = mask == 0
        assert np.array_equal(image.pixels[outside], photo[outside])
        with pytest.raises(InvalidRequestError, match="inpainting model"):
            run_all(backend, tiny_request())


# --- tiling ---------------------------------------------------------------------------------


def _convs(backend):
    pipe = backend.pipeline
    return [
        m
        for net in (pipe.unet, pipe.vae)
        for m in net.modules()
        if isinstance(m, torch.nn.Conv2d) and any(p > 0 for p in m.padding)
    ]


def test_every_conv_wraps_during_a_tiled_job_and_none_after(sd1_backend) -> None:
    convs = _convs(sd1_backend)
    seen: list[bool] = []

    def on_progress(_update) -> None:
        seen.append(all(c.padding_mode == "circular" for c in convs))

    import threading

    images = list(
        sd1_backend.generate(tiny_request(tile_x=True, tile_y=True), on_progress, threading.Event())
    )
    assert images and seen and all(seen[1:])  # every step ran with wrapped convolutions
    assert all(c.padding_mode == "zeros" for c in convs)
    assert all("_conv_forward" not in c.__dict__ for c in convs)


def test_tiled_output_differs_from_plain_and_recipe_records_axes(sd1_backend) -> None:
    (plain,) = run_all(sd1_backend, tiny_request(seed=4))
    (tiled,) = run_all(sd1_backend, tiny_request(seed=4, tile_x=True))
    assert not np.array_equal(plain.pixels, tiled.pixels)
    assert tiled.request.tile_x and not tiled.request.tile_y
