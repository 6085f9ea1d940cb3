"""What every controller of the window shares: the parts it reports through, wired once.

A controller is built from (view-model, document, facade, parts): the state it turns into
requests, the open project, the job path, and :class:`WindowParts` (canvas, status bar,
notice, undo stack, dialogs) instead of each of those as its own argument. The window makes
the parts once and hands the same bundle to every controller.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from studio.ui.canvas import CanvasView
from studio.ui.dialogs import Dialogs
from studio.ui.document import Document
from studio.ui.notice import NoticeBanner
from studio.ui.status_bar import JobStatusBar
from studio.worker.facade import EngineFacade


@dataclass(frozen=True)
class WindowParts:
    """The window's shared surfaces.

    Parameters
    ----------
    canvas
        Shows the current image, previews and the mask.
    status, notice
        Where a controller says what happened: one line, or a message that stays.
    undo_stack
        The window's undo history (canvas and history edits).
    dialogs
        Everything that asks the user (tests put fixed answers here).
    window
        The parent of the dialogs a controller opens (``None`` in tests without a window).
    """

    canvas: CanvasView
    status: JobStatusBar
    notice: NoticeBanner
    undo_stack: QUndoStack
    dialogs: Dialogs
    window: QWidget | None = None


class Controller(QObject):
    """Base of the window's controllers: the document, the facade and the parts, kept once."""

    def __init__(
        self,
        document: Document,
        facade: EngineFacade,
        parts: WindowParts,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._facade = facade
        self._parts = parts

    @property
    def dialogs(self) -> Dialogs:
        """Where this controller asks the user."""
        return self._parts.dialogs

    @property
    def _canvas(self) -> CanvasView:
        return self._parts.canvas

    @property
    def _status(self) -> JobStatusBar:
        return self._parts.status

    @property
    def _notice(self) -> NoticeBanner:
        return self._parts.notice

    @property
    def _undo(self) -> QUndoStack:
        return self._parts.undo_stack
