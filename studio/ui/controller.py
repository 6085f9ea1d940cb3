"""What every controller of the window shares: its context, wired once.

A controller is built from its view-model (the state it turns into requests) and one
:class:`WindowContext`: the open project, the job path, and the window's shared surfaces
(canvas, status bar, notice, undo stack, dialogs), instead of each of those as its own
argument. The window makes the context once and hands it to every controller.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from studio.domain.errors import StudioError
from studio.imaging.picked import read_picked_image
from studio.ui.canvas import CanvasView
from studio.ui.dialogs import Dialogs
from studio.ui.document import Document
from studio.ui.notice import NoticeBanner
from studio.ui.status_bar import JobStatusBar
from studio.worker.facade import EngineFacade


@dataclass(frozen=True)
class WindowContext:
    """What the window's controllers share.

    Parameters
    ----------
    document, facade
        The open project and the job path (the worker's GUI-thread facade).
    canvas
        Shows the current image, previews and the mask.
    status, notice
        Where a controller says what happened: one line, or a message that stays.
    undo_stack
        The window's undo history (canvas and history edits).
    dialogs
        Everything that asks the user (tests put fixed answers here).
    window
        The parent of the dialogs and actions a controller makes (``None`` without a window).
    """

    document: Document
    facade: EngineFacade
    canvas: CanvasView
    status: JobStatusBar
    notice: NoticeBanner
    undo_stack: QUndoStack
    dialogs: Dialogs
    window: QWidget | None = None


class Controller(QObject):
    """Base of the window's controllers: the context's parts under short names, kept once."""

    def __init__(self, context: WindowContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Public: a controller built on another (style on jobs) takes its context.
        self.context, self.dialogs = context, context.dialogs
        self._document, self._facade = context.document, context.facade
        self._canvas, self._undo = context.canvas, context.undo_stack
        self._status, self._notice = context.status, context.notice

    def _read_picked(
        self, path: Path, max_bytes: int, mode: str
    ) -> tuple[bytes, np.ndarray] | None:
        """A file the user picked, read and decoded (bombs and broken files refused now);
        ``None`` after saying why it cannot be used."""
        try:
            return read_picked_image(path, max_bytes=max_bytes, mode=mode)
        except StudioError as exc:
            self._notice.show_message(str(exc), "error")
            return None
