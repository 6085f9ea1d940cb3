"""Window fixtures: a real MainWindow on a scriptable engine and a real project file, and a
prompt panel on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from studio.project.recovery import new_untitled_project
from studio.ui.document import Document
from studio.ui.main_window import MainWindow
from studio.ui.prompt_panel import PromptPanel
from studio.ui.viewmodels.generate import GenerateViewModel
from studio.worker.facade import EngineFacade
from tests.fakes import ScriptedEngine

TIMEOUT = 10_000


class FakeDialogs:
    """Answers the window's questions without ever opening a modal dialog."""

    def __init__(self) -> None:
        self.keep_work_answer = "discard"
        self.unfinished_work_answer = "quit"
        self.empty_prompt_answer = True  # most tests generate with an empty prompt
        self.save_path: Path | None = None
        self.open_path: Path | None = None
        self.asked: list[str] = []
        self.errors: list[tuple[str, str]] = []

    def open_project_path(self, folder: str = "") -> Path | None:
        self.asked.append("open")
        return self.open_path

    def save_project_path(self, suggested: str) -> Path | None:
        self.asked.append("save")
        return self.save_path

    def export_path(self, suggested: Path) -> Path | None:
        self.asked.append("export")
        return None

    def image_path(self, folder: str = "") -> Path | None:
        return None

    def model_file_path(self) -> Path | None:
        return None

    def model_folder_path(self) -> Path | None:
        return None

    def ask_keep_work(self, name: str, image_count: int) -> str:
        self.asked.append(f"keep:{name}:{image_count}")
        return self.keep_work_answer

    def ask_unfinished_work(self, description: str) -> str:
        self.asked.append(f"unfinished:{description}")
        return self.unfinished_work_answer

    def ask_recover(self, description: str) -> str:
        return "later"

    def confirm_empty_prompt(self) -> bool:
        self.asked.append("empty-prompt")
        return self.empty_prompt_answer

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def recovery_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "recovery"
    folder.mkdir()
    return folder


@pytest.fixture
def make_window(qtbot, recovery_dir):
    """Build windows on a given engine and document; all are shut down at the end."""
    windows: list[MainWindow] = []

    def make(engine: ScriptedEngine, document: Document | None = None) -> MainWindow:
        facade = EngineFacade(engine)
        if document is None:
            document = Document(new_untitled_project(recovery_dir), untitled=True)
        with qtbot.waitSignal(facade.models_changed, timeout=TIMEOUT):
            window = MainWindow(facade, document, recovery_dir=recovery_dir, dialogs=FakeDialogs())
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        if not window._closing_done:
            window.shut_down(discard=True)


@pytest.fixture
def window(make_window, engine) -> MainWindow:
    return make_window(engine)


@pytest.fixture
def panel(qtbot) -> PromptPanel:
    """A prompt panel on a fresh Generate view-model, closed with the test."""
    widget = PromptPanel(GenerateViewModel())
    qtbot.addWidget(widget)
    return widget
