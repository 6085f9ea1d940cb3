"""The fast path of an SD/SDXL pipeline: compiled UNet and VAE decoder, channels-last, SDPA.

``torch.compile`` (inductor, which works on the CPU too) compiles the two modules that run the
most: the UNet once per step and the VAE decoder once per image. Convolutions run faster on
channels-last tensors, and every attention layer is set to PyTorch's fused
``scaled_dot_product_attention``. The compiled graphs are kept in Studio's cache folder
(inductor's FX graph cache), so a second launch reuses them instead of compiling again.

The compiled modules wrap the eager ones and share their weights: :func:`eager_modules` runs
the pipeline eager again for a while without a second copy of the model (the speed bench's
plain diffusers side does).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studio.domain.cache_dir import studio_cache_dir

# Inductor reads its cache folder from this variable when it first compiles.
INDUCTOR_CACHE_ENV = "TORCHINDUCTOR_CACHE_DIR"


def inductor_cache_dir() -> Path:
    """Where compiled graphs are kept: ``<Studio's cache>/inductor``."""
    return studio_cache_dir() / "inductor"


def apply_fast_path(pipe: Any) -> None:
    """Switch ``pipe`` to the fast path in place (its results stay within float tolerance).

    Parameters
    ----------
    pipe
        A diffusers SD or SDXL pipeline; its UNet becomes a compiled module and its VAE's
        decoder too. Compiling happens at the first call, not here.
    """
    import torch
    from diffusers.models.attention_processor import AttnProcessor2_0

    # Only when unset: a user who points inductor elsewhere keeps their folder.
    os.environ.setdefault(INDUCTOR_CACHE_ENV, str(inductor_cache_dir()))
    torch._inductor.config.fx_graph_cache = True
    unet, vae = _eager(pipe.unet), pipe.vae
    for module in (unet, vae):
        module.set_attn_processor(AttnProcessor2_0())
        module.to(memory_format=torch.channels_last)
    if not is_compiled(pipe.unet):
        pipe.unet = torch.compile(unet, fullgraph=False)
    if not is_compiled(vae.decoder):
        vae.decoder = torch.compile(vae.decoder, fullgraph=False)


def is_compiled(module: Any) -> bool:
    """Whether ``module`` is a ``torch.compile`` wrapper."""
    return hasattr(module, "_orig_mod")


@contextmanager
def eager_modules(pipe: Any) -> Iterator[Any]:
    """Run ``pipe`` with its eager UNet and VAE decoder inside the ``with`` block.

    Does nothing to a pipeline that is not on the fast path.
    """
    unet, decoder = pipe.unet, pipe.vae.decoder
    pipe.unet, pipe.vae.decoder = _eager(unet), _eager(decoder)
    try:
        yield pipe
    finally:
        pipe.unet, pipe.vae.decoder = unet, decoder


def _eager(module: Any) -> Any:
    return getattr(module, "_orig_mod", module)
