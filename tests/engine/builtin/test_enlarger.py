"""The learnt 2x enlarger: spandrel's Compact layout run in numpy, and where the backend uses it."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.domain.errors import DamagedModelError
from studio.domain.requests import GenerationRequest
from studio.engine.builtin.numpy_runtime.enlarger import ENLARGER_FILE, NumpyEnlarger


def _compact(seed: int = 0) -> torch.nn.Module:
    from spandrel.architectures.Compact import Compact

    torch.manual_seed(seed)
    model = Compact(num_in_ch=4, num_out_ch=4, num_feat=8, num_conv=2, upscale=2)
    with torch.no_grad():  # PReLU starts at 0.25 everywhere: make each channel differ
        for parameter in model.parameters():
            parameter.add_(0.1 * torch.randn(parameter.shape))
    return model.eval()


def _write_enlarger(folder: Path, model: torch.nn.Module) -> Path:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, folder / ENLARGER_FILE)
    return folder


def test_numpy_enlarger_matches_spandrels_compact(tmp_path) -> None:
    import spandrel

    model = _compact()
    folder = _write_enlarger(tmp_path, model)
    x = torch.rand(2, 4, 12, 12) * 2 - 1
    with torch.no_grad():
        expected = model(x).numpy()
    enlarger = NumpyEnlarger.load(folder)
    assert enlarger is not None
    assert np.allclose(enlarger.forward(x.numpy()), expected, atol=1e-5)
    # The same file is an ordinary 2x Compact model to spandrel (and to any tool built on it).
    loaded = spandrel.ModelLoader().load_from_file(folder / ENLARGER_FILE)
    assert loaded.scale == 2 and loaded.input_channels == 4


def test_a_folder_without_an_enlarger_has_none(tmp_path) -> None:
    assert NumpyEnlarger.load(tmp_path) is None


def test_a_file_of_another_layout_is_refused_in_one_line(tmp_path) -> None:
    from safetensors.numpy import save_file

    save_file({"body.0.weight": np.zeros((3, 3), np.float32)}, tmp_path / ENLARGER_FILE)
    with pytest.raises(DamagedModelError, match="not a Compact 2x enlarger"):
        NumpyEnlarger.load(tmp_path)
    (tmp_path / ENLARGER_FILE).write_bytes(b"not safetensors")
    with pytest.raises(DamagedModelError, match="damaged or incomplete"):
        NumpyEnlarger.load(tmp_path)


def test_wrapped_enlargement_keeps_a_tile_seamless(tmp_path) -> None:
    enlarger = NumpyEnlarger.load(_write_enlarger(tmp_path, _compact()))
    assert enlarger is not None
    tile = np.random.default_rng(0).uniform(-1, 1, (1, 4, 8, 8)).astype(np.float32)
    big = enlarger.forward(tile, wrap=(True, True))
    shifted = enlarger.forward(np.roll(tile, 3, axis=3), wrap=(True, True))
    # Circular padding: enlarging a rolled tile is the enlarged tile rolled (no seam anywhere).
    assert np.allclose(np.roll(big, 6, axis=3), shifted, atol=1e-5)


def _sprites(backend, **kwargs):
    values = {"prompt": "a red heart icon", "width": 32, "height": 32, "seed": 11, "steps": 4}
    request = GenerationRequest(**{**values, **kwargs})
    return list(backend.generate(request, lambda update: None, threading.Event()))


def _with_enlarger(backend, folder: Path):
    backend.enlarger = NumpyEnlarger.load(_write_enlarger(folder, _compact()))
    return backend


def test_sprites_are_enlarged_by_the_network_and_cut_crisp_after(builtin_backend_for, tmp_path):
    backend = _with_enlarger(builtin_backend_for("vae"), tmp_path)
    image = _sprites(backend)[0]
    pixels = image.pixels
    assert pixels.shape == (32, 32, 4)
    blocks = pixels[::2, ::2].repeat(2, 0).repeat(2, 1)
    assert not np.array_equal(blocks, pixels)  # not nearest neighbour
    assert set(np.unique(pixels[..., 3])) <= {0, 255}  # crisp after enlarging
    assert image.extra["enlarged"] == "learnt 2x enlarger"
    soft = _sprites(backend, alpha="soft")[0].pixels
    assert len(np.unique(soft[..., 3])) > 2


def test_pixel_art_and_native_size_keep_nearest_neighbour(builtin_backend_for, tmp_path):
    backend = _with_enlarger(builtin_backend_for("vae"), tmp_path)
    pixel_art = _sprites(backend, prompt="a red heart, pixel art")[0]
    blocks = pixel_art.pixels[::2, ::2].repeat(2, 0).repeat(2, 1)
    assert np.array_equal(blocks, pixel_art.pixels)
    assert pixel_art.extra["enlarged"] == "nearest neighbour"
    assert _sprites(backend, width=16, height=16)[0].extra["enlarged"] == "no"
