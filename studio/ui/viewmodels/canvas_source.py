"""A view-model that takes a picture from the canvas: the Control and Reference images groups.

The window hands it a function that returns what the canvas shows, so "From canvas" reads
the pixels the user sees and the view-model never touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject

from studio.domain.errors import InvalidRequestError
from studio.ui.properties import ViewModel


class CanvasReadingViewModel(ViewModel):
    """Base of a view-model with a "From canvas" action.

    Attributes
    ----------
    canvas_source
        Returns the canvas image as RGBA pixels, or ``None`` when none is shown; the window
        sets it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas_source: Callable[[], np.ndarray | None] = lambda: None

    def canvas_pixels(self) -> np.ndarray:
        """The canvas image as RGBA pixels.

        Raises
        ------
        InvalidRequestError
            When no image is on the canvas.
        """
        pixels = self.canvas_source()
        if pixels is None:
            raise InvalidRequestError("The canvas shows no image: open or generate one first.")
        return pixels
