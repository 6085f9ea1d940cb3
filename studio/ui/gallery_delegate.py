"""Paints one gallery cell: the thumbnail on top, the full name below in up to two lines.

Qt's icon-mode delegate sizes each label to its own text, so one-line and two-line names sit
at different heights, and a name that needs two lines is elided into a one-line slot
("Neon ..."). Here every cell has the same size, worked out from the font, and the name is
wrapped at word boundaries; only a name that truly needs more than two lines is elided (the
item's tooltip still holds it in full).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

PADDING = 4
ICON_GAP = 3
LABEL_LINES = 2
MAX_WIDTH_RATIO = 1.6
LINE_ALIGNMENT = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def wrap_label(text: str, metrics: QFontMetrics, width: int) -> tuple[list[str], bool]:
    """Break ``text`` into at most two lines of ``width`` pixels.

    Parameters
    ----------
    text
        The name to show.
    metrics
        Metrics of the font the label is painted in.
    width
        Pixels available for one line.

    Returns
    -------
    (lines, elided)
        The lines to paint, and whether any had to be shortened with an ellipsis.
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    for position, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if current and metrics.horizontalAdvance(candidate) > width:
            lines.append(current)
            if len(lines) == LABEL_LINES - 1:
                current = " ".join(words[position:])
                break
            current = word
        else:
            current = candidate
    lines.append(current)
    elided = False
    for row, line in enumerate(lines):
        if metrics.horizontalAdvance(line) > width:
            lines[row] = metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
            elided = True
    return lines, elided


class GalleryDelegate(QStyledItemDelegate):
    """Uniform gallery cells: ``icon_size`` thumbnail and a two-line name under it."""

    def __init__(self, icon_size: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon_size = icon_size
        self._names: list[str] = []

    def set_names(self, names: list[str]) -> None:
        """Remember the names shown, so that cells are wide enough for their longest word."""
        self._names = list(names)

    def cell_size(self, font: QFont) -> QSize:
        """Size of every cell for labels painted in ``font``."""
        metrics = QFontMetrics(font)
        words = [word for name in self._names for word in name.split()]
        widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
        # A name's longest word fits on one line, up to a limit past which it is elided.
        width = (
            min(max(self.icon_size, widest), int(MAX_WIDTH_RATIO * self.icon_size)) + 2 * PADDING
        )
        height = PADDING + self.icon_size + ICON_GAP + LABEL_LINES * metrics.lineSpacing() + PADDING
        return QSize(width, height)

    def icon_rect(self, cell: QRect) -> QRect:
        """Where the thumbnail goes in ``cell`` (centred at the top)."""
        left = cell.left() + (cell.width() - self.icon_size) // 2
        return QRect(left, cell.top() + PADDING, self.icon_size, self.icon_size)

    def text_rect(self, cell: QRect, font: QFont) -> QRect:
        """Where the name goes in ``cell``: two lines of ``font`` under the thumbnail."""
        top = cell.top() + PADDING + self.icon_size + ICON_GAP
        height = LABEL_LINES * QFontMetrics(font).lineSpacing()
        return QRect(cell.left() + PADDING, top, cell.width() - 2 * PADDING, height)

    def label_lines(self, text: str, cell: QRect, font: QFont) -> tuple[list[str], bool]:
        """The lines painted for ``text`` in ``cell``, and whether they were elided."""
        return wrap_label(text, QFontMetrics(font), self.text_rect(cell, font).width())

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self.cell_size(option.font)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.showDecorationSelected = True  # highlight the whole cell, not just the name
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        painter.save()
        # Selection and hover as the style draws them, behind the whole cell; the thumbnail
        # itself is painted untinted so its colours stay true.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon) and not icon.isNull():
            icon.paint(painter, self.icon_rect(opt.rect), Qt.AlignmentFlag.AlignCenter)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        lines, _elided = self.label_lines(text, opt.rect, opt.font)
        line_rect = self.text_rect(opt.rect, opt.font)
        line_rect.setHeight(QFontMetrics(opt.font).lineSpacing())
        for line in lines:
            painter.drawText(
                line_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, line
            )
            line_rect.translate(0, line_rect.height())
        painter.restore()
