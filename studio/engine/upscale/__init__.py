"""Upscalers: model files through spandrel, tiled with bounded memory, and nearest neighbour.

:func:`run_upscale_job` is the entry point (the engine service's dispatch, ``studio upscale``
and batches); a name or a path resolves through the registry like every add-on
(:func:`studio.engine.addon_lookup.resolve_addon`).
"""

from studio.engine.upscale.job import run_upscale_job

__all__ = ["run_upscale_job"]
