"""The image size row of the prompt panel: width, height and a list of common sizes."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from studio.domain.request_limits import MAX_SIDE

SIZE_PRESETS: tuple[tuple[int, int], ...] = (
    (64, 64),
    (128, 128),
    (256, 256),
    (512, 512),
    (512, 768),
    (768, 512),
    (768, 768),
    (1024, 1024),
    (832, 1216),
    (1216, 832),
)
CUSTOM_SIZE = "Custom"


def _preset_label(size: tuple[int, int]) -> str:
    return f"{size[0]} × {size[1]}"


class SizePicker(QWidget):
    """Width and height spin boxes beside a preset list that follows them (``Custom`` if none)."""

    def __init__(self, width: int, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.width_spin = _side_spin(width)
        self.height_spin = _side_spin(height)
        self.size_combo = QComboBox()
        self.size_combo.addItem(CUSTOM_SIZE)
        for size in SIZE_PRESETS:
            self.size_combo.addItem(_preset_label(size), size)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.width_spin)
        row.addWidget(QLabel("×"))
        row.addWidget(self.height_spin)
        row.addWidget(self.size_combo, 1)
        self.size_combo.activated.connect(self._on_size_preset)
        self.width_spin.valueChanged.connect(self._sync_size_combo)
        self.height_spin.valueChanged.connect(self._sync_size_combo)
        self._sync_size_combo()

    def _on_size_preset(self, index: int) -> None:
        size = self.size_combo.itemData(index)
        if size:
            self.width_spin.setValue(size[0])
            self.height_spin.setValue(size[1])

    def _sync_size_combo(self) -> None:
        size = (self.width_spin.value(), self.height_spin.value())
        index = self.size_combo.findText(_preset_label(size))
        self.size_combo.setCurrentIndex(max(index, 0))


def _side_spin(value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(16, MAX_SIDE)
    spin.setSingleStep(8)
    spin.setValue(value)
    spin.setSuffix(" px")
    return spin
