"""Hostile image files: decompression bombs, half files, non-images (RELIABILITY 14)."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from PIL import Image, ImageFile

from studio.domain.errors import ImageReadError
from studio.imaging.decode import load_pixels, open_image
from tests.imaging.png_bytes import header_only_png


def _png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _noise(height: int, width: int, channels: int = 4) -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (height, width, channels), dtype=np.uint8)


def test_decompression_bomb_is_an_error_naming_its_size(tmp_path) -> None:
    bomb = tmp_path / "huge.png"
    bomb.write_bytes(header_only_png(30000, 30000))

    with pytest.raises(ImageReadError) as caught:
        open_image(bomb)

    assert str(caught.value) == (
        "huge.png is 30000x30000 pixels; Studio opens images up to 67.1 megapixels."
    )


def test_image_over_studio_limit_but_under_pillows_is_refused_before_decoding() -> None:
    # 72 megapixels: Pillow alone would decode it without a word.
    with pytest.raises(ImageReadError, match="9000x8000 pixels"):
        open_image(header_only_png(9000, 8000))


def test_pillow_bomb_warning_turned_into_an_error_still_gives_a_clear_message() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageReadError, match="10000x10000 pixels"):
            open_image(header_only_png(10000, 10000), max_pixels=200_000_000)


def test_max_pixels_is_a_per_call_limit() -> None:
    data = _png_bytes(_noise(20, 20))

    with pytest.raises(ImageReadError, match=r"20x20 pixels; Studio opens images up to 0\.0001"):
        open_image(data, max_pixels=100)
    assert open_image(data, max_pixels=400).size == (20, 20)


def test_half_a_png_is_truncated_not_partially_loaded(tmp_path) -> None:
    whole = _png_bytes(_noise(64, 64))
    photo = tmp_path / "photo.png"
    photo.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(ImageReadError) as caught:
        open_image(photo)

    assert str(caught.value) == "photo.png is truncated or damaged."
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_half_a_jpeg_is_truncated() -> None:
    buffer = io.BytesIO()
    Image.fromarray(_noise(64, 64, 3)).save(buffer, format="JPEG")

    with pytest.raises(ImageReadError, match="truncated or damaged"):
        open_image(buffer.getvalue()[:300])


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, I am a text file\n",
        b"%PDF-1.7\n",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 9 9\n",
    ],
    ids=["empty", "text", "pdf", "eps"],
)
def test_non_images_are_refused(tmp_path, content: bytes) -> None:
    path = tmp_path / "notes.png"
    path.write_bytes(content)

    with pytest.raises(ImageReadError, match=r"notes\.png is not an image Studio can read"):
        open_image(path)


def test_missing_file_and_folder_are_read_errors(tmp_path) -> None:
    with pytest.raises(ImageReadError, match=r"gone\.png was not found"):
        open_image(tmp_path / "gone.png")
    with pytest.raises(ImageReadError, match="is a folder"):
        open_image(tmp_path)


def test_open_image_leaves_pillow_global_limits_alone() -> None:
    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    with pytest.raises(ImageReadError):
        open_image(header_only_png(30000, 30000))
    open_image(_png_bytes(_noise(8, 8)))

    assert before == (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)


def test_opened_image_is_fully_loaded_after_the_file_is_closed(tmp_path) -> None:
    pixels = _noise(16, 24)
    path = tmp_path / "ok.png"
    path.write_bytes(_png_bytes(pixels))

    image = open_image(path)

    assert np.array_equal(np.asarray(image), pixels)


def test_load_pixels_gives_rgba_or_rgb_uint8() -> None:
    pixels = _noise(10, 12)
    data = _png_bytes(pixels)

    rgba = load_pixels(data)
    rgb = load_pixels(data, mode="RGB")

    assert rgba.dtype == np.uint8 and rgba.shape == (10, 12, 4)
    assert np.array_equal(rgba, pixels)
    assert np.array_equal(rgb, pixels[:, :, :3])
    with pytest.raises(ValueError):
        load_pixels(data, mode="CMYK")


def test_load_pixels_keeps_palette_transparency() -> None:
    image = Image.new("P", (4, 4), 0)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    image.putpixel((1, 1), 1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=0)

    rgba = load_pixels(buffer.getvalue())

    assert rgba[0, 0, 3] == 0
    assert tuple(rgba[1, 1]) == (0, 255, 0, 255)


def test_load_pixels_turns_photos_upright_from_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="JPEG", exif=exif.tobytes())

    assert load_pixels(buffer.getvalue()).shape == (40, 20, 4)
