"""EXIF UserComment text as different tools write it."""

from __future__ import annotations

import pytest

from studio.imaging.exif import decode_user_comment


@pytest.mark.parametrize(
    "raw",
    [
        b"UNICODE\0" + "a cat, 猫\nSteps: 20".encode("utf-16-be"),  # A1111 (piexif)
        b"UNICODE\0" + "a cat, 猫\nSteps: 20".encode("utf-16-le"),
        b"UNICODE\0" + "a cat, 猫\nSteps: 20".encode("utf-16"),  # with a byte-order mark
        b"ASCII\0\0\0" + "a cat, 猫\nSteps: 20".encode(),
        "a cat, 猫\nSteps: 20".encode() + b"\0\0",
        "a cat, 猫\nSteps: 20",
    ],
    ids=["utf16-be", "utf16-le", "utf16-bom", "ascii", "no-prefix", "str"],
)
def test_user_comment_encodings(raw: bytes | str) -> None:
    assert decode_user_comment(raw) == "a cat, 猫\nSteps: 20"


def test_empty_user_comments_are_none() -> None:
    assert decode_user_comment(None) is None
    assert decode_user_comment(b"") is None
    assert decode_user_comment(b"UNICODE\0") is None
    assert decode_user_comment(b"\0" * 16) is None
