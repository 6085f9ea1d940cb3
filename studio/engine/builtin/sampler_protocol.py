"""What a runtime of a built-in model offers the backend, and what it hands back.

The backend (:mod:`.backend`) drives any :class:`SpriteSampler`: the torch runtime
(:mod:`.torch_sampler`), the numpy runtime (:mod:`.numpy_runtime.sampler`) and the texture
synthesiser (:mod:`.texture_sampler`). The contract lives here, apart from the backend, so a
sampler the backend itself picks (a texture) needs no import of the backend. No torch here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from studio.domain.requests import GenerationRequest
from studio.engine.builtin.reference_bank import Candidates, Reference
from studio.engine.editing.inpaint import InpaintPlan

# (steps done in this image, preview of the image so far at the native size, or None)
SamplerStep = Callable[[int, np.ndarray | None], None]


@dataclass(frozen=True, eq=False)
class Conditioned:
    """A prompt pair in the sampler's own form, and whether each text was cut to fit.

    ``candidates`` are the bank icons a retrieval-augmented model may draw on for this prompt
    (:mod:`.reference_bank`); ``None`` for a model without a bank.
    """

    value: Any
    truncated: tuple[bool, bool] = (False, False)
    candidates: Candidates | None = None


@dataclass(frozen=True, eq=False)
class Sampled:
    """One sprite at the native size: straight RGBA ``uint8`` and the facts to record.

    ``reference`` is the bank icon a retrieval-augmented model drew on, if any; its detail
    guides the enlargement.
    """

    pixels: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    reference: Reference | None = None


@dataclass(frozen=True, eq=False)
class SampleJob:
    """What drawing one sprite needs: the prompt, the request, which image, the inpaint plan.

    ``crisp`` snaps alpha to 0 or 1 at the native size; the backend asks for soft alpha when it
    enlarges the sprite with the learnt enlarger and snaps after, so edges are cut at 64 px.
    """

    cond: Conditioned
    request: GenerationRequest
    index: int
    inpaint: InpaintPlan | None
    on_step: SamplerStep
    crisp: bool = False


class SpriteSampler(Protocol):
    """What a runtime of a built-in model offers the backend."""

    family: str
    sample_size: int

    def count_steps(self, request: GenerationRequest) -> int:
        """Progress steps one image of ``request`` takes."""
        ...

    def condition(self, prompt: str, negative_prompt: str) -> Conditioned:
        """Encode the prompt and the unconditional text (the negative, or the null prompt)."""
        ...

    def sample(self, job: SampleJob) -> Sampled:
        """Image ``job.index`` of ``job.request`` (seed ``request.seed_for(index)``)."""
        ...

    def unload(self) -> None:
        """Release weights and device memory."""
        ...
