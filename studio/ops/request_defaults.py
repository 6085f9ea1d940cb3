"""What a request gets from its model when the user does not say: one rule for every face.

A model made for 64 px sprites and one made for 1024 px scenes need other sizes, and Turbo
models are meant for a few steps without guidance. The prompt panel (when a model is picked),
``studio generate`` and ``studio batch`` all take these values from :func:`defaults_for`, so
the same model starts from the same request wherever it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest

TURBO_STEPS = 4
TURBO_CFG = 0.0


@dataclass(frozen=True)
class RequestDefaults:
    """The request fields a model decides when the user leaves them unset.

    Parameters
    ----------
    width, height
        The model's native size.
    sampler, steps, cfg_scale
        The sampling settings to start from.
    model_specific
        Names of the fields this model sets apart from any model (the size always; steps and
        guidance for a Turbo model). The GUI replaces only these when another model is picked,
        so steps the user chose survive a switch between two ordinary models.
    """

    width: int
    height: int
    sampler: str
    steps: int
    cfg_scale: float
    model_specific: frozenset[str]

    def fields(self) -> dict[str, object]:
        """Every default as request fields (``{"width": 64, "steps": 25, ...}``)."""
        return {
            "width": self.width,
            "height": self.height,
            "sampler": self.sampler,
            "steps": self.steps,
            "cfg_scale": self.cfg_scale,
        }

    def specific_fields(self) -> dict[str, object]:
        """Only the defaults named in :attr:`model_specific`."""
        return {name: value for name, value in self.fields().items() if name in self.model_specific}


def defaults_for(model: ModelInfo) -> RequestDefaults:
    """The request defaults of ``model``.

    Parameters
    ----------
    model
        The model the request will run on.
    """
    specific = {"width", "height"}
    # Any other model starts from the request's own defaults (the A1111 ones).
    steps, cfg_scale = GenerationRequest.steps, GenerationRequest.cfg_scale
    if model.is_turbo:
        # Turbo models are distilled for a few steps and go wrong with guidance.
        steps, cfg_scale = TURBO_STEPS, TURBO_CFG
        specific |= {"steps", "cfg_scale"}
    width, height = model.default_size
    return RequestDefaults(
        width=width,
        height=height,
        sampler=GenerationRequest.sampler,
        steps=steps,
        cfg_scale=cfg_scale,
        model_specific=frozenset(specific),
    )


def complete_request(values: Mapping[str, Any], model: ModelInfo) -> dict[str, Any]:
    """``values`` (what the user set) completed with ``model``'s id and defaults.

    A value the user gave always wins; a field missing from ``values`` (or ``None``) takes
    the model's default.
    """
    given = {name: value for name, value in values.items() if value is not None}
    return {**defaults_for(model).fields(), **given, "model": model.id}
