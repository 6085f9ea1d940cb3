"""What every export dialog does around its export job: one home for the job's life.

The Export Sprite Sheet and Export Tile Set dialogs each build a preview and a request of their
own; the rest is the same and lives here: the busy bar and Export…/Cancel buttons, asking for a
folder and before replacing an earlier export, submitting the request to the worker's CPU lane,
remembering the settings once every file is written, and cancel-on-Esc (the dialog stays until
the job says how it ended). A dialog supplies only what differs (see :class:`ExportJobDialog`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QWidget,
)

from studio.domain.errors import StudioError
from studio.domain.jobs import ExportRequest
from studio.ui.document import Document
from studio.ui.job_records import EditOwner, JobRecord
from studio.ui.viewmodels.export_settings import ExportSettingsViewModel

_W = TypeVar("_W", bound=QWidget)
# How many names the replace question lists before it says "and N more".
_NAMES_SHOWN = 6


def named(widget: _W, name: str) -> _W:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


class ExportJobs(Protocol):
    """Where an export runs: :class:`studio.ui.job_controller.JobController`."""

    def submit_export(self, request: ExportRequest, owner: EditOwner) -> int: ...

    def cancel_job(self, job_id: int) -> None: ...


class ExportJobDialog(QDialog):
    """A dialog that writes an export as a job on the CPU lane.

    A form subclass names its :attr:`view_model_class` and builds its widgets in
    :meth:`_build` (calling :meth:`_job_controls` for the busy bar and buttons, setting
    ``summary``) and binds them in :meth:`_bind`; the dialog sets ``_document`` and ``_jobs``
    and supplies
    :attr:`what`, :attr:`state_key`, :meth:`ready`, :meth:`refresh` (its preview, run by
    :attr:`preview_timer`), :meth:`files_to_replace` and :meth:`_build_request`.

    Signals
    -------
    export_requested()
        The user pressed Export…; the dialog asks for a folder and starts the job.
    export_ended(str, str)
        The export job ended: ``"finished"`` (the dialog then closes), ``"failed"`` with its
        one-line message, or ``"cancelled"``.
    """

    export_requested = Signal()
    export_ended = Signal(str, str)

    #: The thing exported, as the replace question names it ("sprite sheet").
    what = "export"
    #: Where the project remembers the settings of the last export.
    state_key = ""
    #: The form's view-model (what the project remembers), made with the dialog.
    view_model_class: type[ExportSettingsViewModel] = ExportSettingsViewModel

    view_model: ExportSettingsViewModel
    summary: QLabel
    _document: Document
    _jobs: ExportJobs

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._export: tuple[int, Path] | None = None  # the running export: job id, folder
        self.error: str | None = None
        self.written: list[Path] = []
        # Choices made for this export only (by the action that opened the dialog): the name
        # -> (the remembered value, the one set). The project keeps remembering the former.
        self._not_remembered: dict[str, tuple[object, object]] = {}
        # Previews are rebuilt a moment after the last change, not on every keystroke.
        self.preview_timer = QTimer(self, singleShot=True, interval=120)
        self.preview_timer.timeout.connect(self.refresh)
        self.export_requested.connect(self._on_export)
        self.view_model = self.view_model_class(self)
        self._build()
        self._bind()

    def _job_controls(self, busy_name: str) -> tuple[QProgressBar, QDialogButtonBox]:
        """The busy bar (shown while the job runs) and the Export…/Cancel buttons."""
        self.busy_bar = named(QProgressBar(minimum=0, maximum=0), busy_name)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export…")
        self.buttons.accepted.connect(self.export_requested)
        self.buttons.rejected.connect(self.reject)
        return self.busy_bar, self.buttons

    # -- what a form and a dialog supply ----------------------------------------------------

    def _build(self) -> None:
        """Make the form's widgets and lay them out."""
        raise NotImplementedError

    def _bind(self) -> None:
        """Bind the form's widgets to :attr:`view_model`."""
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether the preview holds something to export."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Build the preview now (the preview timer runs this a moment after a change)."""
        raise NotImplementedError

    def files_to_replace(self, folder: Path) -> list[str]:
        """The names an export into ``folder`` would replace (the user is asked first)."""
        raise NotImplementedError

    def _build_request(self, folder: Path) -> ExportRequest:
        raise NotImplementedError

    def set_for_this_export(self, **values: object) -> None:
        """Set view-model choices for this export only (a character sheet's file name):
        the project goes on remembering the earlier ones, unless the user changes them."""
        for name, value in values.items():
            earlier = self._not_remembered.get(name, (getattr(self.view_model, name),))[0]
            self._not_remembered[name] = (earlier, value)
            setattr(self.view_model, name, value)

    def _remembered_settings(self) -> dict[str, object]:
        settings = self.view_model.settings()
        for name, (earlier, value) in self._not_remembered.items():
            if settings.get(name) == value:
                settings[name] = earlier
        return settings

    # -- the export job ---------------------------------------------------------------------

    def _schedule_refresh(self, *_args: object) -> None:
        self.preview_timer.start()

    @property
    def exporting(self) -> bool:
        """True from the moment an export is submitted until it ends."""
        return self._export is not None

    def export_to(self, folder: Path) -> int:
        """Start writing the export into ``folder``, as a job on the CPU lane; the job id.

        The export path of the CLI too (:mod:`studio.ops.export`): every file or none. Files
        of an earlier export are replaced (:meth:`_on_export` asks first). The end comes to
        :meth:`job_ended` (and :attr:`export_ended`).

        Raises
        ------
        StudioError
            Nothing to export (the reason the preview shows), or a choice the form cannot
            read (one line).
        """
        if not self.ready():
            raise StudioError(self.error or "Nothing to export.")
        request = self._build_request(Path(folder))
        job_id = self._jobs.submit_export(request, self)
        self._export = (job_id, Path(folder))
        self.summary.setText(f"Exporting to {folder}…")
        self._enable_buttons()
        return job_id

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """The export job ended (see :class:`~studio.ui.job_records.EditOwner`)."""
        folder = self._export[1] if self._export is not None else None
        self._export = None
        self._enable_buttons()
        if outcome == "finished" and folder is not None:
            self.written = list(record.written)
            self.view_model.folder = str(folder)
            self._document.save_export_settings(self.state_key, self._remembered_settings())
        elif outcome == "failed":
            self.summary.setText(f"Could not export: {message}")
        else:
            self.summary.setText("Not exported: the export was cancelled.")
        self.export_ended.emit(outcome, message)
        if outcome == "finished":
            self.accept()

    def _enable_buttons(self) -> None:
        self.busy_bar.setVisible(self.exporting)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not self.exporting and self.ready())
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Cancel the export" if self.exporting else "Close without exporting")

    def reject(self) -> None:
        """Cancel, Esc or the close button: while exporting, cancel the export (the dialog
        stays until the job says how it ended); otherwise close."""
        if self._export is not None:
            self._jobs.cancel_job(self._export[0])
            self.summary.setText("Cancelling the export…")
            return
        super().reject()

    def done(self, result: int) -> None:
        """Close the dialog; a preview still waiting for its moment is dropped."""
        self.preview_timer.stop()
        super().done(result)

    def confirm_replace(self, folder: Path, names: list[str]) -> bool:
        """Ask before an export replaces files already in ``folder`` (as ``-o`` never does
        without ``--overwrite``); tests replace this method."""
        answer = QMessageBox.question(
            self,
            f"Replace the earlier {self.what}?",
            replace_question(folder, names, self.what),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_export(self) -> None:
        if self.exporting:
            return
        chosen = QFileDialog.getExistingDirectory(
            self, f"{self.windowTitle()} To", self.view_model.folder
        )
        if not chosen:
            return
        folder = Path(chosen)
        replaced = self.files_to_replace(folder)
        if replaced and not self.confirm_replace(folder, replaced):
            self.summary.setText("Not exported: choose another folder, or agree to replace.")
            return
        try:
            self.export_to(folder)
        except StudioError as exc:
            self.summary.setText(f"Could not export: {exc}")


def replace_question(folder: Path, names: list[str], what: str) -> str:
    """The question before an export of ``what`` replaces ``names`` in ``folder``.

    Parameters
    ----------
    folder
        Where the export goes.
    names
        The files already there that it would replace (a long list is cut short).
    what
        The thing exported, e.g. ``"sprite sheet"``.
    """
    shown = ", ".join(names[:_NAMES_SHOWN])
    if len(names) > _NAMES_SHOWN:
        shown += f" and {len(names) - _NAMES_SHOWN} more"
    pronoun = "it" if len(names) == 1 else "them"
    return f"{folder} already holds {shown}.\n\nReplace {pronoun} with this {what}?"
