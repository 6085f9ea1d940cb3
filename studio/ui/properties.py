"""Observable properties: the state of a workspace, outside its widgets.

A view-model declares each setting once as a :class:`Property` (its default, whether it is
persisted) beside a ``<name>_changed`` signal. Setting it emits the signal only when the value
really changes (same value and same type: ``1`` then ``1.0`` is a change), so a widget bound
both ways with :func:`bind` never loops, and a test drives the state without any widget.
This is the shape of krita-ai-diffusion's properties; the code is our own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

T = TypeVar("T")


class Property(Generic[T]):
    """One observable setting of a :class:`ViewModel`.

    Parameters
    ----------
    default
        The value before anything sets it (never shared: store immutable values).
    persist
        Whether :meth:`ViewModel.persisted` includes it (what a project saves and restores).
    """

    def __init__(self, default: T, *, persist: bool = False) -> None:
        self.default = default
        self.persist = persist
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Property[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Property[T] | T:
        if obj is None:
            return self
        return obj.__dict__.get(self.name, self.default)

    def __set__(self, obj: object, value: T) -> None:
        old = obj.__dict__.get(self.name, self.default)
        if old == value and type(old) is type(value):
            return
        obj.__dict__[self.name] = value
        getattr(obj, f"{self.name}_changed").emit(value)


class ViewModel(QObject):
    """A QObject whose :class:`Property` attributes each have a ``<name>_changed`` signal.

    A subclass that declares a property without its signal fails when the class is made, not
    the first time the value changes.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.properties():
            if not hasattr(cls, f"{name}_changed"):
                raise TypeError(f"{cls.__name__}.{name} needs a signal {name}_changed")

    @classmethod
    def properties(cls) -> dict[str, Property[Any]]:
        """Every observable property of the class (base classes first), by name."""
        found: dict[str, Property[Any]] = {}
        for klass in reversed(cls.__mro__):
            found.update((k, v) for k, v in vars(klass).items() if isinstance(v, Property))
        return found

    def persisted(self) -> dict[str, Any]:
        """The values of the persisted properties, by name."""
        return {
            name: getattr(self, name) for name, prop in self.properties().items() if prop.persist
        }

    def reset(self) -> None:
        """Every property back to its default (each change signalled)."""
        for name, prop in self.properties().items():
            setattr(self, name, prop.default)


# -- binding widgets --------------------------------------------------------------------------


def bind(
    model: ViewModel,
    name: str,
    widget: QWidget | QAction,
    *,
    to_model: Callable[[Any], Any] | None = None,
    to_widget: Callable[[Any], Any] | None = None,
) -> None:
    """Keep ``widget`` and ``model.<name>`` the same, both ways; the widget takes the value now.

    Supported: plain and rich text edits, line edits, spin boxes, combo boxes (the item data
    when items carry data, else the text), checkable buttons, actions and group boxes.

    Parameters
    ----------
    to_model, to_widget
        Converters between the widget's value and the model's (a seed's text and its int).
    """
    read, write, changed = _accessors(widget)
    into_model = to_model or (lambda value: value)
    into_widget = to_widget or (lambda value: value)

    def follow(value: Any) -> None:
        shown = into_widget(value)
        if read() != shown:
            write(shown)

    changed.connect(lambda *_: setattr(model, name, into_model(read())))
    getattr(model, f"{name}_changed").connect(follow)
    follow(getattr(model, name))


Accessors = tuple[Callable[[], Any], Callable[[Any], None], SignalInstance]


def _accessors(widget: QWidget | QAction) -> Accessors:
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText, widget.setPlainText, widget.textChanged
    if isinstance(widget, QLineEdit):
        return widget.text, widget.setText, widget.textChanged
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value, widget.setValue, widget.valueChanged
    if isinstance(widget, QComboBox):
        return _combo_accessors(widget)
    if isinstance(widget, (QAbstractButton, QAction)) or (
        isinstance(widget, QGroupBox) and widget.isCheckable()
    ):
        return widget.isChecked, widget.setChecked, widget.toggled
    kind = "spin box" if isinstance(widget, QAbstractSpinBox) else type(widget).__name__
    raise TypeError(f"bind() does not know how to bind a {kind}")


def _combo_accessors(combo: QComboBox) -> Accessors:
    if combo.count() and combo.itemData(0) is not None:

        def read() -> Any:
            return combo.currentData()

        def write(value: Any) -> None:
            combo.setCurrentIndex(max(0, combo.findData(value)))

        return read, write, combo.currentIndexChanged
    return combo.currentText, combo.setCurrentText, combo.currentTextChanged
