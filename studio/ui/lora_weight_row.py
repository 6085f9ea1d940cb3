"""One chosen LoRA in the picker: its name, its weight and a remove button."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton, QWidget

from studio.ui.viewmodels.addons import AddonsViewModel, ChosenLora

MAX_WEIGHT = 10.0  # A1111 users go past 1 and below 0; the tag allows up to 100


class WeightRow(QWidget):
    """One chosen LoRA: its name, a weight spin box and a remove button."""

    def __init__(self, chosen: ChosenLora, picker: AddonsViewModel) -> None:
        super().__init__()
        self.name = chosen.name
        label = QLabel(chosen.name)
        label.setToolTip(
            chosen.addon.location
            if chosen.addon is not None
            else f"No LoRA named {chosen.name} in your model folders: Generate will say so."
        )
        if chosen.addon is None:
            label.setStyleSheet("color: #d08770;")
        self.spin = QDoubleSpinBox()
        self.spin.setObjectName("loraWeight")
        self.spin.setRange(-MAX_WEIGHT, MAX_WEIGHT)
        self.spin.setSingleStep(0.05)
        self.spin.setDecimals(2)
        self.spin.setValue(chosen.weight)
        self.spin.setToolTip(f"The weight in <lora:{chosen.name}:…> (0 turns it off)")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip("Remove this LoRA's tag from the prompt")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label, 1)
        layout.addWidget(self.spin)
        layout.addWidget(self.remove)
        self.spin.valueChanged.connect(lambda value: picker.set_weight(self.name, value))
        self.remove.clicked.connect(lambda: picker.remove(self.name))

    def show_weight(self, weight: float) -> None:
        """Show the prompt's weight without writing it back: the prompt keeps its spelling."""
        if abs(self.spin.value() - weight) > 1e-9:
            with QSignalBlocker(self.spin):
                self.spin.setValue(weight)
