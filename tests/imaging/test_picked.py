"""A file a person picked is read once and every refusal names it and says what to do."""

from __future__ import annotations

import numpy as np
import pytest

from studio.domain.errors import ImageReadError
from studio.imaging.picked import read_picked_image
from studio.imaging.png import encode_png


def test_a_text_file_is_named_with_the_formats_studio_reads(tmp_path) -> None:
    cat = tmp_path / "cat.txt"
    cat.write_text("meow")
    with pytest.raises(ImageReadError) as caught:
        read_picked_image(cat, max_bytes=1024)
    assert str(caught.value) == (
        "cat.txt is not an image Studio can read (PNG, JPEG, WebP, BMP, GIF, TIFF): "
        "pick another file."
    )


def test_a_damaged_png_is_named_and_the_message_says_what_to_do(tmp_path) -> None:
    broken = tmp_path / "sprite.png"
    noise = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    png = encode_png(noise)
    broken.write_bytes(png[: len(png) // 2])
    with pytest.raises(ImageReadError, match=r"^sprite\.png is truncated or damaged: pick another"):
        read_picked_image(broken, max_bytes=1 << 20)


def test_a_file_over_the_limit_is_refused_before_it_is_read_whole(tmp_path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ImageReadError, match=r"^big\.png is larger than 2 MB: pick a smaller"):
        read_picked_image(big, max_bytes=2 * 1024 * 1024)


def test_a_missing_file_and_a_folder_are_named(tmp_path) -> None:
    with pytest.raises(ImageReadError, match=r"^gone\.png was not found"):
        read_picked_image(tmp_path / "gone.png", max_bytes=1024)
    with pytest.raises(ImageReadError, match=r"is a folder, not an image file"):
        read_picked_image(tmp_path, max_bytes=1024)


def test_a_good_image_comes_back_as_its_bytes_and_pixels(tmp_path) -> None:
    png = encode_png(np.full((4, 6, 3), 200, dtype=np.uint8))
    path = tmp_path / "ok.png"
    path.write_bytes(png)
    data, pixels = read_picked_image(path, max_bytes=1024, mode="RGB")
    assert data == png and pixels.shape == (4, 6, 3)
