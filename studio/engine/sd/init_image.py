"""Reading the image-to-image source image from PNG (or other) bytes, defensively.

Pillow's decompression-bomb check is an error here, not a warning, and truncated files are
errors (RELIABILITY 14). The image is flattened to RGB and resized to the request's size.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from studio.domain.errors import ImageReadError

MAX_INIT_PIXELS = 64 * 1024 * 1024


def read_init_image(data: bytes, width: int, height: int) -> Any:
    """Decode ``data`` into an RGB ``PIL.Image`` of ``width`` x ``height``.

    Raises
    ------
    ImageReadError
        If the bytes are not a readable image, are truncated or are absurdly large.
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_INIT_PIXELS:
                    raise ImageReadError(
                        f"The source image is too large ({opened.width}x{opened.height}): "
                        "use a smaller one."
                    )
                opened.load()
                image = _flatten(opened)
    except ImageReadError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise ImageReadError(
            f"The source image could not be read ({exc}): use a PNG or JPEG file."
        ) from None
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image


def _flatten(image: Any) -> Any:
    from PIL import Image

    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
