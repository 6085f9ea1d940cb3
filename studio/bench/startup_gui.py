"""One cold GUI start, as a user meets it: the window, then the first sprite, timed.

Run by ``studio bench startup`` as ``python -m studio.bench.startup_gui EPOCH FOLDER``, where
EPOCH is the ``time.time()`` at which the parent started this process. The window is built as
``studio`` builds it (private settings and recovery folders under FOLDER), the prompt is typed
and Generate pressed the moment the window shows, and the 16 ms tick recorder of
``studio bench ui`` watches the event loop from then until the sprite is in the history and the
worker's start-up work (warm-up, style thumbnails) is done. One JSON line goes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

PROMPT = "a red dragon"
TIMEOUT_S = 120.0


def main(argv: list[str]) -> int:
    epoch, folder = float(argv[0]), Path(argv[1])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["STUDIO_CONFIG_DIR"] = str(folder / "config")
    os.environ["STUDIO_DATA_DIR"] = str(folder / "data")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.app import configure_application, create_engine, show_when_ready
    from studio.bench.ui import TickRecorder
    from studio.project.recovery import new_untitled_project
    from studio.project.settings import default_settings_path, load_engine_settings
    from studio.ui.document import Document
    from studio.ui.main_window import MainWindow
    from studio.worker.facade import EngineFacade

    marks: dict[str, float] = {"imports": time.time() - epoch}
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    settings, _ = load_engine_settings(default_settings_path())
    facade = EngineFacade(create_engine(settings))
    facade.warm_up()  # as run_app does, before the window is built
    document = Document(new_untitled_project(folder / "recovery"), untitled=True)
    window = MainWindow(
        facade, document, engine_settings=settings, recovery_dir=folder / "recovery"
    )
    state = {"image": False, "ready": False, "presets": False}
    document.entry_added.connect(lambda _entry: _mark(marks, state, "image", epoch))
    facade.engine_ready.connect(lambda: _mark(marks, state, "ready", epoch))
    facade.style_presets_ready.connect(lambda _p: _mark(marks, state, "presets", epoch))
    facade.style_presets_failed.connect(lambda _m: _mark(marks, state, "presets", epoch))
    recorder = TickRecorder()
    show_when_ready(window, facade)
    marks["window shown"] = time.time() - epoch
    recorder.start()

    def press_generate() -> None:
        window.prompt_panel.prompt_edit.setPlainText(PROMPT)
        window.menu_actions.generate.trigger()

    # As soon as the model list is in: a user cannot press Generate before the picker fills.
    if window.prompt_panel.has_models():
        QTimer.singleShot(0, press_generate)
    else:
        facade.models_changed.connect(lambda _m: QTimer.singleShot(0, press_generate))
    deadline = time.monotonic() + TIMEOUT_S
    while not all(state.values()) and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
    stalls = recorder.stop()
    window.shut_down(discard=True)
    print(json.dumps({"marks": marks, "done": all(state.values()), **stalls}))
    return 0


def _mark(marks: dict[str, float], state: dict[str, bool], name: str, epoch: float) -> None:
    if not state[name]:
        state[name] = True
        marks[
            {"image": "first image", "ready": "engine ready", "presets": "style presets"}[name]
        ] = time.time() - epoch


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
