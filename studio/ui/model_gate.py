"""Actions the chosen model cannot do are disabled, with the reason as their tooltip.

One table says which canvas edit each action needs (:data:`studio.domain.models.CANVAS_EDITS`);
whenever the model in the prompt panel changes, every registered action is enabled or
disabled from the model's :attr:`ModelInfo.edits`. Code paths that run an edit without its
action (a context menu, a script) ask :meth:`ModelGate.refusal` first, so nothing is offered
and then refused, and nothing (the outpaint canvas) changes before a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from studio.domain.models import ModelInfo
from studio.ui.prompt_panel import PromptPanel

# Why a model cannot do an edit, and what to pick instead ({name}: the model's name).
REASONS = {
    "img2img": "{name} makes images from text only: pick a Stable Diffusion model to start "
    "from an image.",
    "inpaint": "{name} cannot keep part of an image while it repaints the rest: pick "
    "builtin-diffusion or a Stable Diffusion model to inpaint or outpaint.",
    "variation": "{name} has no starting noise to vary: pick builtin-diffusion, -vae, -gan or a "
    "Stable Diffusion model for variations.",
}


def edit_refusal(model: ModelInfo | None, edit: str) -> str:
    """Why ``model`` cannot do ``edit`` (one line), or ``""`` when it can or none is chosen."""
    if model is None or edit in model.edits:
        return ""
    return REASONS[edit].format(name=model.name)


@dataclass
class _Gated:
    action: QAction
    edit: str
    tip: str


class ModelGate(QObject):
    """Keeps registered actions in step with what the panel's current model can do.

    Signals
    -------
    changed()
        Availability was recomputed (another model is chosen).
    """

    changed = Signal()

    def __init__(self, panel: PromptPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._panel = panel
        self._gated: list[_Gated] = []
        panel.model_combo.currentIndexChanged.connect(lambda _index: self.update())

    def require(self, action: QAction, edit: str) -> None:
        """Enable ``action`` only while the current model can do ``edit``."""
        self._gated.append(_Gated(action, edit, action.toolTip()))
        self.update()

    def refusal(self, edit: str) -> str:
        """Why the current model cannot do ``edit``, or ``""``."""
        return edit_refusal(self._panel.current_model(), edit)

    def update(self) -> None:
        for gated in self._gated:
            reason = self.refusal(gated.edit)
            gated.action.setEnabled(not reason)
            gated.action.setToolTip(reason or gated.tip)
            gated.action.setStatusTip(reason or gated.tip)
        self.changed.emit()
