"""Actions the chosen model cannot do are disabled, with the reason as their tooltip.

One table says which canvas edit each action needs (:data:`studio.domain.models.CANVAS_EDITS`);
whenever the model in the prompt panel changes, every registered action is enabled or
disabled from the model's :attr:`ModelInfo.edits` by the rule the command line asks too
(:func:`studio.ops.edit_rules.edit_refusal`). Code paths that run an edit without its
action (a context menu, a script) ask :meth:`ModelGate.refusal` first, so nothing is offered
and then refused, and nothing (the outpaint canvas) changes before a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from studio.ops.edit_rules import edit_refusal
from studio.ui.prompt_panel import PromptPanel


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
