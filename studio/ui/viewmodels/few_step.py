"""The Generate panel follows a few-step model: its preset when picked, a note beside the steps.

When the prompt gains a few-step LoRA tag (``<lora:sdxl_lightning_4step_lora:1>``) or a
few-step checkpoint becomes the model, the panel's sampler, steps and CFG become the preset's
(:func:`studio.ops.request_defaults.request_preset`, the rule ``studio generate`` follows) and
the note says so. Only a change of preset applies it: steps the user sets afterwards stay, and
a recipe restored after its prompt keeps its own values. When the preset goes (the tag is
deleted), the values it set and the user left alone go back to the model's defaults, so an
ordinary model is not left at 4 steps without guidance.
"""

from __future__ import annotations

from typing import Protocol

from studio.domain.few_step import FewStepPreset
from studio.domain.models import ModelInfo
from studio.ops.request_defaults import defaults_for, request_preset


class _Panel(Protocol):
    prompt: str
    model: str
    models: tuple[ModelInfo, ...]
    few_step_note: str


class FewStepFollower:
    """Applies the preset of the panel's prompt and model when it changes; see the module.

    Parameters
    ----------
    panel
        The Generate view-model; call :meth:`update` when its prompt or model changes.
    """

    def __init__(self, panel: _Panel) -> None:
        self._panel = panel
        self._applied: FewStepPreset | None = None

    def update(self, *_: object) -> None:
        """Take the preset of the current prompt and model if it is not the one applied."""
        panel = self._panel
        info = next((m for m in panel.models if m.id == panel.model), None)
        preset = request_preset(panel.prompt, info) if info is not None else None
        if preset == self._applied:
            return
        left, self._applied = self._applied, preset
        if preset is not None:
            for name, value in preset.fields().items():
                setattr(panel, name, value)
        elif left is not None and info is not None:
            defaults = defaults_for(info).fields()
            for name, value in left.fields().items():
                if getattr(panel, name) == value:
                    setattr(panel, name, defaults[name])
        panel.few_step_note = preset.note() if preset is not None else ""
