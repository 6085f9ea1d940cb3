"""Lossless PNG encoding with text chunks, and a careful reader for those chunks.

The reader walks the chunk list itself instead of decoding the image: metadata comes from
files a user dropped on the window, so every text chunk is size-capped, compressed text is
inflated with a hard output limit, and chunk CRCs are checked (RELIABILITY 15).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import BinaryIO

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from studio.domain.errors import ImageReadError, MetadataError
from studio.imaging.sources import ImageSource, describe_source, open_source

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHUNK_BYTES = 1_000_000
# Far above what any tool writes (A1111, ComfyUI and Studio write one to three).
MAX_TEXT_CHUNKS = 256

_TEXT_TYPES = (b"tEXt", b"zTXt", b"iTXt")
_MAX_KEY_BYTES = 79  # the PNG specification's limit for a keyword
_UNWRITABLE_CHARACTERS = re.compile("[\0\ud800-\udfff]")


def encode_png(
    pixels: np.ndarray, text: dict[str, str] | None = None, *, compress_level: int = 4
) -> bytes:
    """Encode pixels losslessly as PNG, with optional text chunks.

    Parameters
    ----------
    pixels
        ``(H, W, 3)`` RGB or ``(H, W, 4)`` RGBA ``uint8`` array.
    text
        Keyword to text. Latin-1 text is written as ``tEXt`` (what every reader knows); any
        other text as UTF-8 ``iTXt``. NUL characters and lone surrogates, which neither chunk
        can hold, become U+FFFD.
    compress_level
        zlib level 0-9; 4 is a good balance of speed and size for generated images.

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ValueError
        If ``pixels`` has the wrong shape or type, or a keyword is not 1-79 Latin-1 characters.
    """
    image = Image.fromarray(_checked_pixels(pixels))
    if not 0 <= compress_level <= 9:
        raise ValueError(f"compress_level must be 0-9, not {compress_level}")
    info = PngInfo()
    for key, value in (text or {}).items():
        _check_keyword(key)
        cleaned = _writable_text(value)
        if _is_latin1(cleaned):
            info.add_text(key, cleaned)
        else:
            info.add_itxt(key, cleaned)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, compress_level=compress_level)
    return buffer.getvalue()


def is_png(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts with the PNG signature."""
    return head[: len(PNG_SIGNATURE)] == PNG_SIGNATURE


def png_text_chunks(
    source: ImageSource, *, max_chunk_bytes: int = MAX_TEXT_CHUNK_BYTES
) -> dict[str, str]:
    """Read the ``tEXt``, ``zTXt`` and ``iTXt`` chunks of a PNG without decoding its pixels.

    Parameters
    ----------
    source
        Path or bytes of a PNG file.
    max_chunk_bytes
        Largest text accepted per chunk, before and after decompression.

    Returns
    -------
    dict[str, str]
        Keyword to text; a later chunk with the same keyword wins, as with Pillow. Malformed
        chunks are skipped; chunks after a truncation are simply absent.

    Raises
    ------
    ImageReadError
        If the source cannot be read or is not a PNG file.
    MetadataError
        If a text chunk is larger than the cap, fails its CRC, or there are too many of them.
    """
    with open_source(source) as stream:
        if not is_png(stream.read(len(PNG_SIGNATURE))):
            raise ImageReadError(f"{describe_source(source)} is not a PNG file.")
        return _read_text_chunks(stream, max_chunk_bytes)


def without_text_chunks(data: bytes) -> bytes:
    """The PNG ``data`` with its text chunks left out (pixels and everything else kept).

    Anything that is not a well-formed chunk list is returned unchanged, for the decoder to
    judge.
    """
    if not is_png(data):
        return data
    kept = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        end = position + 12 + length
        if end > len(data):
            return data
        if data[position + 4 : position + 8] not in _TEXT_TYPES:
            kept.append(data[position:end])
        position = end
    return b"".join(kept)


def _read_text_chunks(stream: BinaryIO, max_chunk_bytes: int) -> dict[str, str]:
    texts: dict[str, str] = {}
    seen = 0
    while True:
        header = stream.read(8)
        if len(header) < 8:
            return texts  # end of a truncated file: keep what was readable
        length, chunk_type = struct.unpack(">I4s", header)
        if chunk_type == b"IEND":
            return texts
        if chunk_type not in _TEXT_TYPES:
            stream.seek(length + 4, io.SEEK_CUR)  # data and CRC
            continue
        seen += 1
        if seen > MAX_TEXT_CHUNKS:
            raise MetadataError(
                f"metadata unreadable: more than {MAX_TEXT_CHUNKS} text chunks in one image."
            )
        data = _read_checked_chunk(stream, chunk_type, length, max_chunk_bytes)
        if data is None:
            return texts
        decoded = _decode_text_chunk(chunk_type, data, max_chunk_bytes)
        if decoded is not None:
            texts[decoded[0]] = decoded[1]


def _read_checked_chunk(
    stream: BinaryIO, chunk_type: bytes, length: int, max_chunk_bytes: int
) -> bytes | None:
    """The chunk's data after a CRC check; ``None`` when the file ends inside the chunk."""
    if length > max_chunk_bytes:
        raise MetadataError(
            f"metadata unreadable: a {chunk_type.decode()} chunk holds {length:,} bytes; "
            f"Studio reads up to {max_chunk_bytes:,}."
        )
    data = stream.read(length)
    crc = stream.read(4)
    if len(data) < length or len(crc) < 4:
        return None
    if zlib.crc32(chunk_type + data) != struct.unpack(">I", crc)[0]:
        raise MetadataError(
            f"metadata unreadable: a {chunk_type.decode()} chunk is damaged (checksum mismatch)."
        )
    return data


def _decode_text_chunk(
    chunk_type: bytes, data: bytes, max_chunk_bytes: int
) -> tuple[str, str] | None:
    """Keyword and text of one chunk, or ``None`` if the chunk is malformed."""
    raw_key, separator, rest = data.partition(b"\0")
    if not separator or not 1 <= len(raw_key) <= _MAX_KEY_BYTES:
        return None
    key = raw_key.decode("latin-1")
    if chunk_type == b"tEXt":
        return key, rest.decode("latin-1")
    if chunk_type == b"zTXt":
        if rest[:1] != b"\0":  # compression method 0 (zlib) is the only one defined
            return None
        text = _inflate(rest[1:], max_chunk_bytes)
        return None if text is None else (key, text.decode("latin-1"))
    return _decode_itxt(key, rest, max_chunk_bytes)


def _decode_itxt(key: str, rest: bytes, max_chunk_bytes: int) -> tuple[str, str] | None:
    if len(rest) < 2:
        return None
    compressed, method = rest[0], rest[1]
    _language, sep1, after_language = rest[2:].partition(b"\0")
    _translated, sep2, payload = after_language.partition(b"\0")
    if not (sep1 and sep2):
        return None
    if compressed:
        if method != 0:
            return None
        inflated = _inflate(payload, max_chunk_bytes)
        if inflated is None:
            return None
        payload = inflated
    return key, payload.decode("utf-8", errors="replace")


def _inflate(data: bytes, limit: int) -> bytes | None:
    """Decompress at most ``limit`` bytes; a larger result is refused, not truncated."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, limit)
    except zlib.error:
        return None
    if inflater.unconsumed_tail:
        raise MetadataError(f"metadata unreadable: compressed text expands beyond {limit:,} bytes.")
    return text


def _checked_pixels(pixels: np.ndarray) -> np.ndarray:
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8:
        raise ValueError("pixels must be a uint8 numpy array")
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or 0 in pixels.shape[:2]:
        raise ValueError(f"pixels must be (H, W, 3) or (H, W, 4), not {pixels.shape}")
    return np.ascontiguousarray(pixels)


def _check_keyword(key: str) -> None:
    if not (isinstance(key, str) and 1 <= len(key) <= _MAX_KEY_BYTES and _is_latin1(key)):
        raise ValueError(f"PNG text keyword must be 1-79 Latin-1 characters, not {key!r}")
    if "\0" in key:
        raise ValueError("PNG text keyword must not contain NUL")


def _writable_text(value: str) -> str:
    # UTF-8 cannot carry lone surrogates and both text chunks end their keyword at NUL.
    return _UNWRITABLE_CHARACTERS.sub("\ufffd", value)


def _is_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True
