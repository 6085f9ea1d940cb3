"""Reading an image file a person picked (open dialog, drop, style image): bytes and pixels.

Every way a user hands the window a file ends here, so every refusal is one line that names
the file and says what to do, never "the image data ..." with no file in sight.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.domain.errors import ImageReadError
from studio.imaging.decode import FORMAT_NAMES, UnknownFormatError, load_pixels
from studio.imaging.sources import open_source


def read_picked_image(
    path: Path, *, max_bytes: int, mode: str = "RGBA"
) -> tuple[bytes, np.ndarray]:
    """Read ``path`` once and decode it.

    Parameters
    ----------
    path
        The file the user chose or dropped.
    max_bytes
        Largest file accepted; bigger files are refused before they are read whole.
    mode
        ``"RGBA"`` or ``"RGB"`` pixels.

    Returns
    -------
    (data, pixels)
        The file's bytes as they are (its recipe stays in them) and the decoded pixels.

    Raises
    ------
    ImageReadError
        One line naming the file: missing, a folder or special file, unreadable, too large,
        not an image, damaged. Each says what to do.
    """
    name = path.name or str(path)
    with open_source(path) as stream:  # refuses FIFOs and devices, names the file
        try:
            data = stream.read(max_bytes + 1)
        except OSError as exc:
            raise ImageReadError(
                f"{name} cannot be read ({exc.strerror or exc}): pick another file."
            ) from None
    if len(data) > max_bytes:
        raise ImageReadError(
            f"{name} is larger than {max_bytes / (1024 * 1024):g} MB: pick a smaller image."
        )
    try:
        pixels = load_pixels(data, mode=mode, name=name)
    except UnknownFormatError:
        raise ImageReadError(
            f"{name} is not an image Studio can read ({FORMAT_NAMES}): pick another file."
        ) from None
    except ImageReadError as exc:
        raise ImageReadError(f"{str(exc).rstrip('.')}: pick another file.") from None
    return data, pixels
