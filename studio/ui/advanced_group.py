"""The prompt panel's "Advanced" group: speed settings that trade a little of the image.

Today it holds the step cache (DeepCache's idea): the full UNet runs every N steps and its deep
features are reused between, which is faster and changes the image slightly. The panel binds
the spin box to the Generate view-model and greys it out for the built-in models, which have
no UNet to cache.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QSpinBox, QWidget

from studio.domain.samplers import MAX_STEP_CACHE

STEP_CACHE_TIP = (
    "Run the full network every N steps and reuse its deep features in between: faster "
    "(about N times fewer full passes) for a slightly different, sometimes softer image. "
    "Off: every step in full."
)


def step_cache_box() -> QSpinBox:
    """The step-cache interval: Off, then 2 to :data:`MAX_STEP_CACHE` (1 would cache nothing)."""
    box = QSpinBox()
    box.setObjectName("stepCache")
    box.setRange(0, MAX_STEP_CACHE)
    box.setSpecialValueText("Off")
    box.setToolTip(STEP_CACHE_TIP)
    return box


class AdvancedGroup(QGroupBox):
    """The advanced settings; the panel binds each widget to the view-model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Advanced", parent)
        self.setObjectName("advancedGroup")
        self.step_cache_spin = step_cache_box()
        QFormLayout(self).addRow("Step cache", self.step_cache_spin)

    def show_model(self, name: str, builtin: bool) -> None:
        """Grey the step cache out for a built-in model, saying why; enable it otherwise."""
        self.step_cache_spin.setEnabled(not builtin)
        self.step_cache_spin.setToolTip(
            f"{name} draws in one pass: there are no steps to cache." if builtin else STEP_CACHE_TIP
        )
