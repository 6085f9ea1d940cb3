"""The inputs of canvas edits in a built-in family's model space (torch tensors).

Which edits each family can do is :mod:`.edit_rules`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)

from studio.domain.requests import GenerationRequest
from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.pixels import straight_uint8_to_model
from studio.engine.editing.inpaint import InpaintPlan


def sample_settings(
    request: GenerationRequest, index: int, plan: InpaintPlan | None, native: int
) -> SampleSettings:
    """The family's settings for image ``index`` (variation seed, inpaint target)."""
    known = known_mask = None
    if plan is not None:
        known = straight_uint8_to_model(plan.model_image[None])
        if known.shape[-1] != native:  # premultiplied, so an area resize leaves no dark fringe
            known = F.interpolate(known, size=(native, native), mode="area")
        mask = torch.from_numpy(np.ascontiguousarray(plan.model_mask))[None, None].float()
        known_mask = F.interpolate(mask, size=(native, native), mode="area").clamp(0.0, 1.0)
    return SampleSettings(
        request.steps,
        request.cfg_scale,
        request.sampler,
        variation_seed=request.variation_seed_for(index) if request.has_variation else None,
        variation_strength=request.variation_strength,
        known=known,
        known_mask=known_mask,
    )
