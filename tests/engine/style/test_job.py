"""run_style_job: identity at strength 0, alpha kept, masks, colours, cancel, recipe."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
import torch

from studio.domain.errors import ImageReadError, InvalidRequestError, JobCancelled
from studio.domain.results import ProgressUpdate
from studio.domain.style import StyleRequest
from studio.engine.style.compose import RGB_TO_YCBCR
from studio.engine.style.fast import TilingOptions
from studio.engine.style.job import run_style_job
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png


def _run(request: StyleRequest, **kwargs):
    updates: list[ProgressUpdate] = []
    image = run_style_job(request, updates.append, threading.Event(), "cpu", **kwargs)
    return image, updates


@pytest.mark.parametrize("fixture", ["astronaut_png", "cat_rgba_png"])
def test_strength_zero_returns_the_source_bit_for_bit(fixture: str, request) -> None:
    source = request.getfixturevalue(fixture)
    image, _ = _run(StyleRequest(source=source, presets=(3,), strength=0.0))
    expected = load_pixels(source, mode="RGBA")
    channels = expected.shape[2] if image.has_alpha else 3
    np.testing.assert_array_equal(image.pixels, expected[..., :channels])


def test_result_has_the_source_size_kind_and_recipe(astronaut_png: bytes) -> None:
    request = StyleRequest(source=astronaut_png, source_label="history #3", presets=(7, 19))
    image, updates = _run(request)
    assert image.kind == "style" and image.request is request
    assert (image.width, image.height) == (98, 80) and not image.has_alpha
    assert image.extra["styles"] == ["preset 7 (Cobalt Gold)", "preset 19 (Starry Blue)"]
    assert image.extra["weights"] == [0.5, 0.5]
    assert image.extra["source"] == "history #3"
    assert updates[0].message and updates[-1].step == updates[-1].total
    source = load_pixels(astronaut_png, mode="RGB")
    assert np.abs(image.pixels.astype(int) - source).mean() > 10  # really restyled


def test_recipe_records_source_styles_weights_strength_and_colour_flag(astronaut_png) -> None:
    from studio.imaging.result import encode_result

    request = StyleRequest(
        source=astronaut_png, presets=(1,), weights=(2.0,), strength=0.5, preserve_colors=True
    )
    result = encode_result(_run(request)[0])
    recipe = json.loads(result.recipe_json)
    # The history row is found by its styles, not left with an empty prompt.
    assert result.history_text == recipe["extra"]["style_summary"] != ""
    stored = recipe["request"]
    assert stored["presets"] == [1] and stored["strength"] == 0.5
    assert stored["preserve_colors"] is True and stored["source_sha256"]
    assert recipe["extra"]["weights"] == [1.0] and recipe["kind"] == "style"


def test_alpha_is_kept_exactly(cat_rgba_png: bytes) -> None:
    image, _ = _run(StyleRequest(source=cat_rgba_png, presets=(5,)))
    assert image.has_alpha
    np.testing.assert_array_equal(image.pixels[..., 3], load_pixels(cat_rgba_png)[..., 3])


def test_mask_limits_the_style_to_its_white_part(astronaut_png: bytes) -> None:
    mask = np.zeros((80, 98), dtype=np.uint8)
    mask[:, 49:] = 255
    request = StyleRequest(
        source=astronaut_png, presets=(3,), mask=encode_png(np.dstack([mask] * 3))
    )
    image, _ = _run(request)
    source = load_pixels(astronaut_png, mode="RGB")
    np.testing.assert_array_equal(image.pixels[:, :49], source[:, :49])
    assert np.abs(image.pixels[:, 49:].astype(int) - source[:, 49:]).mean() > 10


def test_mask_of_another_picture_is_refused(astronaut_png: bytes) -> None:
    mask = encode_png(np.zeros((50, 50, 3), dtype=np.uint8))
    with pytest.raises(InvalidRequestError, match="mask does not fit"):
        _run(StyleRequest(source=astronaut_png, presets=(3,), mask=mask))


def _chroma(pixels: np.ndarray) -> np.ndarray:
    return (pixels.astype(np.float32) / 255) @ RGB_TO_YCBCR[1:].T


def test_preserve_colors_keeps_chroma_and_changes_luminance(astronaut_png: bytes) -> None:
    source = load_pixels(astronaut_png, mode="RGB")
    kept, _ = _run(StyleRequest(source=astronaut_png, presets=(3,), preserve_colors=True))
    free, _ = _run(StyleRequest(source=astronaut_png, presets=(3,)))
    kept_error = np.abs(_chroma(kept.pixels) - _chroma(source)).mean()
    free_error = np.abs(_chroma(free.pixels) - _chroma(source)).mean()
    assert kept_error < 0.01 < free_error
    assert np.abs(kept.pixels.astype(int) - source).mean() > 5


def test_half_strength_lies_between_source_and_full_style(astronaut_png: bytes) -> None:
    source = load_pixels(astronaut_png, mode="RGB").astype(int)
    full, _ = _run(StyleRequest(source=astronaut_png, presets=(3,)))
    half, _ = _run(StyleRequest(source=astronaut_png, presets=(3,), strength=0.5))
    expected = (source + full.pixels.astype(int)) / 2
    assert np.abs(half.pixels - expected).max() <= 1


def test_style_image_and_preset_blend(astronaut_png: bytes, coffee_png: bytes) -> None:
    image, updates = _run(
        StyleRequest(
            source=astronaut_png,
            presets=(3,),
            style_images=(coffee_png,),
            style_labels=("coffee.png",),
            weights=(1.0, 3.0),
        )
    )
    assert image.extra["styles"] == ["preset 3 (Neon Ribbons)", "coffee.png"]
    assert image.extra["weights"] == [0.25, 0.75]
    assert image.model_name == "multi-style + arbitrary-style network"
    assert [u.step for u in updates if not u.message] == [1, 2, 3]  # preset, encode, image


def test_max_size_works_smaller_and_returns_full_size(astronaut_png: bytes) -> None:
    image, _ = _run(StyleRequest(source=astronaut_png, presets=(3,), max_size=64))
    assert image.extra["work_size"] == "78x64" and (image.width, image.height) == (98, 80)


def test_unreadable_inputs_fail_before_any_model_runs(astronaut_png: bytes) -> None:
    with pytest.raises(ImageReadError):
        _run(StyleRequest(source=b"not an image", presets=(3,)))
    with pytest.raises(ImageReadError, match=r"Style image broken\.png"):
        _run(
            StyleRequest(
                source=astronaut_png, style_images=(b"garbage",), style_labels=("broken.png",)
            )
        )


def test_a_decompression_bomb_is_refused() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    with pytest.raises(ImageReadError, match="30000x30000"):
        _run(StyleRequest(source=bomb, presets=(3,)))


def test_cancel_stops_within_one_step(astronaut_png: bytes) -> None:
    cancel = threading.Event()
    steps: list[int] = []

    def on_progress(update: ProgressUpdate) -> None:
        if not update.message:
            steps.append(update.step)
            cancel.set()  # cancel as soon as the first tile is done

    request = StyleRequest(source=astronaut_png, presets=(3,), max_size=None)
    options = TilingOptions(max_whole_pixels=1000, tile=256)
    with pytest.raises(JobCancelled):
        run_style_job(request, on_progress, cancel, "cpu", tiling=options)
    assert steps == [1]


def test_cancel_before_start_runs_nothing(astronaut_png: bytes) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelled):
        run_style_job(
            StyleRequest(source=astronaut_png, presets=(3,)), lambda u: None, cancel, "cpu"
        )


class _MemoryLimited(torch.nn.Module):
    """The real network behind a simulated device that runs out of memory above a size
    (RELIABILITY 10: a fake module raises OutOfMemoryError above a size)."""

    def __init__(self, network: torch.nn.Module, max_pixels: int) -> None:
        super().__init__()
        self.network = network
        self.max_pixels = max_pixels
        self.seen: list[int] = []

    def condition(self, style: torch.Tensor):
        return self.network.condition(style)

    def forward(self, image: torch.Tensor, affine, norm=None) -> torch.Tensor:
        pixels = image.shape[0] * image.shape[2] * image.shape[3]
        self.seen.append(pixels)
        if pixels > self.max_pixels:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return self.network(image, affine, norm)


@pytest.fixture
def limited_memory(monkeypatch: pytest.MonkeyPatch):
    from studio.engine.style import feedforward
    from studio.engine.style.weights import load_network

    limited = _MemoryLimited(load_network("multistyle", torch.device("cpu")), 150_000)
    monkeypatch.setattr(feedforward, "load_network", lambda *args, **kwargs: limited)
    return limited


@pytest.fixture(scope="module")
def big_png() -> bytes:
    from skimage import data

    from tests.engine.style.conftest import small

    return encode_png(small(data.astronaut(), 448, 448))


def test_out_of_memory_retries_in_smaller_tiles(limited_memory, big_png: bytes) -> None:
    request = StyleRequest(source=big_png, presets=(3,))
    image, _ = _run(request, tiling=TilingOptions(max_whole_pixels=250_000, tile=768))
    assert image.pixels.shape == (448, 448, 3)
    assert limited_memory.seen[0] == 448 * 448  # the whole image failed...
    assert max(limited_memory.seen[1:]) <= 150_000  # ...the retry fitted


def test_out_of_memory_twice_is_a_clear_error_and_the_next_job_runs(
    limited_memory, big_png: bytes, astronaut_png: bytes
) -> None:
    from studio.domain.errors import OutOfMemoryError

    limited_memory.max_pixels = 1000
    with pytest.raises(OutOfMemoryError, match="smaller max size"):
        _run(StyleRequest(source=big_png, presets=(3,)))
    limited_memory.max_pixels = 10**9
    image, _ = _run(StyleRequest(source=astronaut_png, presets=(3,)))
    assert image.width == 98
