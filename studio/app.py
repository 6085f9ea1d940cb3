"""Composition root: builds the QApplication, engine, worker, project and window."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from studio import __version__
from studio.diagnostics.error_log import install_error_log, report_bug
from studio.domain.engine_protocol import EngineProtocol
from studio.domain.errors import StudioError
from studio.domain.settings import EngineSettings
from studio.engine.resources import resources_dir
from studio.project.paths import default_recovery_dir
from studio.project.recovery import (
    RecoveryCandidate,
    adopt,
    discard,
    find_recoverable,
    new_untitled_project,
)
from studio.project.settings import default_settings_path, load_engine_settings
from studio.project.store import ProjectStore
from studio.ui.dialogs import Dialogs
from studio.ui.document import Document
from studio.ui.main_window import MainWindow
from studio.worker.facade import EngineFacade

log = logging.getLogger(__name__)


WARM_UP_WAIT_MS = 1500


def configure_application(app: QCoreApplication) -> None:
    """Names used by QSettings and the window system."""
    app.setOrganizationName("Studio")
    app.setApplicationName("Studio")
    app.setApplicationVersion(__version__)
    icon = resources_dir() / "icons" / "studio.svg"
    if isinstance(app, QApplication) and icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def describe_candidate(candidate: RecoveryCandidate) -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(candidate.modified_at))
    prompt = f", last prompt “{candidate.last_prompt[:60]}”" if candidate.last_prompt else ""
    return f"An untitled project from {when} with {candidate.image_count} image(s){prompt}."


def open_initial_document(
    project_path: Path | None, recovery_dir: Path, dialogs: Dialogs | None
) -> tuple[Document, str]:
    """The project to show first, and a message for the user when something went wrong.

    A named project opens (or is created when it does not exist yet). Otherwise unsaved work a
    crash left behind is offered back before a fresh untitled project is started.
    """
    if project_path is not None:
        try:
            if project_path.exists():
                return Document(ProjectStore.open(project_path), untitled=False), ""
            return Document(ProjectStore.create(project_path), untitled=False), ""
        except StudioError as exc:
            message = f"{exc} A new untitled project was started instead."
            return Document(new_untitled_project(recovery_dir), untitled=True), message
    for candidate in find_recoverable(recovery_dir):
        answer = dialogs.ask_recover(describe_candidate(candidate)) if dialogs else "later"
        if answer == "recover":
            return Document(adopt(candidate), untitled=True), ""
        if answer == "discard":
            discard(candidate)
    return Document(new_untitled_project(recovery_dir), untitled=True), ""


def create_engine(settings: EngineSettings) -> EngineProtocol:
    # Imported here: the engine package pulls in heavy libraries lazily, but keeping the import
    # out of module scope keeps `studio --help` and test collection fast.
    from studio.engine.service import EngineService

    return EngineService(settings)


def install_excepthook(dialogs: Dialogs) -> None:
    """Show a bug escaping a slot as one message naming the log file (RELIABILITY 21).

    Without this, PySide6 prints the traceback to stderr and the window carries on as if
    nothing had happened.
    """

    def on_uncaught(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        message = report_bug(exc.with_traceback(tb), "Studio")
        try:
            dialogs.error("Studio hit a bug", message)
        except Exception:  # a dialog that fails must not recurse into this hook
            log.error("could not show the bug message", exc_info=True)

    sys.excepthook = on_uncaught


def run_app(project_path: str | None = None) -> int:
    """Start the GUI; returns the process exit code."""
    install_error_log()  # tracebacks go to the rotated log file, never to stderr
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    settings_path = default_settings_path()
    settings, settings_warning = load_engine_settings(settings_path)
    facade = EngineFacade(create_engine(settings))
    # First thing on the worker: ready the default model while this thread builds the window.
    # Loading holds the GIL in long native calls (the tokenizer alone ~0.1-0.2 s); overlapped
    # with construction it delays the window a little instead of freezing it once shown.
    facade.warm_up()
    recovery_dir = default_recovery_dir()
    dialogs = Dialogs(None)
    document, open_warning = open_initial_document(
        Path(project_path).expanduser() if project_path else None, recovery_dir, dialogs
    )
    window = MainWindow(
        facade,
        document,
        engine_settings=settings,
        settings_path=settings_path,
        recovery_dir=recovery_dir,
    )
    install_excepthook(dialogs)
    for warning in (settings_warning, open_warning):
        if warning:
            window.notice.show_message(warning, "warning")
    show_when_ready(window, facade)
    return app.exec()


def show_when_ready(
    window: MainWindow, facade: EngineFacade, wait_ms: int = WARM_UP_WAIT_MS
) -> None:
    """Show the window once the worker's warm-up is done, or after ``wait_ms`` at most.

    Readying the built-in default takes a fraction of a second, but it holds the GIL in
    native calls of up to ~0.2 s (the tokenizer) that would freeze a window already on screen.
    Waiting for it here keeps those before the first paint, so the window never stalls and
    the first Generate runs at once. A longer warm-up (torch for a Stable Diffusion default)
    is not waited for beyond ``wait_ms``.
    """
    loop = QEventLoop()
    facade.engine_ready.connect(loop.quit)
    QTimer.singleShot(wait_ms, loop.quit)
    loop.exec()
    facade.engine_ready.disconnect(loop.quit)
    window.show()
