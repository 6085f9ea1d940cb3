"""The step callback of a diffusers pipeline call: progress with a preview, and cancel.

One image may run more than one pipeline call (hires fix repaints after the first pass), so a
callback counts the steps of its own pass from where the earlier passes ended.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from studio.domain.errors import JobCancelled
from studio.domain.models import ModelFamily
from studio.engine.backend import ImageSteps
from studio.engine.sd.previews import latent_preview


def step_callback(
    family: ModelFamily, image: ImageSteps, *, start: int, steps: int
) -> Callable[..., dict]:
    """A ``callback_on_step_end`` reporting steps ``start + 1`` to ``start + steps`` of ``image``.

    Cancelling raises :class:`JobCancelled` from inside the step, so a cancelled job stops
    within one step of either pass.
    """

    def on_step_end(pipe: Any, step: int, _timestep: Any, tensors: dict) -> dict:
        if image.cancelled:
            pipe._interrupt = True  # diffusers' own flag, in case the raise is swallowed
            raise JobCancelled()
        # Second-order samplers (Heun) call back twice per step; map onto request steps.
        calls = max(int(getattr(pipe, "num_timesteps", steps) or steps), 1)
        done = min(steps, math.ceil((step + 1) * steps / calls))
        image.report(start + done, latent_preview(tensors["latents"], family))
        return {}

    return on_step_end
