"""The main window: prompt panel, canvas and history, wired to the worker and the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QTabWidget

from studio.domain.errors import InvalidRequestError
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelInfo
from studio.domain.request_limits import random_seed
from studio.domain.settings import EngineSettings
from studio.ui.actions import build_actions, build_menus
from studio.ui.batch_dialog import BatchDialog
from studio.ui.canvas import CanvasView
from studio.ui.character_sheet_controller import attach_character_sheets
from studio.ui.close_guard import CloseGuard
from studio.ui.control_panel import canvas_pixels
from studio.ui.controller import WindowContext
from studio.ui.dialogs import Dialogs
from studio.ui.document import Document
from studio.ui.edit_actions import add_edit_menus
from studio.ui.edit_controller import EditController
from studio.ui.edit_panel import EditPanel
from studio.ui.file_controller import FileController, FilePlaces
from studio.ui.game_export_controller import GameExportController
from studio.ui.history_controller import HistoryController
from studio.ui.history_model import HistoryModel
from studio.ui.history_panel import HistoryPanel
from studio.ui.job_controller import JobController
from studio.ui.lora_picker import LoraPicker
from studio.ui.model_gate import ModelGate
from studio.ui.notice import NoticeBanner
from studio.ui.prompt_panel import PromptPanel
from studio.ui.status_bar import JobStatusBar
from studio.ui.style_controller import StyleController
from studio.ui.style_panel import StylePanel
from studio.ui.tileset_dialog import open_tileset_export
from studio.ui.viewmodels.addons import AddonsViewModel
from studio.ui.viewmodels.generate import GenerateViewModel
from studio.ui.viewmodels.style import StyleViewModel
from studio.ui.window_layout import (
    NO_MODEL_MESSAGE,
    READY_MESSAGE,
    generate_tab,
    main_splitter,
    restore_geometry,
    save_geometry,
)
from studio.worker.facade import EngineFacade


class MainWindow(QMainWindow):
    """Composes the panels and the controllers; owns no logic beyond window events."""

    def __init__(
        self,
        facade: EngineFacade,
        document: Document,
        *,
        engine_settings: EngineSettings | None = None,
        settings_path: Path | None = None,
        recovery_dir: Path,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.facade = facade
        self.document = document
        self.undo_stack = QUndoStack(self)
        self._closing_done = False
        self.generate_vm = GenerateViewModel(self)
        self.addons_vm = AddonsViewModel(self.generate_vm, self)
        self._build_widgets()
        self.context = WindowContext(
            document,
            facade,
            self.canvas,
            self.status,
            self.notice,
            self.undo_stack,
            dialogs or Dialogs(self),
            self,
        )
        vm = self.generate_vm
        self.jobs = JobController(vm, self.context)
        self.history = HistoryController(vm, self.context, self.history_panel)
        places = FilePlaces(engine_settings or EngineSettings(), settings_path, recovery_dir)
        self.files = FileController(self.context, places, self.ui_state)
        self.styling = StyleController(self.style_panel, self.history, self.jobs)
        self.game = GameExportController(self.context, self.jobs)
        self.menu_actions = build_actions(self, self.undo_stack)
        build_menus(self.menuBar(), self.menu_actions)
        self.edits = self._build_edits()
        self.gate = self._build_gate()
        self.close_guard = CloseGuard(
            facade,
            self.jobs,
            (self.game, self.edits),
            self.context.dialogs,
            self.status,
            self.close,
        )
        self._connect()
        self.sheets = attach_character_sheets(self)  # Character Sheet… (menu, history)
        self.setAcceptDrops(True)
        self.resize(1400, 880)
        self.splitter.setSizes([360, 720, 320])
        restore_geometry(self, self.splitter)
        self._on_document_reloaded()
        # The composition root asked the worker to warm up before building this window; the
        # model list and the (shipped) style thumbnails follow in that order.
        facade.refresh_models()
        facade.refresh_addons()
        facade.load_style_presets()

    def _build_edits(self) -> EditController:
        edits = EditController(self.generate_vm, self.history, self.jobs)
        edits.bind_panel(self.edit_panel)
        add_edit_menus(self.menuBar(), edits.actions)
        self.history.leaving.connect(edits.leave)
        self.history.current_changed.connect(
            lambda entry_id: edits.canvas_changed(entry_id, self._recipe_of(entry_id))
        )
        return edits

    def _build_gate(self) -> ModelGate:
        # What the chosen model cannot do is disabled with the reason, never offered and then
        # refused (RELIABILITY 26).
        gate = ModelGate(self.prompt_panel, self)
        gate.require(self.menu_actions.use_as_init, "img2img")
        gate.require(self.edits.actions.outpaint, "inpaint")
        gate.require(self.edits.actions.paint_mask, "inpaint")
        gate.require(self.edits.actions.vary, "variation")
        self.edits.edit_refusal = gate.refusal
        self.history.edit_refusal = gate.refusal
        self.history_panel.init_refusal = lambda: gate.refusal("img2img")
        self.history_panel.reference_refusal = lambda: gate.refusal("reference")
        return gate

    def _recipe_of(self, entry_id: int) -> object:
        entry = self.document.entry(entry_id) if entry_id else None
        return entry.recipe if entry is not None else None

    def _build_widgets(self) -> None:
        self.prompt_panel = PromptPanel(self.generate_vm)
        self.style_panel = StylePanel(StyleViewModel(self))
        self.tools = QTabWidget()
        self.tools.setObjectName("toolTabs")
        self.edit_panel = EditPanel(self.generate_vm)
        self.lora_picker = LoraPicker(self.addons_vm)
        self.tools.addTab(
            generate_tab(self.prompt_panel, self.lora_picker, self.edit_panel), "Generate"
        )
        self.tools.addTab(self.style_panel, "Style")
        self.canvas = CanvasView()
        self.generate_vm.control.canvas_source = lambda: canvas_pixels(self.canvas.image())
        self.generate_vm.reference.canvas_source = self.generate_vm.control.canvas_source
        self.notice = NoticeBanner()
        self.history_model = HistoryModel(self.document.thumbnail_png, self)
        self.history_panel = HistoryPanel(self.history_model)
        self.splitter = main_splitter(self.tools, self.notice, self.canvas, self.history_panel)
        self.setCentralWidget(self.splitter)
        self.status = JobStatusBar()
        self.setStatusBar(self.status)

    def _connect(self) -> None:
        a, files = self.menu_actions, self.files
        a.new.triggered.connect(files.new_project)
        a.open.triggered.connect(lambda: files.open_project())
        a.save.triggered.connect(files.save)
        a.save_as.triggered.connect(lambda: files.save_as())
        a.import_image.triggered.connect(lambda: files.import_image())
        for scale, action in a.export.items():
            action.triggered.connect(
                lambda _=False, s=scale: files.export_image(self.history.current_entry_id, s)
            )
        current = lambda: self.history.current_entry_id  # noqa: E731
        a.export_sheet.triggered.connect(lambda: self.game.open_sheet_export([current()], self))
        a.remove_background.triggered.connect(lambda: self.game.remove_background(current()))
        a.lock_palette.triggered.connect(lambda: self.game.open_palette_lock(current(), self))
        a.pixelate.triggered.connect(lambda: self.game.open_pixelate(current(), self))
        a.upscale.triggered.connect(lambda: self.game.open_upscale(current(), self))
        a.export_tileset.triggered.connect(
            lambda: open_tileset_export(self.document, self.jobs, [current()], self, self.status)
        )
        a.add_model_file.triggered.connect(lambda: files.add_model())
        a.add_model_folder.triggered.connect(lambda: files.add_model(folder=True))
        a.quit.triggered.connect(self.close)
        a.generate.triggered.connect(self.jobs.generate)
        a.batch.triggered.connect(self.open_batch)
        a.cancel.triggered.connect(self.jobs.cancel)
        a.use_as_init.triggered.connect(lambda: self.history.use_as_init())
        a.apply_style.triggered.connect(self._apply_style)
        a.zoom_in.triggered.connect(self.canvas.zoom_in)
        a.zoom_out.triggered.connect(self.canvas.zoom_out)
        a.fit.triggered.connect(self.canvas.fit)
        a.actual_size.triggered.connect(self.canvas.actual_size)

        self.prompt_panel.generate_requested.connect(self.jobs.generate)
        self.prompt_panel.cancel_requested.connect(self.jobs.cancel)
        self.prompt_panel.init_image_cleared.connect(lambda: self.history.set_init_image(None))
        self.jobs.image_committed.connect(lambda e, im: self.history.show_entry(e.id, image=im))
        self.history_panel.export_requested.connect(lambda i: files.export_image(i))
        self.history_panel.use_as_style_requested.connect(self.styling.add_entry_as_style)
        self.history_panel.sheet_export_requested.connect(
            lambda i: self.game.open_sheet_export([i], self)
        )
        self.history_panel.remove_background_requested.connect(self.game.remove_background)
        self.history_panel.upscale_requested.connect(lambda i: self.game.open_upscale(i, self))
        self.game.image_edited.connect(lambda i, im: self.history.show_entry(i, image=im))
        files.image_imported.connect(self._on_image_imported)
        self.document.title_changed.connect(self.setWindowTitle)
        self.document.reloaded.connect(self._on_document_reloaded)
        self.facade.models_changed.connect(self._on_models_changed)
        self.facade.addons_changed.connect(self._on_addons_changed)
        # After "Finish, then Quit", the last job or edit to end closes the window (queued,
        # so the job's own end-of-job handling has run first).
        self.facade.busy_changed.connect(
            lambda _busy: self.close_guard.close_if_done(), Qt.ConnectionType.QueuedConnection
        )
        for edits in (self.game, self.edits):
            edits.edit_ended.connect(
                self.close_guard.close_if_done, Qt.ConnectionType.QueuedConnection
            )
        self.facade.models_failed.connect(lambda m: self.notice.show_message(m, "error"))

    # -- state ------------------------------------------------------------------------------

    def ui_state(self) -> dict[str, Any]:
        """What reopening the project restores: prompt panel and canvas."""
        return {
            "prompt_panel": self.generate_vm.state(),
            "canvas": {"entry_id": self.history.current_entry_id},
        }

    def _on_document_reloaded(self) -> None:
        self.undo_stack.clear()
        self.edits.forget_all()
        self.history.reload()
        self.setWindowTitle(self.document.title())
        state = self.document.ui_state()
        if isinstance(state.get("prompt_panel"), dict):
            try:
                self.generate_vm.restore_state(state["prompt_panel"])
            except InvalidRequestError as exc:
                self.notice.show_message(
                    f"The prompt panel saved in this project was not restored ({exc}).", "warning"
                )
        entry_id = state.get("canvas", {}).get("entry_id") if isinstance(state, dict) else None
        if isinstance(entry_id, int) and entry_id:
            self.history.show_entry(entry_id)
        self._update_generate_availability()

    def _on_models_changed(self, models: list[ModelInfo]) -> None:
        self.prompt_panel.set_models(models)
        # Refilling the model list emits no change of choice; the gate must still follow.
        self.gate.update()
        self._update_generate_availability()

    def _on_addons_changed(self, addons: list[AddonInfo]) -> None:
        self.addons_vm.addons = tuple(addons)
        self.generate_vm.addons = tuple(addons)  # "Transparent background: native" needs them

    def _update_generate_availability(self) -> None:
        has_models = bool(self.generate_vm.models)
        self.canvas.set_empty_message(READY_MESSAGE if has_models else NO_MODEL_MESSAGE)
        if self.document.read_only:
            self.prompt_panel.set_can_generate(False, "This project is open read-only")
        else:
            self.prompt_panel.set_can_generate(has_models, "Add a model first (File menu)")
        self.menu_actions.generate.setEnabled(has_models and not self.document.read_only)

    def open_batch(self) -> BatchDialog | None:
        """Image > Batch…: show the prompt's expansion; Queue submits each image as a job."""
        try:
            base = self.generate_vm.build_request()
        except InvalidRequestError as exc:
            self.notice.show_message(str(exc), "error")
            return None
        dialog = BatchDialog(base, base.seed if base.seed is not None else random_seed(), self)
        dialog.accepted.connect(lambda: self._queue_batch(dialog.items))
        dialog.open()
        return dialog

    def _queue_batch(self, items: list) -> None:
        self.jobs.submit_batch([item.request for item in items])

    def _apply_style(self) -> None:
        self.tools.setCurrentWidget(self.style_panel)
        self.styling.apply()

    def _on_image_imported(self, entry_id: int, request: dict | None) -> None:
        self.history.show_entry(entry_id)
        if request:
            try:
                self.generate_vm.apply_request(request, lock_seed=True)
            except InvalidRequestError as exc:
                self.notice.show_message(
                    f"The image was added; its recipe was not restored ({exc}).", "warning"
                )

    # -- window events ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        # Any local file is taken: one that is no image is named in the notice, rather than
        # the drop being silently refused.
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        for path in paths:
            self.files.import_image(path)
        if paths:
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_done:
            event.accept()
            return
        if not self.close_guard.may_close():
            event.ignore()
            return
        if not self.files.keep_work_before_leaving():
            event.ignore()
            return
        self.shut_down(discard=self.document.is_untitled)
        event.accept()

    def shut_down(self, *, discard: bool) -> None:
        """Stop the worker (cancelling any job), save state and close the project."""
        self._closing_done = True
        self.files.save_state_and_stop()
        save_geometry(self, self.splitter)
        # Cancels and joins both lanes of the worker: generation and image edits.
        self.facade.shutdown()
        # Images the worker finished before it stopped are still queued as events for this
        # thread: commit them before the project closes ("finished images are saved").
        QCoreApplication.sendPostedEvents()
        self.document.close(discard=discard)
