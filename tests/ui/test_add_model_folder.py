"""File > Add Model Folder… on an A1111 install: scanned on the worker, summed up in the notice,
its LoRAs in the picker, remembered in the settings file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence

from studio.project.settings import load_engine_settings
from studio.ui.embedding_picker import ADDON_ROLE
from tests.ui.addon_folders import FolderEngine, a1111_install
from tests.ui.conftest import TIMEOUT


def test_adding_an_a1111_install_says_what_it_found(qtbot, make_window, tmp_path: Path) -> None:
    root = a1111_install(tmp_path / "webui")
    window = make_window(FolderEngine(tmp_path))
    settings_path = tmp_path / "config" / "engine.json"
    window.files._settings_path = settings_path
    assert not window.lora_picker.empty_label.isHidden()  # nothing added yet

    window.files.dialogs.model_folder_path = lambda: root
    with qtbot.waitSignal(window.facade.addons_changed, timeout=TIMEOUT):
        window.menu_actions.add_model_folder.trigger()

    assert window.notice.kind == "info"
    assert window.notice.text() == (
        "A1111/Forge install: 1 checkpoint, 2 LoRAs, 1 embedding; 1 file skipped "
        "(hover here for which and why)"
    )
    assert "broken.safetensors" in window.notice.toolTip()
    assert load_engine_settings(settings_path)[0].model_paths == (str(root.resolve()),)
    listed = window.lora_picker.lora_list
    names = [listed.item(i).data(ADDON_ROLE).name for i in range(listed.count())]
    assert names == ["knight-xl", "pixel-art"]
    qtbot.waitUntil(lambda: window.prompt_panel.current_model_id() != "", timeout=TIMEOUT)
    assert window.prompt_panel.current_model().name == "pixel-base"


def test_a_folder_with_nothing_usable_is_one_line(qtbot, make_window, tmp_path: Path) -> None:
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "readme.txt").write_text("no models here")
    window = make_window(FolderEngine(tmp_path))
    with qtbot.waitSignal(window.facade.model_add_failed, timeout=TIMEOUT):
        window.files.add_model(empty, folder=True)
    assert window.notice.kind == "error"
    assert window.notice.text().startswith("notes holds no model: choose")
    assert "\n" not in window.notice.text()


def test_add_model_folder_has_its_own_shortcut(window) -> None:
    action = window.menu_actions.add_model_folder
    assert action.shortcut() == QKeySequence("Ctrl+Alt+M")
