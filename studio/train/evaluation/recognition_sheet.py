"""A contact sheet of judged sprites: each one enlarged, with the object the scorer saw in it.

Every sprite is shown as the scorer saw it, composited on its background (without the
margin), enlarged with nearest neighbour (its pixels stay visible), and labelled underneath
with the predicted object: green when that is the prompt's object, red when not, so a glance
says which sprites read as what.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from studio.imaging.pixels import upscale_nearest

if TYPE_CHECKING:
    from studio.train.evaluation.recognition import JudgedSprites

SCALE = 2
COLUMNS = 12
LABEL_HEIGHT = 14
GUTTER = 4
RIGHT, WRONG = (0, 140, 0), (200, 0, 0)


def make_recognition_sheet(
    images: np.ndarray,
    predicted: Sequence[str],
    expected: Sequence[str],
    background: int,
    columns: int = COLUMNS,
) -> np.ndarray:
    """uint8 RGB sheet of uint8 RGBA ``images`` labelled with ``predicted[i]``.

    Parameters
    ----------
    background
        The grey level the sprites are composited on (the scorer's own, 0..255).
    """
    from PIL import Image, ImageDraw

    from studio.train.evaluation.features import composite_on_grey

    count, side = len(images), images.shape[1] if len(images) else 1
    rows = max(1, -(-count // columns))
    width, height = side * SCALE, side * SCALE + LABEL_HEIGHT
    sheet = Image.new(
        "RGB",
        (columns * (width + GUTTER) + GUTTER, rows * (height + GUTTER) + GUTTER),
        (255, 255, 255),
    )
    draw = ImageDraw.Draw(sheet)
    draw.fontmode = "1"  # crisp labels in exactly the two colours, like the sprites' pixels
    flat = composite_on_grey(np.asarray(images), background).round().astype(np.uint8)
    for index, (image, guess, truth) in enumerate(zip(flat, predicted, expected, strict=True)):
        row, column = divmod(index, columns)
        left, top = GUTTER + column * (width + GUTTER), GUTTER + row * (height + GUTTER)
        sheet.paste(Image.fromarray(upscale_nearest(image, SCALE), "RGB"), (left, top))
        colour = RIGHT if guess == truth else WRONG
        draw.text((left + 1, top + side * SCALE + 1), guess[: width // 6], fill=colour)
    return np.asarray(sheet)


def save_recognition_sheet(judged: JudgedSprites, path: Path) -> Path:
    """Write the contact sheet of ``judged`` as a PNG at ``path``, atomically."""
    from PIL import Image

    from studio.imaging.atomic import atomic_write_stream
    from studio.train.evaluation.recognition import BACKGROUND

    pixels = make_recognition_sheet(judged.images, judged.predicted, judged.expected, BACKGROUND)
    sheet = Image.fromarray(pixels)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_stream(path, lambda stream: sheet.save(stream, "PNG"))
    return path
