"""Upscalers: model files through spandrel, tiled with bounded memory, and nearest neighbour.

:func:`run_upscale_job` is the entry point (the engine service's dispatch, ``studio upscale``
and batches); :func:`resolve_upscaler` is the one lookup of a name or a path.
"""

from studio.engine.upscale.job import run_upscale_job
from studio.engine.upscale.resolve import resolve_upscaler

__all__ = ["resolve_upscaler", "run_upscale_job"]
