"""How many denoising steps one image of a request runs, checked before any model work.

The backend counts its progress from it, and the engine service the step total it reports
while the model still loads, so both say the same number.
"""

from __future__ import annotations

import math

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.engine.sd.schedulers import check_sampler_steps


def steps_per_image(request: GenerationRequest) -> int:
    """Denoising steps one image of ``request`` runs (image-to-image skips the early ones).

    Raises
    ------
    InvalidRequestError
        If strength is so low that no step would run, or the sampler cannot run that many.
    """
    check_sampler_steps(request.sampler, request.steps)
    if not request.is_img2img:
        return request.steps
    steps = min(int(request.steps * request.strength), request.steps)
    if steps < 1:
        needed = math.ceil(100 / request.steps) / 100
        raise InvalidRequestError(
            f"Strength {request.strength:g} with {request.steps} steps changes nothing: "
            f"raise strength to at least {needed:g} or use more steps."
        )
    return steps
