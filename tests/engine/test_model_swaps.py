"""Swapping between two models many times does not grow memory (issue 24: memory)."""

from __future__ import annotations

import collections
import ctypes
import gc
from pathlib import Path

from studio.engine.service import EngineService
from tests.engine.helpers import run_all, tiny_request, tiny_settings

SWAPS = 10
# What may still move between swap 3 and swap 10 (allocator arenas, warming caches): about
# 13 MiB measured. A tiny SD 1.x pipeline is 15 MiB, so one kept alive per swap would add
# 60 MiB or more over those seven swaps.
RSS_MARGIN_BYTES = 24 * 1024**2


def rss_bytes() -> int:
    """This process's resident memory, from the kernel's own count, after a collection.

    glibc keeps freed blocks in its arenas; ``malloc_trim`` hands them back first, so what is
    left is memory something still holds.
    """
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def live_models() -> dict[str, int]:
    """How many UNets, VAEs and CLIP text encoders of each kind are alive in this process."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    kinds = (UNet2DConditionModel, AutoencoderKL, CLIPTextModel, CLIPTextModelWithProjection)
    gc.collect()
    return dict(
        collections.Counter(type(o).__name__ for o in gc.get_objects() if isinstance(o, kinds))
    )


def test_ten_swaps_between_two_models_keep_memory_flat(
    tiny_sd1_dir: Path, tiny_sdxl_dir: Path, empty_dir: Path
) -> None:
    service = EngineService(tiny_settings(tiny_sd1_dir, tiny_sdxl_dir, builtin_dir=empty_dir))
    models = [str(tiny_sd1_dir), str(tiny_sdxl_dir)]
    rss: list[int] = []
    alive: list[dict[str, int]] = []
    try:
        for load in range(SWAPS + 1):  # the first load, then ten swaps
            run_all(service, tiny_request(model=models[load % 2], steps=1))
            alive.append(live_models())
            rss.append(rss_bytes())
    finally:
        service.close()
    print("RSS MiB after each load:", [round(value / 1024**2, 1) for value in rss])
    # Each load leaves its own model's modules alive, never the previous model's too.
    assert alive[0]["UNet2DConditionModel"] == 1 and alive[1]["UNet2DConditionModel"] == 1
    assert alive == alive[:2] * (SWAPS // 2) + alive[:1]
    # The peak over a pair of loads (one of each model) around swap 3 and around swap 10.
    assert max(rss[9:11]) - max(rss[3:5]) <= RSS_MARGIN_BYTES
    assert live_models() == {}  # close() lets the last one go
