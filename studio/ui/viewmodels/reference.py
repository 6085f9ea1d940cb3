"""The Reference images group as a view-model: the IP-Adapter references of the next Generate.

Each reference is a :class:`~studio.domain.reference.ReferenceImage` carrying its picture as
PNG; it comes from an image file, the canvas or a history entry ("#12"). A reference read back
from a recipe keeps its weight, adapter and source but not its picture (a recipe stores only a
hash); Generate refuses it in one line until it is added again. No widgets here: a test drives
it as the panel does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal

from studio.domain.errors import InvalidRequestError
from studio.domain.reference import MAX_REFERENCES, ReferenceImage
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png
from studio.ui.properties import Property
from studio.ui.viewmodels.canvas_source import CanvasReadingViewModel

EMPTY_TEXT = (
    "No reference images. Add one to keep a character's look or a style: from a file, the "
    "canvas, or a history image (right-click > Use as Reference)."
)
"""What the group says while there is no reference (what a reference is for, where from)."""


class ReferenceViewModel(CanvasReadingViewModel):
    """The references of the next Generate, in order (at most :data:`MAX_REFERENCES`)."""

    references: Property[tuple[ReferenceImage, ...]] = Property(())
    references_changed = Signal(object)

    def add_pixels(self, pixels: np.ndarray, source: str) -> int:
        """Add ``pixels`` (RGB or RGBA ``uint8``) as a reference of weight 1; returns its index.

        Raises
        ------
        InvalidRequestError
            With :data:`MAX_REFERENCES` references already.
        """
        if len(self.references) >= MAX_REFERENCES:
            raise InvalidRequestError(
                f"At most {MAX_REFERENCES} reference images: remove one first."
            )
        # The image encoder reads RGB, as `studio generate --reference` gives it.
        added = ReferenceImage(encode_png(pixels[..., :3]), source=source)
        self.references = (*self.references, added)
        return len(self.references) - 1

    def add_file(self, path: Path) -> int:
        """Add the image file at ``path`` as a reference.

        Raises
        ------
        ImageReadError
            One line naming the file (missing, a FIFO, not an image, too large).
        """
        return self.add_pixels(load_pixels(path, mode="RGB"), path.name)

    def add_canvas(self) -> int:
        """Add the canvas image as a reference.

        Raises
        ------
        InvalidRequestError
            When no image is on the canvas.
        """
        return self.add_pixels(self.canvas_pixels(), "canvas")

    def add_png(self, png: bytes, source: str) -> int:
        """Add encoded image bytes (a history entry's) as a reference named ``source``.

        Raises
        ------
        ImageReadError
            Bytes that do not decode (one line naming ``source``).
        """
        return self.add_pixels(load_pixels(png, mode="RGB", name=source), source)

    def set_weight(self, index: int, weight: float) -> None:
        """Change reference ``index``'s weight.

        Raises
        ------
        InvalidRequestError
            A weight out of range; the reference is left as it was.
        """
        changed = replace(self.references[index], weight=weight)
        self.references = (*self.references[:index], changed, *self.references[index + 1 :])

    def remove(self, index: int) -> None:
        """Drop reference ``index``."""
        self.references = self.references[:index] + self.references[index + 1 :]

    def specs(self) -> tuple[ReferenceImage, ...]:
        """The references as the request carries them.

        Raises
        ------
        InvalidRequestError
            One line naming the first reference read back from a recipe without its picture.
        """
        for number, reference in enumerate(self.references, start=1):
            if reference.image is None:
                source = f" ({reference.source})" if reference.source else ""
                raise InvalidRequestError(
                    f"Reference image {number}{source} has no picture (a recipe keeps only its "
                    "hash): add it again from a file, the canvas or history, or remove it."
                )
        return self.references
