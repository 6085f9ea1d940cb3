"""Importing torch, diffusers and transformers once, without freezing the window.

The engine imports what a torch job needs at start-up or when a job first needs it, never in
the middle of a generation; :class:`TorchStack` remembers what is already imported.
"""

from __future__ import annotations

import gc


class TorchStack:
    """What of the torch stack this process has imported: nothing, torch, or the pipelines."""

    def __init__(self) -> None:
        self._imported: set[str] = set()  # "torch", "pipelines"

    def ensure(self, pipelines: bool = True) -> None:
        """Import torch and the style networks, and with ``pipelines`` diffusers and
        transformers too (Stable Diffusion), unless that is done already.

        Big imports hold the GIL for up to a few hundred milliseconds each; done once, at
        start-up or when a job first needs them, they cannot freeze the window in the middle
        of a generation. A style job does not wait for the pipelines it does not use.
        """
        wanted = "pipelines" if pipelines else "torch"
        if wanted in self._imported:
            return
        # The imports create millions of long-lived objects. Left to the cyclic garbage
        # collector, every full collection walks all of them while holding the GIL (measured:
        # 100-350 ms pauses of the GUI thread, growing with each import). Collection is paused
        # while importing, and the survivors are frozen out of all later collections.
        gc.disable()
        try:
            _import_torch_modules()
            if pipelines:
                _import_pipeline_modules()
        finally:
            gc.freeze()
            gc.enable()
        self._imported |= {"torch", wanted}


def _import_torch_modules() -> None:
    import torch  # noqa: F401

    import studio.engine.builtin.loader
    import studio.engine.style.job  # noqa: F401


def _import_pipeline_modules() -> None:
    import diffusers
    import transformers

    import studio.engine.sd.diffusers_backend  # noqa: F401

    # diffusers and transformers import their model classes on first attribute access.
    for name in ("StableDiffusionPipeline", "StableDiffusionXLPipeline", "AutoencoderKL"):
        getattr(diffusers, name)
    for name in ("CLIPTextModel", "CLIPTextModelWithProjection", "CLIPTokenizer", "BertModel"):
        getattr(transformers, name)
