"""Every preset name is readable in full under its thumbnail, at even heights, blend or not."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from studio.engine.style.presets import PRESET_NAMES
from studio.imaging.png import encode_png
from studio.ui.gallery_delegate import wrap_label
from studio.ui.style_panel import GALLERY_ICON
from studio.ui.viewmodels.style import ChosenStyle

WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def _thumbnail(level: int) -> bytes:
    return encode_png(np.full((GALLERY_ICON, GALLERY_ICON, 3), level, dtype=np.uint8))


@pytest.fixture
def gallery_window(window):
    panel = window.style_panel
    presets = [(i, name, _thumbnail(i * 9)) for i, name in enumerate(PRESET_NAMES)]
    panel.set_presets(presets)
    window.tools.setCurrentWidget(panel)
    return window


def _label_geometry(panel) -> list[tuple[str, QRect, QRect]]:
    gallery, delegate = panel.gallery, panel.gallery_delegate
    assert gallery.itemDelegate() is delegate  # the geometry checked is the one painted
    gallery.doItemsLayout()
    rows = []
    for row in range(gallery.count()):
        item = gallery.item(row)
        cell = gallery.visualItemRect(item)
        rows.append((item.text(), cell, delegate.text_rect(cell, gallery.font())))
    return rows


def _assert_names_fit_at_even_heights(panel) -> None:
    font = panel.gallery.font()
    metrics = QFontMetrics(font)
    geometry = _label_geometry(panel)
    assert [name for name, _, _ in geometry] == list(PRESET_NAMES)
    for name, cell, text_rect in geometry:
        # What Qt itself needs to draw the name wrapped in this rect, with the actual font.
        needed = metrics.boundingRect(text_rect, WRAP, name)
        assert text_rect.contains(needed), f"{name!r} needs {needed}, has {text_rect}"
        assert cell.contains(text_rect), f"{name!r}'s label leaves its cell"
        lines, elided = panel.gallery_delegate.label_lines(name, cell, font)
        assert not elided and " ".join(lines) == name
    assert len({cell.size().toTuple() for _, cell, _ in geometry}) == 1
    assert len({text_rect.height() for _, _, text_rect in geometry}) == 1
    # Labels of one row start at the same height, one-line names included.
    for top in {cell.top() for _, cell, _ in geometry}:
        tops = {t.top() for _, c, t in geometry if c.top() == top}
        assert len(tops) == 1


def test_every_preset_name_fits_its_label_at_the_default_window_size(qtbot, gallery_window):
    panel = gallery_window.style_panel
    qtbot.waitUntil(lambda: panel.gallery.isVisible())
    assert panel.gallery.viewport().width() >= 3 * panel.gallery.gridSize().width()
    _assert_names_fit_at_even_heights(panel)


def test_names_still_fit_with_four_styles_in_the_blend(qtbot, gallery_window):
    panel = gallery_window.style_panel
    qtbot.waitUntil(lambda: panel.gallery.isVisible())
    gallery = panel.gallery
    for row in (3, 4, 17, 24):  # Neon Ribbons, Crimson Pastel, Red Brick Grid, Delft Porcelain
        gallery.itemClicked.emit(gallery.item(row))
    assert len(panel.view_model.styles) == 4
    assert [gallery.item(r).isSelected() for r in (3, 4, 17, 24)] == [True] * 4
    # One whole row of presets stays in view however tall the blend grows.
    assert gallery.viewport().height() >= gallery.gridSize().height()
    _assert_names_fit_at_even_heights(panel)


def test_a_long_image_style_name_is_shortened_in_the_blend_with_the_full_name_as_tooltip(
    qtbot, gallery_window
):
    panel = gallery_window.style_panel
    long_name = "a_really_long_style_reference_picture_from_the_web_2024_final_v3.png"
    width_before = panel.sizeHint().width()
    panel.view_model.add_style(ChosenStyle(label=long_name, image=_thumbnail(5)))
    label = panel.blend_labels()[0]
    assert label.toolTip() == long_name
    assert label.text() != long_name and label.text().endswith(".png")
    assert QFontMetrics(label.font()).horizontalAdvance(label.text()) <= label.maximumWidth()
    assert panel.sizeHint().width() <= width_before


def test_a_name_too_long_for_two_lines_is_elided_not_cut():
    from PySide6.QtGui import QFont

    metrics = QFontMetrics(QFont())
    width = metrics.horizontalAdvance("Porcelain")
    lines, elided = wrap_label("Delft Porcelain With Gold Rim And More", metrics, width)
    assert len(lines) == 2 and elided
    assert lines[1].endswith("…")
    assert all(metrics.horizontalAdvance(line) <= width for line in lines)
    assert wrap_label("Tapestry", metrics, width) == (["Tapestry"], False)
