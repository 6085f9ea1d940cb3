"""Pixel helpers of canvas edits: seam score, masks, outpaint canvases, make seamless."""

from __future__ import annotations

import re

import numpy as np
import pytest
import skimage.data

from studio.domain.errors import InvalidRequestError
from studio.imaging.masks import composite, feather, mask_crop_box, mask_from_pixels
from studio.imaging.outpaint import grow_canvas, margins_for_aspect
from studio.imaging.seamless import (
    band_limits,
    check_seamless_input,
    default_band,
    repair_seams,
)
from studio.imaging.seams import seam_score, seam_scores, tile_3x3


def test_seam_score_is_about_one_for_a_periodic_image_and_high_for_a_hard_seam() -> None:
    # A periodic texture: smooth noise made by low-pass filtering in Fourier space.
    rng = np.random.default_rng(3)
    spectrum = np.fft.fft2(rng.normal(size=(64, 64)))
    fy, fx = np.meshgrid(np.fft.fftfreq(64), np.fft.fftfreq(64), indexing="ij")
    field = np.real(np.fft.ifft2(spectrum * np.exp(-(fx**2 + fy**2) * 400)))
    periodic = (field - field.min()) / (field.max() - field.min()) * 255
    assert seam_score(periodic, "x") < 1.25 and seam_score(periodic, "y") < 1.25
    # The wrap edge is like any other column boundary: averaged over every place the
    # texture could be cut, the score is 1.
    rolls = [seam_score(np.roll(periodic, k, axis=1), "x") for k in range(64)]
    assert np.mean(rolls) == pytest.approx(1.0, abs=0.05)
    ramp = np.linspace(0, 255, 64)[None, :].repeat(64, axis=0)
    assert seam_score(ramp, "x") > 50  # 0 meets 255 at the wrap
    assert seam_score(ramp, "y") == 0.0  # rows are identical: no seam top to bottom


def test_tile_3x3_repeats_the_image() -> None:
    image = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    tiled = tile_3x3(image)
    assert tiled.shape == (6, 9, 4)
    assert np.array_equal(tiled[2:4, 3:6], image)


def test_composite_is_exact_where_the_mask_is_zero() -> None:
    rng = np.random.default_rng(0)
    original = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    generated = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    mask = np.zeros((32, 32), np.float32)
    mask[8:24, 8:24] = 1.0
    soft = feather(mask, 3)
    out = composite(original, generated, soft)
    assert np.array_equal(out[soft == 0], original[soft == 0])
    assert np.array_equal(out[soft >= 1], generated[soft >= 1])
    assert (soft[(soft > 0) & (soft < 1)]).size > 0  # the feather really blends


def test_mask_from_paint_on_a_transparent_layer() -> None:
    layer = np.zeros((4, 4, 4), np.uint8)
    layer[1:3, 1:3] = (255, 255, 255, 255)
    mask = mask_from_pixels(layer)
    assert mask[1, 1] == pytest.approx(1.0) and mask[0, 0] == 0.0


def test_crop_box_around_the_mask_keeps_the_aspect_and_stays_inside() -> None:
    mask = np.zeros((100, 200), np.float32)
    mask[40:50, 180:190] = 1.0
    left, top, right, bottom = mask_crop_box(mask, padding=8, aspect=1.0)
    assert right - left == bottom - top
    assert left >= 0 and right <= 200 and top >= 0 and bottom <= 100
    assert left <= 172 and right >= 198 and top <= 32 and bottom >= 58


def test_grow_canvas_sizes_fills_and_overlapping_mask() -> None:
    image = np.full((32, 48, 3), 90, np.uint8)
    image[:, -1] = 200  # the right edge column, which "edge" fill stretches out
    grown = grow_canvas(image, (0, 8, 16, 0), fill="edge", overlap=4)
    assert grown.pixels.shape == (40, 64, 3)
    assert np.array_equal(grown.pixels[8:, :48], image)  # the old canvas, untouched
    assert (grown.pixels[8:, 48:] == 200).all()
    assert grown.mask[:8].all() and grown.mask[:, 48:].all()  # the new strips
    assert grown.mask[8:, 44:48].all() and grown.mask[8:12, :48].all()  # the overlap
    assert not grown.mask[12:, :44].any()
    for fill in ("blur", "noise"):
        assert grow_canvas(image, (8, 0, 0, 0), fill=fill).pixels.shape == (32, 56, 3)
    with pytest.raises(InvalidRequestError, match="at least one side"):
        grow_canvas(image, (0, 0, 0, 0))


def test_margins_for_an_aspect_grow_evenly_to_multiples_of_8() -> None:
    left, top, right, bottom = margins_for_aspect(512, 512, (16, 9))
    assert (top, bottom) == (0, 0)
    assert (512 + left + right) % 8 == 0 and left + right >= 910 - 512
    assert abs(left - right) <= 8
    assert margins_for_aspect(640, 360, (1, 1))[1::2] == (140, 140)


@pytest.mark.parametrize("name", ["rocket", "gravel"])
def test_make_seamless_removes_a_photos_hard_seam(name: str) -> None:
    photo = getattr(skimage.data, name)()
    if photo.ndim == 2:
        photo = np.stack([photo] * 3, axis=-1)
    before = seam_scores(photo)
    assert max(before.values()) > 2.5  # photos do not wrap: a hard seam on both axes
    out = repair_seams(photo).pixels
    after = seam_scores(out)
    assert after["x"] < 1.25 and after["y"] < 1.25
    # Only a band along the wrap edges changed; the middle of the photo is the photo.
    h, w = photo.shape[:2]
    assert np.array_equal(
        out[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4],
        photo[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4],
    )


def test_make_seamless_hands_the_cross_to_the_inpainter_and_keeps_its_result_inside() -> None:
    photo = skimage.data.rocket()
    seen = {}

    def inpaint(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        seen["mask"] = mask
        return np.full_like(image, 128)

    out = repair_seams(photo, band=32, inpaint=inpaint).pixels
    mask = seen["mask"]
    assert mask[:, photo.shape[1] // 2].min() == 1.0 and mask[0, 0] == 0.0
    h, w = photo.shape[:2]
    assert (out[0, :] == 128).all() and (out[:, 0] == 128).all()  # the wrap edges repainted
    assert np.array_equal(out[h // 4, w // 4], photo[h // 4, w // 4])


def _split_cross(image: np.ndarray, _mask: np.ndarray) -> np.ndarray:
    """A failed repaint: black left of the middle, white right of it (a new hard seam)."""
    out = np.zeros_like(image)
    out[:, image.shape[1] // 2 :] = 255
    return out


def test_a_repaint_that_worsens_the_seam_is_dropped_for_the_plain_blend() -> None:
    photo = skimage.data.rocket()[:96, :128]
    plain = repair_seams(photo, band=16).pixels
    repair = repair_seams(photo, 16, _split_cross)
    assert not repair.model_kept and repair.model_dropped
    assert repair.model_score > repair.plain_score
    assert np.array_equal(repair.pixels, plain)


def test_a_repaint_that_keeps_the_seam_seamless_is_kept() -> None:
    photo = skimage.data.rocket()[:96, :128]
    repair = repair_seams(photo, 16, lambda image, _mask: np.full_like(image, 128))
    assert repair.model_kept and not repair.model_dropped
    assert (repair.pixels[0, :] == 128).all()


def test_without_a_model_nothing_is_dropped() -> None:
    repair = repair_seams(skimage.data.rocket()[:64, :64])
    assert not repair.model_kept and not repair.model_dropped and repair.model_score is None


@pytest.mark.parametrize(
    ("height", "width", "band", "words"),
    [
        (1, 4000, None, "Cannot make the image seamless: it is 4000x1 pixels and needs at least"),
        (64, 64, 33, "Band 33 is out of range for the image (64x64): use 2 to 32 pixels"),
        (64, 64, -1, "use 2 to 32 pixels, or 0 for automatic"),
        (64, 64, 10**12, "use 2 to 32"),
        (5000, 5000, None, "more than 16.8 megapixels; scale it down"),
    ],
)
def test_sizes_and_bands_are_checked_before_any_work(height, width, band, words) -> None:
    with pytest.raises(InvalidRequestError, match=re.escape(words)):
        check_seamless_input(height, width, band)


def test_the_band_limit_follows_the_repaired_axes() -> None:
    assert band_limits(16, 96, tile_x=True, tile_y=False) == (2, 48)
    assert band_limits(16, 96) == (2, 8)
    assert check_seamless_input(16, 96, 40, tile_x=True, tile_y=False) == 40
    assert default_band(10, 10) == 5  # at least 8, but no more than half of 10
    assert default_band(512, 512) == 64


def test_grow_canvas_refuses_a_canvas_over_the_cap_from_the_sizes_alone() -> None:
    from studio.imaging.outpaint import MAX_GROWN_SIDE, grown_size

    assert grown_size(64, 32, (8, 0, 16, 4)) == (88, 36)
    assert grown_size(MAX_GROWN_SIDE - 16, 8, (8, 0, 8, 0)) == (MAX_GROWN_SIDE, 8)
    with pytest.raises(InvalidRequestError, match=r"to 2112x2112; .* at most 2048"):
        grow_canvas(np.zeros((64, 64, 4), np.uint8), (1024, 1024, 1024, 1024))
