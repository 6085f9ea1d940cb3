"""Decoding images that come from outside Studio, which are hostile until proven otherwise.

RELIABILITY 14: an image larger than Studio's pixel limit is an error before a single pixel is
decoded (Pillow's decompression-bomb limit is treated as an error too, never as a warning), a
truncated file is an error (``ImageFile.LOAD_TRUNCATED_IMAGES`` is never set), and anything that
is not an image in one of a few well-known formats is an error. Pillow's global settings are
left exactly as they were: every check here is local to the call.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from contextlib import suppress
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from studio.domain.errors import ImageReadError
from studio.imaging.png import PNG_SIGNATURE, without_text_chunks
from studio.imaging.sources import ImageSource, describe_source, open_source

# 8192 x 8192 (67.1 million pixels): a 4x upscale of a 2048 px image, which Studio must be
# able to write and read back; far below what a decompression bomb asks for.
DEFAULT_MAX_PIXELS = 8192 * 8192

# Only formats artists exchange. Restricting Pillow to these keeps its more exotic plugins (EPS
# runs Ghostscript, for one) away from files a user merely dropped on the window.
READABLE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")

FORMAT_NAMES = "PNG, JPEG, WebP, BMP, GIF, TIFF"  # READABLE_FORMATS as people write them

# What Pillow raises on damaged data varies by plugin and by where the damage is.
_DAMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, zlib.error)


def open_image(
    source: ImageSource, *, max_pixels: int = DEFAULT_MAX_PIXELS, name: str | None = None
) -> Image.Image:
    """Open and fully decode an image from a file or from bytes.

    Parameters
    ----------
    source
        A path, or the encoded bytes of a PNG, JPEG, WebP, BMP, GIF or TIFF image.
    max_pixels
        Largest ``width * height`` accepted; checked from the header, before decoding.
    name
        What error messages call the image (the file the bytes were read from); by default
        the file name of a path, or "the image data" for bytes.

    Returns
    -------
    PIL.Image.Image
        The first frame, fully loaded, detached from any open file.

    Raises
    ------
    ImageReadError
        If the file is missing or unreadable, not an image, too large, truncated or damaged.
    """
    name = name or describe_source(source)
    try:
        return _decode(source, name, max_pixels)
    except _TextTooLargeError:
        # Pillow refuses PNG text beyond its own caps while decoding; the pixels are fine and
        # metadata is read elsewhere, with Studio's limits. Decode a copy without the text.
        with open_source(source) as stream:
            stripped = without_text_chunks(stream.read())
        try:
            return _decode(stripped, name, max_pixels)
        except _TextTooLargeError:
            raise ImageReadError(f"{name} is truncated or damaged.") from None


class UnknownFormatError(ImageReadError):
    """The data is no image in :data:`READABLE_FORMATS` (a text file, a PDF, an EPS...)."""


class _TextTooLargeError(ImageReadError):
    """Pillow refused a PNG only for the size of its text chunks (pixels may be fine)."""


def _is_text_limit(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, ValueError) and ("MAX_TEXT" in text or "text chunks" in text)


def _decode(source: ImageSource, name: str, max_pixels: int) -> Image.Image:
    with open_source(source) as stream:
        image = open_header(stream, name, max_pixels)
        _check_pixel_count(image, name, max_pixels)
        try:
            image.load()
        except Image.DecompressionBombError:
            raise _too_large(name, image.size, max_pixels) from None
        except _DAMAGE_ERRORS as exc:
            if _is_text_limit(exc):
                raise _TextTooLargeError(f"{name} has more text than Studio reads.") from None
            raise ImageReadError(f"{name} is truncated or damaged.") from None
    return image


def load_pixels(
    source: ImageSource,
    *,
    mode: str = "RGBA",
    max_pixels: int = DEFAULT_MAX_PIXELS,
    name: str | None = None,
) -> np.ndarray:
    """Decode an image into a ``uint8`` array, turned upright as its EXIF orientation says.

    Parameters
    ----------
    source
        A path or encoded image bytes (see :func:`open_image`).
    mode
        ``"RGBA"`` for an ``(H, W, 4)`` array or ``"RGB"`` for ``(H, W, 3)``.
    max_pixels
        Largest ``width * height`` accepted.
    name
        What error messages call the image (see :func:`open_image`).

    Raises
    ------
    ImageReadError
        As :func:`open_image`.
    ValueError
        If ``mode`` is neither ``"RGBA"`` nor ``"RGB"``.
    """
    if mode not in ("RGBA", "RGB"):
        raise ValueError(f"mode must be 'RGBA' or 'RGB', not {mode!r}")
    image = open_image(source, max_pixels=max_pixels, name=name)
    # A broken orientation tag is not worth refusing the pixels for, nor is Pillow's warning
    # about it (which names a site-packages file) worth showing anyone.
    with suppress(*_DAMAGE_ERRORS), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        image = ImageOps.exif_transpose(image)
    return np.array(_to_8_bit(image).convert(mode), dtype=np.uint8)


def _to_8_bit(image: Image.Image) -> Image.Image:
    """Scale 16-bit greyscale to 8 bits; Pillow's ``convert`` clips it to nearly white.

    PNG is the only readable format with 16-bit greyscale, and Pillow opens it as ``I;16*`` or
    as 32-bit ``I`` holding 0-65535, so both are scaled by 1/257 (65535 -> 255).
    """
    if not (image.mode.startswith("I;16") or image.mode == "I"):
        return image
    wide = np.asarray(image, dtype=np.float64)
    if image.mode == "I" and wide.size and (wide.max() > 65535 or wide.min() < 0):
        return image  # not 16-bit data: leave it to Pillow
    return Image.fromarray(np.rint(wide / 257.0).astype(np.uint8), mode="L")


def open_header(stream: BinaryIO, name: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Identify an image and read its header (size, metadata); no pixel is decoded yet.

    Raises
    ------
    ImageReadError
        If the stream is not an image in :data:`READABLE_FORMATS`, or is far too large.
    """
    try:
        return _open_quietly(stream)
    except ValueError as exc:
        if not _is_text_limit(exc):
            raise ImageReadError(f"{name} is truncated or damaged.") from None
    except UnidentifiedImageError:
        # A file name keeps its case; "the image data" (bytes) starts the sentence.
        subject = "The image data" if name == "the image data" else name
        raise UnknownFormatError(
            f"{subject} is not an image Studio can read; use PNG, JPEG, WebP, BMP, GIF or TIFF."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses (or, under an "error" warnings filter, warns about) headers far above
        # its own limit before handing the image back; a PNG header still tells the size.
        size = _png_header_size(stream)
        if size is not None:
            raise _too_large(name, size, max_pixels) from None
        raise ImageReadError(
            f"{name} is too large; Studio opens images up to {_megapixels(max_pixels)}."
        ) from None
    except _DAMAGE_ERRORS:
        raise ImageReadError(f"{name} is truncated or damaged.") from None
    # Only the text chunks were over Pillow's caps (metadata is read elsewhere, with Studio's
    # own limits): read the header of a copy without them.
    stream.seek(0)
    try:
        return _open_quietly(io.BytesIO(without_text_chunks(stream.read())))
    except (*_DAMAGE_ERRORS, UnidentifiedImageError):
        raise ImageReadError(f"{name} is truncated or damaged.") from None


def _open_quietly(stream: BinaryIO) -> Image.Image:
    # JPEG headers parse EXIF on open, and Pillow *warns* "Corrupt EXIF data" (naming its own
    # source file) and carries on. Nothing for the user to do: keep it off stderr. The
    # decompression-bomb warning is a RuntimeWarning and stays as the caller's filters say.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        return Image.open(stream, formats=READABLE_FORMATS)


def _png_header_size(stream: BinaryIO) -> tuple[int, int] | None:
    stream.seek(0)
    header = stream.read(24)
    if header[:8] != PNG_SIGNATURE or header[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _check_pixel_count(image: Image.Image, name: str, max_pixels: int) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageReadError(f"{name} has no pixels ({width}x{height}); it is damaged.")
    if width * height > max_pixels:
        raise _too_large(name, image.size, max_pixels)


def _too_large(name: str, size: tuple[int, int], max_pixels: int) -> ImageReadError:
    width, height = size
    return ImageReadError(
        f"{name} is {width}x{height} pixels; Studio opens images up to {_megapixels(max_pixels)}."
    )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.3g} megapixels"
