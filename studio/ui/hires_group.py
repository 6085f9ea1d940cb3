"""The prompt panel's "Hires fix" group: A1111's two-pass settings.

A checkable group (unchecked is off; its values are kept for next time) holding the scale,
the upscaler, the second pass's steps and the denoising strength, which is the same setting
as the image-to-image strength (A1111 shares it too). The panel binds the widgets to the
Generate view-model and greys the group out for a model that cannot do it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from studio.domain.hires import BUILTIN_UPSCALERS, MAX_HIRES_SCALE, a1111_upscaler_name
from studio.domain.request_limits import MAX_STEPS

HIRES_TIP = (
    "Make the image at its size, enlarge it, then repaint it larger at the denoising strength "
    "(A1111's hires fix): more detail than generating large at once."
)


class HiresGroup(QGroupBox):
    """The hires-fix settings; the panel binds each widget to the view-model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Hires fix", parent)
        self.setObjectName("hiresGroup")
        self.setCheckable(True)
        self.setChecked(False)
        self.setToolTip(HIRES_TIP)
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(1.0, MAX_HIRES_SCALE)
        self.scale_spin.setSingleStep(0.25)
        self.upscaler_combo = QComboBox()
        for name in BUILTIN_UPSCALERS:
            self.upscaler_combo.addItem(a1111_upscaler_name(name), name)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(0, MAX_STEPS)
        self.steps_spin.setSpecialValueText("Same as Steps")
        self.denoise_spin = QDoubleSpinBox()
        self.denoise_spin.setRange(0.0, 1.0)
        self.denoise_spin.setSingleStep(0.05)
        self.denoise_spin.setToolTip("How much the larger image is repainted (the strength).")
        form = QFormLayout(self)
        form.addRow("Upscale by", self.scale_spin)
        form.addRow("Upscaler", self.upscaler_combo)
        form.addRow("Hires steps", self.steps_spin)
        form.addRow("Denoising strength", self.denoise_spin)

    def offer_upscaler(self, name: str) -> None:
        """List ``name`` (an upscaler model a recipe named), so choosing it keeps it."""
        if self.upscaler_combo.findData(name) < 0:
            self.upscaler_combo.addItem(name, name)

    def show_refusal(self, reason: str) -> None:
        """Grey the group out with ``reason`` (one line), or enable it when ``reason`` is empty."""
        self.setEnabled(not reason)
        self.setToolTip(reason or HIRES_TIP)
