"""Neural style transfer: 26 presets, any image as a style, blends, tiles, an iterative mode.

Importing this package loads no torch: the names below that run networks import their modules
on first call, so ``studio --help`` and the first window stay fast.

Public API
----------
list_presets() -> list[StylePreset]
run_style_job(request, on_progress, cancel, device=None) -> GeneratedImage
render_preset_thumbnails(cache_dir=None, size=128, networks=None) -> dict[int, Path]
default_cache_dir() -> Path
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Activations of a 1024 px image are 128 MB per layer, freshly allocated by every forward pass.
# With 4 KB pages each one page-faults on first touch; transparent huge pages cut that cost
# (measured: `studio bench style` ratio 1.12 -> 0.87 at 1024 px). PyTorch reads this switch at
# its first tensor allocation, so it only takes effect when set before torch allocates anything:
# here, before any style module imports torch (the CLI, the benchmark), or by the launcher.
os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

from studio.engine.style.paths import default_cache_dir
from studio.engine.style.presets import PRESET_NAMES, StylePreset, list_presets

if TYPE_CHECKING:
    import threading
    from pathlib import Path

    from studio.domain.engine_protocol import ProgressCallback
    from studio.domain.results import GeneratedImage
    from studio.domain.style import StyleRequest
    from studio.engine.residency import Residency

__all__ = [
    "PRESET_NAMES",
    "StylePreset",
    "default_cache_dir",
    "list_presets",
    "render_preset_thumbnails",
    "run_style_job",
]


def run_style_job(
    request: StyleRequest,
    on_progress: ProgressCallback,
    cancel: threading.Event,
    device: Any = None,
    **options: Any,
) -> GeneratedImage:
    """Run one style job; see :func:`studio.engine.style.job.run_style_job`."""
    from studio.engine.style.job import run_style_job as run

    return run(request, on_progress, cancel, device, **options)


def render_preset_thumbnails(
    cache_dir: Path | None = None, size: int = 128, networks: Residency | None = None
) -> dict[int, Path]:
    """Preset thumbnails: the shipped ones when they fit the installed network (no torch),
    else rendered once and cached (:func:`studio.engine.style.thumbnails.render_preset_thumbnails`),
    with the network kept in ``networks`` (default: the style package's own cache).
    """
    from studio.engine.style.thumbnail_files import shipped_thumbnails

    shipped = shipped_thumbnails(size)
    if shipped is not None:
        return shipped
    from studio.engine.style.thumbnails import render_preset_thumbnails as render

    return render(cache_dir, size, networks=networks)
