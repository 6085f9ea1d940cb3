"""Small things a new user saw in the first minutes, each pinned by a test."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QIcon, QImage

from studio.domain.errors import ImageReadError
from studio.imaging.decode import READABLE_FORMATS, load_pixels
from studio.ui.dialogs import IMAGE_FILTER
from studio.ui.history_model import sprite_icon


def _colours(image: QImage) -> set[int]:
    return {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}


def test_selected_thumbnail_is_not_tinted(qapp):
    yellow = QImage(8, 8, QImage.Format.Format_ARGB32)
    yellow.fill(QColor(255, 220, 0))
    icon = sprite_icon(yellow)
    selected = icon.pixmap(96, 96, QIcon.Mode.Selected).toImage()
    assert _colours(selected) == {QColor(255, 220, 0).rgba()}


def test_thumbnails_keep_pixels_crisp(qapp):
    checker = QImage(2, 2, QImage.Format.Format_ARGB32)
    black, white = QColor(0, 0, 0).rgba(), QColor(255, 255, 255).rgba()
    for x in range(2):
        for y in range(2):
            checker.setPixel(x, y, black if (x + y) % 2 else white)
    shown = sprite_icon(checker).pixmap(96, 96).toImage()
    assert shown.width() == 96
    assert _colours(shown) == {black, white}  # no blended greys from smooth scaling


def test_open_dialog_offers_every_readable_format():
    extensions = {"PNG": "*.png", "JPEG": "*.jpg", "WEBP": "*.webp", "BMP": "*.bmp"}
    extensions |= {"GIF": "*.gif", "TIFF": "*.tif"}
    for name in READABLE_FORMATS:
        assert extensions[name] in IMAGE_FILTER


def test_unreadable_bytes_message_starts_with_a_capital():
    with pytest.raises(ImageReadError) as caught:
        load_pixels(b"not an image at all")
    assert str(caught.value)[0].isupper()


def test_an_empty_prompt_asks_before_generating(qtbot, window):
    from tests.ui.conftest import TIMEOUT

    dialogs = window.files.dialogs
    dialogs.empty_prompt_answer = False
    window.prompt_panel.prompt_edit.setPlainText("   ")
    assert window.jobs.generate() is None  # answered "No"
    assert dialogs.asked.count("empty-prompt") == 1 and window.history_model.entries() == []
    dialogs.empty_prompt_answer = True
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        assert window.jobs.generate() is not None
    assert dialogs.asked.count("empty-prompt") == 2
    window.prompt_panel.prompt_edit.setPlainText("a yellow star")
    with qtbot.waitSignal(window.facade.finished, timeout=TIMEOUT):
        window.jobs.generate()
    assert dialogs.asked.count("empty-prompt") == 2  # a real prompt is never questioned
