"""Style transfer on the canvas: choose styles, apply as a job, undo back to the source."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QUndoCommand

from studio.domain.errors import InvalidRequestError
from studio.domain.history import HistoryEntry
from studio.project.records import DeletedEntry
from studio.ui.controller import Controller
from studio.ui.document import Document
from studio.ui.history_controller import HistoryController
from studio.ui.job_controller import JobController, JobRecord
from studio.ui.style_panel import StylePanel
from studio.ui.viewmodels.style import ChosenStyle

MAX_STYLE_IMAGE_BYTES = 64 * 1024 * 1024


class ApplyStyleCommand(QUndoCommand):
    """The style result as an undoable canvas edit.

    The result is already in history when the command is pushed, so the first redo does
    nothing; undo takes the result out of history and shows the source again with the
    source's recipe, redo puts the very same entry back. Each restores exactly the entry it
    returns to, never a neighbour the list happened to move to.
    """

    def __init__(
        self, document: Document, history: HistoryController, result: HistoryEntry, source_id: int
    ) -> None:
        super().__init__(f"Apply style (#{result.id})")
        self._document = document
        self._history = history
        self._result_id = result.id
        self._source_id = source_id
        self._deleted: DeletedEntry | None = None
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            return
        if self._deleted is not None:
            self._document.restore_entry(self._deleted)
            self._deleted = None
        self._history.show_entry(self._result_id, restore_recipe=True)
        self._applied = True

    def undo(self) -> None:
        self._deleted = self._document.delete_entry(self._result_id)
        if self._source_id:
            self._history.show_entry(self._source_id, restore_recipe=True)
        self._applied = False


class StyleController(Controller):
    """Connects the style panel to the canvas, the worker and the undo stack."""

    def __init__(self, panel: StylePanel, history: HistoryController, jobs: JobController) -> None:
        super().__init__(jobs.context, jobs.context.window)
        self._panel, self._history, self._jobs = panel, history, jobs
        canvas, facade = self._canvas, self._facade

        panel.apply_requested.connect(self.apply)
        panel.style_image_requested.connect(lambda: self.add_style_image())
        panel.canvas_as_style_requested.connect(lambda: self.add_entry_as_style())
        panel.mask_mode_changed.connect(canvas.set_mask_mode)
        panel.clear_mask_requested.connect(canvas.mask_layer.clear)
        panel.brush_size_changed.connect(self._set_brush_size)
        facade.style_presets_ready.connect(panel.set_presets)
        facade.style_presets_failed.connect(panel.set_presets_failed)

    def apply(self) -> int | None:
        """Restyle the canvas image (or its painted area) as a job; returns the job id."""
        source_id = self._history.current_entry_id
        entry = self._document.entry(source_id) if source_id else None
        if entry is None:
            self._notice.show_message(
                "Pick or generate an image first, then apply a style.", "warning"
            )
            return None
        mask = self._canvas.mask_layer.png()
        try:
            request = self._panel.view_model.build_request(
                self._document.image_png(entry.image_id), f"history #{entry.id}", mask
            )
        except InvalidRequestError as exc:
            self._notice.show_message(str(exc), "error")
            return None
        return self._jobs.submit(request, source=entry, on_result=self._on_result)

    def _on_result(self, entry: HistoryEntry, record: JobRecord) -> None:
        # The job's record names the entry it restyled: undo goes back to that one.
        source_id = record.source.id if record.source is not None else 0
        self._undo.push(ApplyStyleCommand(self._document, self._history, entry, source_id))
        self._history.show_entry(entry.id, image=record.shown)

    def add_style_image(self, path: Path | None = None) -> bool:
        """Add an image file as a style; unreadable files are explained, nothing changes."""
        if path is None:
            path = self.dialogs.image_path()
            if path is None:
                return False
        # Decoded now so that bombs and broken files are refused here, not in the job.
        picked = self._read_picked(path, MAX_STYLE_IMAGE_BYTES, "RGB")
        if picked is None:
            return False
        return self._add(ChosenStyle(label=path.name, image=picked[0]))

    def add_entry_as_style(self, entry_id: int | None = None) -> bool:
        """Use a history image (the canvas image by default) as a style."""
        entry_id = entry_id or self._history.current_entry_id
        entry = self._document.entry(entry_id) if entry_id else None
        if entry is None:
            self._notice.show_message("Nothing on the canvas to use as a style.", "warning")
            return False
        return self._add(
            ChosenStyle(label=f"#{entry.id}", image=self._document.image_png(entry.image_id))
        )

    def _add(self, style: ChosenStyle) -> bool:
        if not self._panel.view_model.add_style(style):
            self._notice.show_message(
                "Four styles are the most a blend takes: remove one first.", "warning"
            )
            return False
        return True

    def _set_brush_size(self, size: int) -> None:
        self._canvas.mask_layer.brush_size = size
