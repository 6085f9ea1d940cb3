"""The observable property: signals on real changes only, persistence, and bind() for each
kind of widget the window uses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
)

from studio.ui.properties import Property, ViewModel, bind


class Sample(ViewModel):
    text = Property("", persist=True)
    count = Property(2, persist=True)
    scale = Property(1.0)
    on = Property(False)
    mode = Property("crisp")
    seed: Property[int | None] = Property(None)

    text_changed = Signal(object)
    count_changed = Signal(object)
    scale_changed = Signal(object)
    on_changed = Signal(object)
    mode_changed = Signal(object)
    seed_changed = Signal(object)


def test_the_signal_fires_once_per_real_change() -> None:
    model, seen = Sample(), []
    model.count_changed.connect(seen.append)
    model.count = 2  # the default: nothing changes
    model.count = 5
    model.count = 5
    assert seen == [5] and model.count == 5


def test_a_change_of_type_is_a_change() -> None:
    model, seen = Sample(), []
    model.scale_changed.connect(seen.append)
    model.scale = 1  # equal to 1.0, but an int now
    assert seen == [1]


def test_instances_do_not_share_values() -> None:
    first, second = Sample(), Sample()
    first.text = "mine"
    assert second.text == ""


def test_persisted_holds_only_the_persisted_properties_and_reset_restores_defaults() -> None:
    model = Sample()
    model.text, model.on = "kept", True
    assert model.persisted() == {"text": "kept", "count": 2}
    model.reset()
    assert (model.text, model.on) == ("", False)


def test_a_property_without_its_signal_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="needs a signal value_changed"):

        class Broken(ViewModel):
            value = Property(0)


def test_bind_text_edits_both_ways(qtbot) -> None:
    model, line, plain = Sample(), QLineEdit(), QPlainTextEdit()
    model.text = "before"
    bind(model, "text", plain)
    assert plain.toPlainText() == "before"  # the widget takes the value when bound
    plain.setPlainText("typed")
    assert model.text == "typed"
    bind(model, "text", line)
    assert line.text() == "typed"
    line.setText("line")
    assert model.text == "line" and plain.toPlainText() == "line"


def test_bind_spin_boxes_and_check_boxes(qtbot) -> None:
    model, spin, double, check = Sample(), QSpinBox(), QDoubleSpinBox(), QCheckBox()
    bind(model, "count", spin)
    bind(model, "scale", double)
    bind(model, "on", check)
    spin.setValue(7)
    double.setValue(2.5)
    check.setChecked(True)
    assert (model.count, model.scale, model.on) == (7, 2.5, True)
    model.count, model.on = 3, False
    assert spin.value() == 3 and not check.isChecked()


def test_bind_combos_by_data_or_by_text(qtbot) -> None:
    model, by_data, by_text = Sample(), QComboBox(), QComboBox()
    by_data.addItem("Crisp edges", "crisp")
    by_data.addItem("Soft edges", "soft")
    by_text.addItems(["crisp", "soft"])
    bind(model, "mode", by_data)
    bind(model, "mode", by_text)
    by_data.setCurrentIndex(1)
    assert model.mode == "soft" and by_text.currentText() == "soft"
    by_text.setCurrentText("crisp")
    assert model.mode == "crisp" and by_data.currentData() == "crisp"


def test_bind_a_checkable_action(qtbot) -> None:
    model, action = Sample(), QAction("Toggle")
    action.setCheckable(True)
    bind(model, "on", action)
    action.setChecked(True)
    assert model.on
    model.on = False
    assert not action.isChecked()


def test_bind_with_converters(qtbot) -> None:
    model, edit = Sample(), QLineEdit()
    bind(
        model,
        "seed",
        edit,
        to_model=lambda text: int(text) if text else None,
        to_widget=lambda seed: "" if seed is None else str(seed),
    )
    edit.setText("42")
    assert model.seed == 42
    model.seed = None
    assert edit.text() == ""


def test_bind_refuses_a_widget_it_does_not_know(qtbot) -> None:
    with pytest.raises(TypeError, match="QProgressBar"):
        bind(Sample(), "count", QProgressBar())
