"""Lossless PNG with text chunks, and the capped text-chunk reader (RELIABILITY 9, 15)."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from studio.domain.errors import ImageReadError, MetadataError
from studio.imaging.png import MAX_TEXT_CHUNKS, encode_png, png_text_chunks
from tests.imaging.png_bytes import chunk, itxt_chunk, png_with_chunks, text_chunk


@pytest.mark.parametrize("channels", [3, 4])
def test_encode_png_is_lossless(channels: int) -> None:
    pixels = np.random.default_rng(1).integers(0, 256, (33, 47, channels), dtype=np.uint8)

    decoded = np.asarray(Image.open(io.BytesIO(encode_png(pixels))))

    assert decoded.shape == pixels.shape
    assert np.array_equal(decoded, pixels)


def test_text_survives_in_any_script() -> None:
    text = {
        "parameters": "plain latin-1 text: café",
        "studio": "猫 🐱 — עברית",
    }
    data = encode_png(np.zeros((2, 2, 3), np.uint8), text)

    assert png_text_chunks(data) == text
    assert Image.open(io.BytesIO(data)).text == text  # other tools read it too
    assert b"tEXtparameters" in data and b"iTXtstudio" in data


def test_nul_and_lone_surrogates_become_replacement_characters() -> None:
    data = encode_png(np.zeros((2, 2, 3), np.uint8), {"parameters": "a\0b \ud83d c"})

    assert png_text_chunks(data) == {"parameters": "a\ufffdb \ufffd c"}


def test_encode_png_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        encode_png(np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError):
        encode_png(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ValueError):
        encode_png(np.zeros((2, 2, 3), np.uint8), {"": "empty key"})
    with pytest.raises(ValueError):
        encode_png(np.zeros((2, 2, 3), np.uint8), {"k" * 80: "long key"})


def test_compressed_text_chunks_are_read() -> None:
    info = PngInfo()
    info.add_text("ztxt", "compressed latin-1 " * 50, zip=True)
    info.add_itxt("itxt", "compressed unicode ✨ " * 50, zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, format="PNG", pnginfo=info)

    texts = png_text_chunks(buffer.getvalue())

    assert texts == {"ztxt": "compressed latin-1 " * 50, "itxt": "compressed unicode ✨ " * 50}


def test_text_chunk_over_the_cap_is_metadata_error() -> None:
    data = png_with_chunks(text_chunk("parameters", "x" * 2_000))

    with pytest.raises(MetadataError, match="metadata unreadable"):
        png_text_chunks(data, max_chunk_bytes=1_000)
    assert png_text_chunks(data)["parameters"] == "x" * 2_000


def test_compressed_text_bomb_is_refused_without_inflating_it() -> None:
    bomb = zlib.compress(b"a" * 50_000_000, 9)  # 50 MB of text in about 50 kB
    data = png_with_chunks(itxt_chunk("prompt", bomb, compressed=True))

    with pytest.raises(MetadataError, match="expands beyond"):
        png_text_chunks(data)


def test_damaged_text_chunk_fails_its_checksum() -> None:
    data = png_with_chunks(chunk(b"tEXt", b"parameters\0hello", crc=1234))

    with pytest.raises(MetadataError, match="checksum"):
        png_text_chunks(data)


def test_too_many_text_chunks_is_metadata_error() -> None:
    many = [text_chunk(f"k{i}", "v") for i in range(MAX_TEXT_CHUNKS + 1)]

    with pytest.raises(MetadataError, match="text chunks"):
        png_text_chunks(png_with_chunks(*many))


def test_malformed_chunks_are_skipped_and_truncation_keeps_what_came_before() -> None:
    data = png_with_chunks(
        chunk(b"tEXt", b"no separator"),
        text_chunk("parameters", "kept"),
        chunk(b"zTXt", b"bad\0\0not zlib"),
    )

    assert png_text_chunks(data) == {"parameters": "kept"}
    cut = data[: data.index(b"zTXt") + 6]
    assert png_text_chunks(cut) == {"parameters": "kept"}


def test_png_text_chunks_refuses_other_files(tmp_path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a png")

    with pytest.raises(ImageReadError, match=r"photo\.jpg is not a PNG file"):
        png_text_chunks(path)
