"""The numpy runtime draws the same sprites as the torch runtime, seed for seed.

A user's recipe must re-run to the same pixels whichever runtime their machine picks (numpy on
the CPU, torch on a GPU), so every test here compares the two on the same saved tiny model.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from studio.domain.requests import GenerationRequest

ONE_PASS = ("vae", "gan")
EDITS = {
    "plain": {},
    "negative prompt": {"negative_prompt": "blue square"},
    "variation": {"variation_seed": 99, "variation_strength": 0.4},
    "tile x": {"tile_x": True},
    "tile x and y": {"tile_x": True, "tile_y": True},
    "crisp alpha": {"alpha": "crisp"},
}


def _request(**kwargs) -> GenerationRequest:
    values = {"prompt": "a red heart icon", "width": 32, "height": 32, "seed": 11}
    return GenerationRequest(**{**values, **kwargs, "batch_count": 2})


def _images(backend, request):
    return list(backend.generate(request, lambda update: None, threading.Event()))


@pytest.fixture
def both_runtimes(builtin_model_dirs, builtin_backend_for):
    from studio.engine.builtin import discover_builtin_models
    from studio.engine.builtin.backend import BuiltinBackend
    from studio.engine.builtin.numpy_runtime.sampler import NumpySampler

    def build(family: str):
        folder = builtin_model_dirs[family]
        info = next(i for i in discover_builtin_models(folder.parent) if i.location == str(folder))
        return BuiltinBackend(info, NumpySampler.load(folder), "test"), builtin_backend_for(family)

    return build


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
@pytest.mark.parametrize("family", ONE_PASS)
def test_numpy_and_torch_runtimes_draw_the_same_sprites(family, edit, both_runtimes) -> None:
    numpy_backend, torch_backend = both_runtimes(family)
    request = _request(**EDITS[edit])
    ours, theirs = _images(numpy_backend, request), _images(torch_backend, request)
    for a, b in zip(ours, theirs, strict=True):
        assert a.pixels.shape == b.pixels.shape == (32, 32, 4)
        difference = np.abs(a.pixels.astype(int) - b.pixels.astype(int))
        # float32 sums in another order may move a rounding by one level, nothing more
        assert difference.max() <= 1 and (difference > 0).mean() < 0.01
        assert a.extra == b.extra and a.request == b.request
    assert not np.array_equal(ours[0].pixels, ours[1].pixels)  # two seeds, two sprites


def test_torch_compatible_noise_matches_torch_randn() -> None:
    from studio.engine.builtin.numpy_runtime.torch_noise import torch_randn

    for shape in [(1, 64), (1, 128), (2, 4, 8, 8), (1, 8), (3,), (1, 17), (16,)]:
        for seed in (0, 1, 11, 123456789, 2**32 - 1):
            expected = torch.randn(shape, generator=torch.Generator().manual_seed(seed)).numpy()
            np.testing.assert_allclose(torch_randn(shape, seed), expected, rtol=0, atol=2e-6)


def test_numpy_text_encoder_matches_the_torch_encoder(builtin_encoder) -> None:
    from studio.engine.builtin.numpy_runtime.text import NumpyTextEncoder

    texts = ["a golden sword, pixel art", "", "🐉 dragon", "x " * 60]
    ours = NumpyTextEncoder.load().encode(texts)
    theirs = builtin_encoder.encode(texts)
    np.testing.assert_allclose(ours.pooled, theirs.pooled.numpy(), atol=2e-5)
    np.testing.assert_allclose(ours.tokens, theirs.tokens.numpy(), atol=2e-4)
    assert np.array_equal(ours.mask, theirs.mask.numpy())
    assert ours.truncated == theirs.truncated == (False, False, False, True)


def test_slerp_is_exact_at_both_ends_and_stays_on_the_sphere() -> None:
    from studio.engine.editing.slerp import slerp

    rng = np.random.default_rng(0)
    low, high = (
        rng.standard_normal(4096).astype(np.float32),
        rng.standard_normal(4096).astype(np.float32),
    )
    assert slerp(0.0, low, high) is low and slerp(1.0, low, high) is high
    middle = slerp(0.5, low, high)
    assert middle.dtype == np.float32
    assert abs(np.linalg.norm(middle) / np.linalg.norm(low) - 1.0) < 0.05


def test_a_damaged_weights_file_is_one_clear_error(builtin_model_dirs, tmp_path) -> None:
    import shutil

    from studio.domain.errors import DamagedModelError
    from studio.engine.builtin.numpy_runtime.sampler import NumpySampler

    folder = tmp_path / "tiny-vae"
    shutil.copytree(builtin_model_dirs["vae"], folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(DamagedModelError, match=r"model\.safetensors .*reinstall"):
        NumpySampler.load(folder)


def test_the_cpu_runs_one_pass_families_on_numpy_and_a_gpu_on_torch() -> None:
    from studio.engine.builtin.loader import runs_on_numpy

    assert runs_on_numpy("vae", "cpu") and runs_on_numpy("gan", "auto")
    assert runs_on_numpy("vae", torch.device("cpu"))
    assert not runs_on_numpy("vae", "cuda") and not runs_on_numpy("vae", torch.device("mps"))
    assert not runs_on_numpy("diffusion", "cpu") and not runs_on_numpy("ar", "auto")


# Over 32 tokens, but every word past "heart" is a style word the icon lookup leaves out.
LONG_STYLE_PROMPT = "a red heart" + ", flat" * 40


def test_a_long_prompt_warns_only_where_its_words_go_unread(both_runtimes) -> None:
    for family in ONE_PASS:
        for backend in both_runtimes(family):
            request = GenerationRequest(LONG_STYLE_PROMPT, width=32, height=32, seed=1)
            (image,) = _images(backend, request)
            warned = any("longer than the 32 tokens" in text for text in image.warnings)
            # The GAN reads the prompt itself; the VAE with its icon bank reads a caption
            # made from the prompt's colours, the icon's name and the style word, and looks
            # the icon up by "heart" alone: nothing it reads was cut.
            assert warned == (family == "gan"), family


def test_a_bank_model_never_encodes_the_prompt_itself(both_runtimes, monkeypatch) -> None:
    for backend in both_runtimes("vae"):
        sampler = backend.sampler
        encoder = getattr(sampler, "_encoder", None) or sampler.encoder
        encoded: list[str] = []
        real = encoder.encode

        def spy(texts, real=real, encoded=encoded):
            encoded.extend(texts)
            return real(texts)

        monkeypatch.setattr(encoder, "encode", spy)
        (image,) = _images(backend, GenerationRequest("a red heart icon", seed=4))
        assert "a red heart icon" not in encoded  # only its subject and the caption read
        assert "heart" in encoded and image.extra["Read as"] in encoded
