"""Hostile images: bombs, truncation, 16-bit greyscale, huge text chunks, corrupt EXIF.

RELIABILITY 14 and 15, issue 10 defects 8 and 12. Every image is built here, in memory.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from studio.domain.errors import ImageReadError
from studio.imaging.decode import load_pixels
from studio.imaging.exif import exif_user_comment
from studio.imaging.png import encode_png, png_text_chunks
from tests.imaging.png_bytes import chunk, header_only_png, ihdr, png_with_chunks

pytestmark = pytest.mark.timeout(60)


def test_a_header_only_30000_square_png_is_refused_before_decoding() -> None:
    with pytest.raises(ImageReadError) as refused:
        load_pixels(header_only_png(30000, 30000))
    assert str(refused.value) == (
        "the image data is 30000x30000 pixels; Studio opens images up to 67.1 megapixels."
    )


def test_a_zlib_bomb_png_is_refused_from_its_header(tmp_path) -> None:
    side = 9000  # 81 MB of pixels in about 80 KB of file
    rows = zlib.compress(bytes((side + 1) * side), 9)
    path = tmp_path / "bomb.png"
    path.write_bytes(png_with_chunks(ihdr(side, side, colour_type=0), chunk(b"IDAT", rows)))
    assert path.stat().st_size < 200_000
    with pytest.raises(ImageReadError) as refused:
        load_pixels(path)
    assert str(refused.value) == (
        "bomb.png is 9000x9000 pixels; Studio opens images up to 67.1 megapixels."
    )


def test_half_a_png_is_truncated_not_patched(tmp_path) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (64, 64, 4), dtype=np.uint8)
    data = encode_png(pixels)
    path = tmp_path / "half.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageReadError) as refused:
        load_pixels(path)
    assert str(refused.value) == "half.png is truncated or damaged."


def test_16_bit_greyscale_is_scaled_not_clipped_to_white(tmp_path) -> None:
    """Defect 8: values 0-65535 were clipped to 255, so nearly every pixel came out white."""
    ramp = np.linspace(0, 65535, 64 * 32).astype(np.uint16).reshape(32, 64)
    path = tmp_path / "grey16.png"
    Image.fromarray(ramp).save(path)
    assert Image.open(path).mode.startswith("I")
    pixels = load_pixels(path, mode="RGB")
    expected = np.rint(ramp / 257.0).astype(np.uint8)
    assert np.array_equal(pixels[..., 0], expected)
    assert np.array_equal(pixels[..., 0], pixels[..., 2])
    assert pixels.mean() == pytest.approx(127.5, abs=1)


def _ztxt(key: str, text: bytes) -> bytes:
    return chunk(b"zTXt", key.encode("latin-1") + b"\0\0" + zlib.compress(text, 9))


def test_a_valid_image_with_an_oversize_text_chunk_still_decodes(tmp_path) -> None:
    """Defect 12: Pillow's own text cap made a good image "truncated or damaged"."""
    from studio.engine.style.inputs import decode_source

    pixels = np.random.default_rng(1).integers(0, 256, (16, 16, 4), dtype=np.uint8)
    plain = encode_png(pixels)
    huge = _ztxt("comment", b"x" * 3_000_000)  # inflates past Pillow's 1 MB MAX_TEXT_CHUNK
    data = plain[:33] + huge + plain[33:]
    assert np.array_equal(load_pixels(data), pixels)
    source = decode_source(data)
    assert np.array_equal(source.rgb, pixels[..., :3])
    assert np.array_equal(source.alpha, pixels[..., 3])
    with pytest.raises(Exception, match="metadata unreadable"):
        png_text_chunks(data)  # Studio's own metadata reader keeps its cap


def _jpeg_with_corrupt_exif() -> bytes:
    # An IFD that claims 50 entries and holds one: Pillow warns "Corrupt EXIF data".
    tiff = b"II*\0" + struct.pack("<IH", 8, 50) + struct.pack("<HHII", 0x010E, 2, 4, 0)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG", exif=b"Exif\0\0" + tiff)
    return buffer.getvalue()


def test_corrupt_exif_warns_nobody(tmp_path, capfd) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(_jpeg_with_corrupt_exif())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert load_pixels(path).shape == (8, 8, 4)
        assert exif_user_comment(path) is None
    assert [str(w.message) for w in caught] == []
    assert main(["info", str(path)]) == 1
    captured = capfd.readouterr()
    assert "site-packages" not in captured.err and "Warning" not in captured.err
    assert captured.err == f"studio info: {path} carries no generation metadata\n"
