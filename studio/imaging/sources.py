"""Where image bytes come from: a path or bytes, opened the same way everywhere."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from studio.domain.errors import ImageReadError
from studio.domain.files import require_regular_file

ImageSource = str | Path | bytes


def describe_source(source: ImageSource) -> str:
    """Name of ``source`` as a person sees it: the file name, or "the image data" for bytes."""
    if isinstance(source, bytes | bytearray | memoryview):
        return "the image data"
    return Path(source).name or str(source)


@contextmanager
def open_source(source: ImageSource) -> Iterator[BinaryIO]:
    """Open ``source`` as a seekable binary stream, closed when the block ends.

    Raises
    ------
    ImageReadError
        If a path is missing, a folder or unreadable; the message names the file.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(bytes(source))
        return
    name = describe_source(source)
    require_regular_file(source, ImageReadError)  # a FIFO would block the open below forever
    try:
        stream = open(source, "rb")  # noqa: SIM115  (closed below, after the with-body ran)
    except FileNotFoundError:
        raise ImageReadError(f"{name} was not found; check the path.") from None
    except IsADirectoryError:
        raise ImageReadError(f"{name} is a folder, not an image file.") from None
    except PermissionError:
        raise ImageReadError(
            f"{name} cannot be read: permission denied; check its permissions."
        ) from None
    except OSError as exc:
        raise ImageReadError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    with stream:
        yield stream
