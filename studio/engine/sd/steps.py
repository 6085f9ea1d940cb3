"""How many denoising steps one image of a request runs, checked before any model work.

The backend counts its progress from it, and the engine service the step total it reports
while the model still loads, so both say the same number.
"""

from __future__ import annotations

import math

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.engine.sd.hires import hires_steps
from studio.engine.sd.schedulers import check_sampler_steps


def steps_per_image(request: GenerationRequest) -> int:
    """Denoising steps one image of ``request`` runs, both passes of a hires fix counted.

    Raises
    ------
    InvalidRequestError
        If strength is so low that no step would run, the sampler cannot run that many, or
        the hires fix cannot run (see :func:`studio.engine.sd.hires.hires_steps`).
    """
    return sum(pass_steps(request))


def pass_steps(request: GenerationRequest) -> tuple[int, ...]:
    """Steps of each pipeline call of one image: the first pass, then the hires pass if any.

    Raises
    ------
    InvalidRequestError
        As :func:`steps_per_image`.
    """
    check_sampler_steps(request.sampler, request.steps)
    if request.has_hires:
        check_sampler_steps(request.sampler, request.hires_steps or request.steps)
        return request.steps, hires_steps(request)
    if not request.is_img2img:
        return (request.steps,)
    steps = min(int(request.steps * request.strength), request.steps)
    if steps < 1:
        needed = math.ceil(100 / request.steps) / 100
        raise InvalidRequestError(
            f"Strength {request.strength:g} with {request.steps} steps changes nothing: "
            f"raise strength to at least {needed:g} or use more steps."
        )
    return (steps,)
