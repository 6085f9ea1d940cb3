"""Every way a user hands the window a file says which file is no image and what to do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

CAT_MESSAGE = (
    "cat.txt is not an image Studio can read (PNG, JPEG, WebP, BMP, GIF, TIFF): pick another file."
)


def _cat(tmp_path: Path) -> Path:
    path = tmp_path / "cat.txt"
    path.write_text("a cat, not a picture of one")
    return path


def _drop(window, path: Path) -> tuple[QDragEnterEvent, QDropEvent]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(10, 10), *args)
    window.dragEnterEvent(enter)
    drop = QDropEvent(QPoint(10, 10), *args)
    if enter.isAccepted():
        window.dropEvent(drop)
    return enter, drop


def test_the_open_dialog_names_a_file_that_is_no_image(qtbot, window, tmp_path) -> None:
    cat = _cat(tmp_path)
    window.files.dialogs.image_path = lambda folder="": cat
    window.menu_actions.import_image.trigger()
    assert window.notice.text() == CAT_MESSAGE
    assert window.history_model.entries() == []


def test_a_dropped_file_that_is_no_image_is_named_not_ignored(qtbot, window, tmp_path) -> None:
    enter, _drop_event = _drop(window, _cat(tmp_path))
    assert enter.isAccepted()
    assert window.notice.text() == CAT_MESSAGE
    assert window.history_model.entries() == []


def test_a_style_image_that_is_no_image_is_named(qtbot, window, tmp_path) -> None:
    cat = _cat(tmp_path)
    window.files.dialogs.image_path = lambda folder="": cat
    window.style_panel.style_image_requested.emit()
    assert window.notice.text() == CAT_MESSAGE
    assert window.style_panel.view_model.styles == ()


def test_a_damaged_style_image_names_the_file(qtbot, window, tmp_path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"\x00" * 10)
    assert not window.styling.add_style_image(broken)
    assert window.notice.text().startswith("broken.jpg ")
    assert window.notice.text().endswith("pick another file.")


@pytest.mark.parametrize("suffix", [".jpg", ".webp", ".bmp", ".gif", ".tiff"])
def test_every_readable_format_can_be_dropped(qtbot, window, tmp_path, suffix: str) -> None:
    path = tmp_path / f"sprite{suffix}"
    Image.fromarray(np.full((8, 8, 3), 120, dtype=np.uint8)).save(path)
    enter, _drop_event = _drop(window, path)
    assert enter.isAccepted()
    assert [e.kind for e in window.history_model.entries()] == ["import"]
