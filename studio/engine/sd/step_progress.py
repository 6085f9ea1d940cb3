"""The step callback of a diffusers pipeline call: progress with a preview, and cancel.

One image may run more than one pipeline call (hires fix repaints after the first pass), so a
callback counts the steps of its own pass from where the earlier passes ended.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import JobCancelled
from studio.domain.models import ModelFamily
from studio.domain.results import ProgressUpdate
from studio.engine.sd.previews import latent_preview


def step_callback(
    family: ModelFamily,
    *,
    start: int,
    steps: int,
    total: int,
    on_progress: ProgressCallback,
    cancel: threading.Event,
) -> Callable[..., dict]:
    """A ``callback_on_step_end`` reporting ``start + 1`` to ``start + steps`` of ``total``.

    Cancelling raises :class:`JobCancelled` from inside the step, so a cancelled job stops
    within one step of either pass.
    """

    def on_step_end(pipe: Any, step: int, _timestep: Any, tensors: dict) -> dict:
        if cancel.is_set():
            pipe._interrupt = True  # diffusers' own flag, in case the raise is swallowed
            raise JobCancelled()
        # Second-order samplers (Heun) call back twice per step; map onto request steps.
        calls = max(int(getattr(pipe, "num_timesteps", steps) or steps), 1)
        done = min(steps, math.ceil((step + 1) * steps / calls))
        preview = latent_preview(tensors["latents"], family)
        on_progress(ProgressUpdate(step=start + done, total=total, preview=preview))
        return {}

    return on_step_end
