"""The real window on the real engine, driven offscreen, to be SIGKILLed at random moments.

``python gui_driver.py generate|style|save PROJECT RECOVERY_DIR`` builds what ``studio`` builds
(QApplication, EngineService on the shipped built-in models, the EngineFacade worker thread,
MainWindow) and then works without end:

- ``generate``: opens PROJECT and presses Generate again each time a job finishes;
- ``style``: opens PROJECT, generates once, then applies a preset style again and again;
- ``save``: starts untitled work in RECOVERY_DIR, adds images, then Save As PROJECT.

Each image the history receives is printed as ``COMMITTED <sha256 of its pixels>`` once the
project file holds it; ``SAVING``/``SAVED`` frame the save. The test kills this process and
checks the files it leaves.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pixels_hash(png: bytes) -> str:
    from studio.imaging.decode import load_pixels

    return hashlib.sha256(load_pixels(png).tobytes()).hexdigest()


def say(line: str) -> None:
    print(line, flush=True)


def run(mode: str, project: Path, recovery: Path) -> int:
    import numpy as np
    import torch
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from studio.domain.settings import EngineSettings
    from studio.engine.resources import builtin_models_dir
    from studio.engine.service import EngineService
    from studio.imaging.png import encode_png
    from studio.imaging.thumbnails import make_thumbnail
    from studio.project.recovery import new_untitled_project
    from studio.project.store import ProjectStore
    from studio.ui.document import Document
    from studio.ui.main_window import MainWindow
    from studio.worker.facade import EngineFacade
    from tests.ui.conftest import FakeDialogs

    torch.set_num_threads(1)  # tiny model, shared CI cores: one thread is fastest
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = EngineSettings(
        device="cpu", scan_hf_cache=False, builtin_models_dir=str(builtin_models_dir())
    )
    facade = EngineFacade(EngineService(settings))
    if mode == "save":
        document = Document(new_untitled_project(recovery), untitled=True)
    else:
        document = Document(ProjectStore.open(project), untitled=False)
    document.entry_added.connect(
        lambda entry: say(f"COMMITTED {pixels_hash(document.image_png(entry.image_id))}")
    )
    window = MainWindow(facade, document, recovery_dir=recovery, dialogs=FakeDialogs())
    window.show()

    def generate() -> None:
        window.prompt_panel.prompt_edit.setPlainText("a red gem")
        window.menu_actions.generate.trigger()

    def style() -> None:
        gallery = window.style_panel.gallery
        if gallery.count() == 0:
            QTimer.singleShot(50, style)
            return
        gallery.itemClicked.emit(gallery.item(len(document.entries()) % gallery.count()))
        window.menu_actions.apply_style.trigger()

    def on_finished(*_args) -> None:
        if mode == "generate" or (mode == "style" and not document.entries()):
            QTimer.singleShot(0, generate)
        elif mode == "style":
            QTimer.singleShot(0, style)

    def save() -> None:
        rng = np.random.default_rng(len(os.listdir(recovery)))
        for _ in range(24):  # big enough that a save takes a while to copy
            pixels = rng.integers(0, 256, (256, 256, 4), dtype=np.uint8)
            document.add_image(
                kind="import",
                png=encode_png(pixels),
                thumbnail=make_thumbnail(pixels),
                width=256,
                height=256,
                prompt="imported",
                recipe={"source": "test"},
            )
        say("SAVING")
        window.files.save_as(project)
        say("SAVED")

    facade.finished.connect(on_finished)
    facade.failed.connect(lambda _job, message: say(f"FAILED {message}"))
    start = save if mode == "save" else generate
    facade.models_changed.connect(lambda *_: QTimer.singleShot(0, start))
    say("READY")
    return app.exec()


def zygote() -> int:
    """Import everything once, then fork one driver per line read from stdin.

    Starting Python, torch and Qt takes seconds per run; a forked child starts at once, so 60
    kills stay affordable in CI. Nothing here starts a thread or a QApplication before the
    fork. Each stdin line is ``MODE PROJECT RECOVERY_DIR``; the answer is ``PID n``, then the
    child's own lines, then ``EXIT status`` once the child is gone (killed, usually).
    """
    import torch  # noqa: F401
    from PySide6 import QtWidgets  # noqa: F401

    import studio.engine.builtin.loader
    import studio.engine.service
    import studio.engine.style
    import studio.engine.torch_stack
    import studio.ui.main_window
    import studio.worker.facade
    import tests.ui.conftest  # noqa: F401

    # What the engine imports for torch jobs (torch, the style networks, diffusers and
    # transformers): seconds per child otherwise. Imports only; no tensor is made before the fork.
    studio.engine.torch_stack.TorchStack().ensure(pipelines=True)
    say("ZYGOTE READY")
    for line in sys.stdin:
        mode, project, recovery = line.split()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = run(mode, Path(project), Path(recovery))
            finally:
                os._exit(code)
        say(f"PID {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"EXIT {status}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--zygote"]:
        sys.exit(zygote())
    sys.exit(run(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
