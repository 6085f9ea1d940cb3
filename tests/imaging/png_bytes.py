"""PNG files written byte by byte, for inputs Pillow would never produce."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(chunk_type: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    """One PNG chunk: length, type, data, CRC (the right one unless ``crc`` is given)."""
    checksum = zlib.crc32(chunk_type + data) if crc is None else crc
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", checksum)


def ihdr(width: int, height: int, colour_type: int = 2) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))


def header_only_png(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` RGB pixels and holds a single byte of image data.

    Decoding it would allocate width * height * 3 bytes: the decompression-bomb shape.
    """
    return (
        SIGNATURE + ihdr(width, height) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    )


def png_with_chunks(*chunks: bytes) -> bytes:
    """A valid 1x1 RGB PNG with ``chunks`` inserted before the image data."""
    idat = chunk(b"IDAT", zlib.compress(b"\0\x10\x20\x30"))
    return SIGNATURE + ihdr(1, 1) + b"".join(chunks) + idat + chunk(b"IEND", b"")


def text_chunk(key: str, text: str) -> bytes:
    return chunk(b"tEXt", key.encode("latin-1") + b"\0" + text.encode("latin-1"))


def itxt_chunk(key: str, payload: bytes, *, compressed: bool = False) -> bytes:
    flag = b"\1\0" if compressed else b"\0\0"
    return chunk(b"iTXt", key.encode("latin-1") + b"\0" + flag + b"\0\0" + payload)
