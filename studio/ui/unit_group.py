"""A prompt-panel group of add-on units, one row each: the Control and Reference images groups.

The group shows a view-model's tuple of units: a line explaining the empty state, one row per
unit (rebuilt only when the count changes, so typing in a row never loses focus), a one-line
message under the rows for a refused value, and the add buttons. A model that cannot take the
units greys the whole group out with the reason as its tooltip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import StudioError

WEIGHT_TIP = "How strongly it steers (0: not at all)."
_LONG_WORD = re.compile(r"\S{30,}")
_ZERO_WIDTH_SPACE = "\u200b"


def wrappable(text: str) -> str:
    """``text`` with a break opportunity (a zero-width space) every 20 characters of a long word.

    A refusal names the file, and a long file name is one word that word wrap cannot break:
    the message line then widened the panel as a long source name did.
    """
    return _LONG_WORD.sub(
        lambda match: _ZERO_WIDTH_SPACE.join(
            match.group()[start : start + 20] for start in range(0, len(match.group()), 20)
        ),
        text,
    )


class UnitRow(QFrame):
    """A unit's row: its picture on the left, its settings (a subclass's form) on the right.

    Attributes
    ----------
    picture
        A square label showing the unit's image, or a word when it has none.
    caption
        Where the image came from, under the picture and no wider than it (a long file name
        is shortened in the middle, whole in its tooltip), so the settings beside it keep
        their width whatever the source.
    remove_button
        Removes the unit.
    """

    def __init__(self, name: str, number: int, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Row{number}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.picture = QLabel()
        self.picture.setFixedSize(side, side)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setFixedWidth(side)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.remove_button = QPushButton("Remove")
        self._side = side
        pictured = QVBoxLayout()
        pictured.addWidget(self.picture)
        pictured.addWidget(self.caption, 1, Qt.AlignmentFlag.AlignTop)
        self._row = QHBoxLayout(self)
        self._row.addLayout(pictured)

    def _set_form(self, form: QLayout) -> None:
        self._row.addLayout(form, 1)

    def show_source(self, source: str) -> None:
        """Say where the unit's image came from under its picture (``""``: nothing)."""
        shown = self.caption.fontMetrics().elidedText(
            source, Qt.TextElideMode.ElideMiddle, self._side
        )
        self.caption.setText(shown)
        self.caption.setToolTip(source if shown != source else "")


def fraction_spin(low: float, high: float, tip: str) -> QDoubleSpinBox:
    """A spin box for a weight or a fraction of the steps (two decimals, steps of 0.05)."""
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setSingleStep(0.05)
    spin.setDecimals(2)
    spin.setToolTip(tip)
    return spin


class UnitGroup(QGroupBox):
    """Rows of units with an empty state, a message line and add buttons.

    A subclass makes a row per index (:meth:`_new_row`, a widget with ``show_unit(unit)``),
    says what the units are (:meth:`_units`) and calls :meth:`_show_units` when they change.
    """

    def __init__(
        self, title: str, name: str, empty_text: str, tip: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName(f"{name}Group")
        self.setToolTip(tip)
        self._tip = tip
        self.rows: list[Any] = []
        self.empty_label = QLabel(empty_text)
        self.empty_label.setObjectName(f"{name}Empty")
        self.empty_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName(f"{name}Message")
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self._rows_layout = QVBoxLayout()
        self._buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.message_label)
        layout.addLayout(self._buttons)

    def make_button(self, text: str, name: str, action: Callable[[], object]) -> QPushButton:
        """A button under the rows that runs ``action`` (a refusal shows in the message line)."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: self._attempt(action))
        self._buttons.addWidget(button)
        return button

    def show_refusal(self, reason: str) -> None:
        """Grey the group out with ``reason`` (one line), or enable it when ``reason`` is empty."""
        self.setEnabled(not reason)
        self.setToolTip(reason or self._tip)

    def _units(self) -> Sequence[Any]:
        raise NotImplementedError

    def _new_row(self, index: int) -> QWidget:
        raise NotImplementedError

    def _show_units(self, units: Sequence[Any]) -> None:
        if len(units) != len(self.rows):
            for row in self.rows:
                row.setParent(None)
                row.deleteLater()
            self.rows = [self._new_row(index) for index in range(len(units))]
            for row in self.rows:
                self._rows_layout.addWidget(row)
        for row, unit in zip(self.rows, units, strict=True):
            row.show_unit(unit)
        self.empty_label.setVisible(not units)

    def _attempt(self, action: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        # A refused value leaves the unit as it was: the row shows it again, the reason below.
        try:
            action(*args, **kwargs)
        except StudioError as exc:
            self.message_label.setText(wrappable(str(exc)))
            self.message_label.setVisible(True)
            self._show_units(self._units())
            return
        self.message_label.setVisible(False)
