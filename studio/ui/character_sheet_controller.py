"""Character Sheet…: the dialog on a history entry, its one job, and the sheet export.

The frames are one :class:`~studio.domain.character_sheet.CharacterSheetRequest` job on the
GPU lane (the engine's character sheet, the path of ``studio frames``): progress per frame
in the dialog, Cancel between steps, each frame committed to the history the moment it exists
(a cancelled job keeps the frames it made). "Export sheet…" opens the Export Sprite Sheet
dialog with those frames checked, named ``walk_0``... and grouped as the animation at the
chosen fps, so every engine format the exporter writes carries it.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from studio.domain.errors import StudioError
from studio.domain.history import HistoryEntry
from studio.domain.results import ProgressUpdate
from studio.ops.character_sheet import recipe_request
from studio.ui.actions import WindowActions
from studio.ui.character_sheet_dialog import CharacterSheetDialog
from studio.ui.controller import Controller, WindowContext
from studio.ui.game_export_controller import GameExportController
from studio.ui.history_controller import HistoryController
from studio.ui.history_panel import HistoryPanel
from studio.ui.job_controller import JobController
from studio.ui.job_records import JobRecord
from studio.ui.sheet_export_dialog import SheetExportDialog
from studio.ui.sheet_export_form import ENTRY_ROLE
from studio.ui.viewmodels.character_sheet import CharacterSheetViewModel
from studio.ui.viewmodels.generate import GenerateViewModel


class _Window(Protocol):
    """The parts of the main window the action is wired to (no import of the window)."""

    context: WindowContext
    jobs: JobController
    generate_vm: GenerateViewModel
    game: GameExportController
    menu_actions: WindowActions
    history: HistoryController
    history_panel: HistoryPanel


class CharacterSheetController(Controller):
    """Opens Character Sheet dialogs and runs their jobs.

    Signals
    -------
    frame_made(int, QImage)
        A frame entered the history: its entry id and its pixels (the window shows it).
    """

    frame_made = Signal(int, object)

    def __init__(
        self,
        context: WindowContext,
        jobs: JobController,
        generate: GenerateViewModel,
        game: GameExportController,
    ) -> None:
        super().__init__(context, context.window)
        self._jobs, self._generate, self._game = jobs, generate, game
        self._dialogs: dict[int, CharacterSheetDialog] = {}  # by the job id it runs
        context.facade.progress.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        """True while a character sheet job runs or waits."""
        return bool(self._dialogs)

    def dialog_for(
        self, entry_id: int, parent: QWidget | None = None
    ) -> CharacterSheetDialog | None:
        """The dialog on history entry ``entry_id`` (not yet shown); ``None`` without one."""
        entry = self._document.entry(entry_id) if entry_id else None
        if entry is None:
            self._status.say("Pick an image in the history first")
            return None
        view_model = CharacterSheetViewModel(
            entry.id,
            self._document.image_png(entry.image_id),
            _request_of(entry),
            tuple(self._generate.models),
            self._generate.model,
        )
        dialog = CharacterSheetDialog(view_model, parent)
        view_model.setParent(dialog)
        dialog.make_requested.connect(lambda: self.make(dialog))
        dialog.cancel_requested.connect(lambda: self.cancel(dialog))
        dialog.export_requested.connect(lambda: self.export(dialog).open())
        dialog.finished.connect(lambda _result: self._let_go(dialog))
        return dialog

    def open_for(self, entry_id: int, parent: QWidget | None = None) -> None:
        dialog = self.dialog_for(entry_id, parent)
        if dialog is not None:
            dialog.open()

    def make(self, dialog: CharacterSheetDialog) -> int | None:
        """Submit the dialog's frames as one job; ``None`` (and the reason shown) if not."""
        vm = dialog.view_model
        try:
            request = vm.build_request()
        except StudioError as exc:
            dialog.say(str(exc))
            return None
        # Each frame is shown as it lands (on_result); this controller hears the end.
        job_id = self._jobs.submit_edit(
            request, self, lambda entry, record: self._on_frame(dialog, entry, record)
        )
        if job_id is None:
            dialog.say("The project is open read-only: no frame can be added.")
            return None
        vm.frames, vm.running = (), True
        self._dialogs[job_id] = dialog
        dialog.say(f"Making {vm.frame_count} frames…")
        self._status.task_started(f"Character sheet: {vm.frame_count} frames…")
        return job_id

    def cancel(self, dialog: CharacterSheetDialog) -> None:
        """Stop the dialog's job; the frames made so far stay in the history."""
        for job_id, owner in self._dialogs.items():
            if owner is dialog:
                self._jobs.cancel_job(job_id)
                dialog.say("Cancelling…")

    def export(self, dialog: CharacterSheetDialog) -> SheetExportDialog:
        """The Export Sprite Sheet dialog on the frames, named and grouped as the animation."""
        vm = dialog.view_model
        sheet = self._game.sheet_dialog(list(vm.frames), dialog)
        names = dict(zip(vm.frames, vm.frame_names(), strict=True))
        for row in range(sheet.entries.count()):
            item = sheet.entries.item(row)
            if item.data(ENTRY_ROLE) in names:
                item.setText(names[item.data(ENTRY_ROLE)])
        sequence = vm.timed_sequence()
        sheet.add_animation(sequence.name, sequence.fps, list(vm.frame_names()))
        # The files are walk.png, walk.tres...; the next ordinary export keeps its own name.
        sheet.set_for_this_export(name=sequence.name)
        sheet.repack()
        return sheet

    def _let_go(self, dialog: CharacterSheetDialog) -> None:
        # A closed dialog goes, unless its job still reports to it (then it goes at the end).
        if dialog not in self._dialogs.values():
            dialog.deleteLater()

    def _on_frame(
        self, dialog: CharacterSheetDialog, entry: HistoryEntry, record: JobRecord
    ) -> None:
        dialog.view_model.add_frame(entry.id)
        self.frame_made.emit(entry.id, record.shown)

    def _on_progress(self, job_id: int, update: ProgressUpdate) -> None:
        dialog = self._dialogs.get(job_id)
        if dialog is not None:
            dialog.show_progress(update)
            self._status.task_progress(update.step, update.total)

    def job_ended(self, record: JobRecord, outcome: str, message: str) -> None:
        """The end of a sheet's job (see :class:`~studio.ui.job_records.EditOwner`)."""
        dialog = self._dialogs.pop(record.job_id, None)
        if not self._dialogs:
            self._status.task_ended()
        if dialog is None:
            return
        if not dialog.isVisible():  # closed while its job ran: nobody reads it any more
            dialog.deleteLater()
        vm = dialog.view_model
        vm.running = False
        made = f"{len(vm.frames)} of {vm.frame_count} frames"
        if outcome == "failed":
            dialog.say(f"Not made: {message}")
        elif outcome == "cancelled":
            dialog.say(f"Cancelled: {made} kept in the history.")
        elif vm.can_export():
            dialog.say(f"Done: {made} in the history. Export sheet… writes them as one sheet.")
        else:
            dialog.say(f"Done: {made}; a sheet needs every frame, so make it again.")
        self._status.say(f"Character sheet: {made}")


def _request_of(entry: HistoryEntry) -> dict[str, object]:
    values = recipe_request(entry.recipe)
    if not values.get("prompt"):
        values["prompt"] = entry.prompt
    return values


def attach_character_sheets(window: _Window) -> CharacterSheetController:
    """Build the controller and wire the window's Character Sheet… action and history menu."""
    sheets = CharacterSheetController(window.context, window.jobs, window.generate_vm, window.game)
    parent = window.context.window
    window.menu_actions.character_sheet.triggered.connect(
        lambda: sheets.open_for(window.history.current_entry_id, parent)
    )
    window.history_panel.character_sheet_requested.connect(lambda i: sheets.open_for(i, parent))
    sheets.frame_made.connect(
        lambda entry_id, image: window.history.show_entry(entry_id, image=image)
    )
    return sheets
