"""The EXIF UserComment of JPEG and WebP files, where A1111 writes its ``parameters`` text."""

from __future__ import annotations

import warnings

from studio.domain.errors import MetadataError
from studio.imaging.decode import open_header
from studio.imaging.sources import ImageSource, describe_source, open_source

EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
MAX_EXIF_BYTES = 1_000_000

# The 8-byte character-code prefix of a UserComment (EXIF 2.3, table 9).
_UNICODE = b"UNICODE\0"
_ASCII = b"ASCII\0\0\0"


def exif_user_comment(source: ImageSource) -> str | None:
    """The UserComment text of an image's EXIF block, or ``None`` if it has none.

    Only the header is read; no pixel is decoded.

    Raises
    ------
    ImageReadError
        If the file cannot be read or is not an image.
    MetadataError
        If the EXIF block is larger than 1 MB or damaged.
    """
    with open_source(source) as stream:
        image = open_header(stream, describe_source(source))
        if len(image.info.get("exif", b"")) > MAX_EXIF_BYTES:
            raise MetadataError("metadata unreadable: the EXIF block is larger than 1 MB.")
        try:
            # Pillow warns "Corrupt EXIF data" (naming its own source file) and carries on;
            # what it could read is used, and the warning is nobody's business.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = image.getexif().get_ifd(EXIF_IFD).get(USER_COMMENT)
        except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError):
            raise MetadataError("metadata unreadable: the EXIF block is damaged.") from None
    return decode_user_comment(raw)


def decode_user_comment(raw: object) -> str | None:
    """Text of a UserComment value as Pillow returns it (bytes with a charset prefix)."""
    if isinstance(raw, str):
        return raw or None
    if not isinstance(raw, bytes) or not raw:
        return None
    prefix, payload = raw[:8], raw[8:]
    if prefix == _UNICODE:
        text = payload.decode(_utf16_codec(payload), errors="replace")
    elif prefix == _ASCII or prefix == b"\0" * 8:
        text = payload.decode("utf-8", errors="replace")
    else:  # no (or an unknown) prefix: best effort
        text = raw.decode("utf-8", errors="replace")
    text = text.rstrip("\0")
    return text or None


def _utf16_codec(payload: bytes) -> str:
    """A1111 (via piexif) writes big-endian; some tools little-endian, a few with a BOM."""
    if payload[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return "utf-16"
    if len(payload) >= 2 and payload[0] != 0 and payload[1] == 0:
        return "utf-16-le"
    return "utf-16-be"
