"""The images of ControlNet units and references, read from the files an artist names.

``studio generate`` and a batch spec read them the same way: the file decoded through
:func:`~studio.imaging.decode.load_pixels` (special files refused, size bounded before
decoding), a control image made from it as the Control panel makes one, PNG bytes out.
"""

from __future__ import annotations

from pathlib import Path

from studio.imaging.control import make_control_image
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png


def control_png(kind: str, path: Path) -> bytes:
    """PNG bytes of the ``kind`` control image made from the image at ``path``.

    Raises
    ------
    ImageReadError
        One line naming the file when it cannot be read as an image.
    """
    return encode_png(make_control_image(kind, load_pixels(path, mode="RGB")))


def reference_png(path: Path) -> bytes:
    """PNG bytes of the reference image at ``path``, as RGB (what an IP-Adapter reads).

    Raises
    ------
    ImageReadError
        One line naming the file when it cannot be read as an image.
    """
    return encode_png(load_pixels(path, mode="RGB"))
