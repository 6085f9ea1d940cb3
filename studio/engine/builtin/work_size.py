"""How big one step's tensors are in each built-in family, for the thread policy.

:func:`studio.engine.thread_policy.choose_threads` gives a job one thread per
``ELEMENTS_PER_THREAD`` output elements of its typical operation. Each figure below counts the
two rows every family runs (the prompt and the unconditional text, for guidance).
"""

from __future__ import annotations

from typing import Any

from studio.engine.builtin.text_encoder import EMBED_DIM
from studio.engine.builtin.tokens import MAX_TOKENS

ROWS = 2  # the prompt and the negative (or null) text run side by side


def step_elements(family: str, config: Any) -> int | None:
    """Output elements of a typical operation of one sampling step; ``None`` if unknown.

    Parameters
    ----------
    family
        ``"vae"``, ``"gan"``, ``"ar"`` or ``"diffusion"``.
    config
        The family's architecture config (``BuiltinModel.config``).
    """
    match family:
        case "diffusion":
            # The UNet's full-resolution level: its first width over the patch grid.
            grid = config.sample_size // config.patch_size
            return ROWS * config.channels[0] * grid * grid
        case "ar":
            # With the key/value cache each step runs one new token through the transformer.
            return ROWS * config.d_model * config.mlp_ratio
        case "vae" | "gan":
            # The decoder's last, full-size level.
            return ROWS * config.channels[-1] * config.sample_size**2
        case _:
            return None


def text_elements() -> int:
    """Output elements of a text-encoder layer over the prompt pair."""
    return ROWS * MAX_TOKENS * EMBED_DIM
