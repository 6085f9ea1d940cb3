"""Step caching: reuse the UNet's deep features between denoising steps (DeepCache's idea).

From one step to the next, the UNet's deep, low-resolution features change slowly while the
shallow, full-resolution ones carry the detail. So every ``interval``-th UNet call runs in full
and keeps what its deep branch produced (the input of the last up block); the calls between run
only the shallow branch: ``conv_in``, the first down block, the last up block fed with the kept
deep features and the fresh skip connections, and the output head. That skips most of the
UNet's work on those steps for an image that stays close to the full one (Ma et al.,
"DeepCache: Accelerating Diffusion Models for Free", 2023; this is our own code on diffusers'
``UNet2DConditionModel``).

A call that carries extra residuals (ControlNet) always runs in full.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepCacheStats:
    """How many UNet calls ran in full and how many ran the shallow branch only."""

    full: int = 0
    shallow: int = 0
    _deep: Any = field(default=None, repr=False)


@contextmanager
def step_cache(unet: Any, interval: int) -> Iterator[StepCacheStats]:
    """Run ``unet`` with step caching inside the ``with`` block.

    Parameters
    ----------
    unet
        A diffusers ``UNet2DConditionModel`` (a compiled one is unwrapped: the shallow branch
        runs eager).
    interval
        Every ``interval``-th call runs in full, starting with the first; ``0`` or ``1`` turns
        caching off (every call in full).

    Yields
    ------
    StepCacheStats
        Counts of full and shallow calls, filled in as the pipeline runs.
    """
    stats = StepCacheStats()
    if interval <= 1:
        yield stats
        return
    # A compiled UNet is run eager while caching: its graph would not call the hook below.
    target = getattr(unet, "_orig_mod", unet)
    last_up = target.up_blocks[-1]

    def keep_deep(_module: Any, args: tuple, kwargs: dict) -> None:
        stats._deep = kwargs.get("hidden_states", args[0] if args else None)

    hook = last_up.register_forward_pre_hook(keep_deep, with_kwargs=True)
    full_forward = target.forward
    own_forward = vars(unet).get("forward")  # torch.compile's wrapper keeps one per instance
    calls = 0

    def forward(sample: Any, timestep: Any, encoder_hidden_states: Any, *args: Any, **kwargs: Any):
        nonlocal calls
        extra = kwargs.get("down_block_additional_residuals") is not None or args
        run_full = calls % interval == 0 or stats._deep is None or bool(extra)
        calls += 1
        if run_full:
            stats.full += 1
            return full_forward(sample, timestep, encoder_hidden_states, *args, **kwargs)
        stats.shallow += 1
        return _shallow(target, stats._deep, sample, timestep, encoder_hidden_states, **kwargs)

    unet.forward = forward
    try:
        yield stats
    finally:
        if own_forward is None:
            del unet.forward  # back to the class's forward
        else:
            unet.forward = own_forward
        hook.remove()
        stats._deep = None


def _shallow(
    unet: Any,
    deep: Any,
    sample: Any,
    timestep: Any,
    encoder_hidden_states: Any,
    timestep_cond: Any = None,
    cross_attention_kwargs: dict | None = None,
    added_cond_kwargs: dict | None = None,
    return_dict: bool = True,
    **_ignored: Any,
) -> Any:
    """The shallow branch of ``unet``, with ``deep`` standing in for everything below it."""
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionOutput

    # The time embedding as diffusers' forward builds it (SDXL adds its size/text embedding).
    emb = unet.time_embedding(unet.get_time_embed(sample=sample, timestep=timestep), timestep_cond)
    aug = unet.get_aug_embed(
        emb=emb, encoder_hidden_states=encoder_hidden_states, added_cond_kwargs=added_cond_kwargs
    )
    emb = emb if aug is None else emb + aug
    if unet.time_embed_act is not None:
        emb = unet.time_embed_act(emb)
    encoder_hidden_states = unet.process_encoder_hidden_states(
        encoder_hidden_states=encoder_hidden_states, added_cond_kwargs=added_cond_kwargs
    )
    first_down, last_up = unet.down_blocks[0], unet.up_blocks[-1]
    hidden = unet.conv_in(sample)
    context: dict[str, Any] = {"encoder_hidden_states": encoder_hidden_states}
    if cross_attention_kwargs:
        context["cross_attention_kwargs"] = cross_attention_kwargs
    if getattr(first_down, "has_cross_attention", False):
        _, down_skips = first_down(hidden_states=hidden, temb=emb, **context)
    else:
        _, down_skips = first_down(hidden_states=hidden, temb=emb)
    # The last up block reads conv_in's output and the first down block's resnet outputs, as
    # in the full forward (the downsampled output feeds only the deep branch).
    skips = (hidden, *down_skips)[: len(last_up.resnets)]
    if getattr(last_up, "has_cross_attention", False):
        out = last_up(hidden_states=deep, res_hidden_states_tuple=skips, temb=emb, **context)
    else:
        out = last_up(hidden_states=deep, res_hidden_states_tuple=skips, temb=emb)
    if unet.conv_norm_out is not None:
        out = unet.conv_act(unet.conv_norm_out(out))
    out = unet.conv_out(out)
    return UNet2DConditionOutput(sample=out) if return_dict else (out,)
