"""One style-transfer job, from a :class:`StyleRequest` to a :class:`GeneratedImage`.

Order of work: decode and check every input first (so a bad file fails before any model loads),
scale the source to the work size, run the fast networks or the iterative optimisation, scale
the result back to the source size, then apply colour preservation, strength, mask and alpha at
full resolution. The result always has the source's size and its alpha channel, if any.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import JobCancelled, OutOfMemoryError
from studio.domain.results import GeneratedImage
from studio.domain.style import StyleRequest
from studio.engine.device import free_memory, is_out_of_memory, pick_device
from studio.engine.residency import Residency
from studio.engine.style import compose, inputs
from studio.engine.style.fast import TilingOptions
from studio.engine.style.feedforward import StyleMix, feedforward_steps, stylize_feedforward
from studio.engine.style.iterative import IterativeSettings, stylize_iterative
from studio.engine.style.loss_networks import load_loss_network
from studio.engine.style.presets import preset_label
from studio.engine.style.progress import JobProgress
from studio.engine.style.thumbnails import render_preset

ITERATIVE_DEFAULT_SIDE = 512  # the optimisation costs a loss-network pass per step


def resolve_device(device: torch.device | str | None) -> torch.device:
    """``None`` or ``"auto"`` picks CUDA, then MPS, then the CPU."""
    if isinstance(device, torch.device):
        return device
    return pick_device(device or "auto")[0]


def _style_labels(request: StyleRequest) -> list[str]:
    return [preset_label(i) for i in request.presets] + list(request.style_labels)


def _summary(labels: list[str], weights: tuple[float, ...]) -> str:
    return ", ".join(f"{label} {weight:.0%}" for label, weight in zip(labels, weights, strict=True))


def run_style_job(
    request: StyleRequest,
    on_progress: ProgressCallback,
    cancel: threading.Event,
    device: torch.device | str | None = None,
    *,
    cache_dir: Path | None = None,
    tiling: TilingOptions | None = None,
    hub_dir: Path | None = None,
    networks: Residency | None = None,
) -> GeneratedImage:
    """Restyle ``request.source`` and return the result as a ``kind="style"`` image.

    Parameters
    ----------
    request
        What to do; validated on construction.
    on_progress
        Receives a :class:`~studio.domain.results.ProgressUpdate` per tile (fast method) or per
        iteration (iterative method), plus phase messages.
    cancel
        Setting it raises :class:`~studio.domain.errors.JobCancelled` within one tile or one
        iteration.
    device
        ``torch.device``, ``"cpu"``/``"cuda"``/``"mps"``, or ``None`` for the best available.
    cache_dir
        Where converted weights live (default: :func:`default_cache_dir`).
    tiling
        When to tile large images (default: :class:`TilingOptions`).
    hub_dir
        Torch hub folder searched for VGG19 weights (default: torch's own).
    networks
        The engine's residency cache, which keeps the networks warm between jobs (default:
        the style package's own).

    Raises
    ------
    ImageReadError
        If the source, a style image or the mask cannot be decoded.
    InvalidRequestError
        If the mask does not fit the image.
    OutOfMemoryError
        If the device runs out of memory even with small tiles.
    """
    started = time.perf_counter()
    if cancel.is_set():
        raise JobCancelled()
    device = resolve_device(device)
    source = inputs.decode_source(request.source)
    mask = inputs.decode_mask(request.mask, source.width, source.height)
    weights = request.normalized_weights
    labels = _style_labels(request)
    details: dict[str, object]
    if request.strength == 0 or (mask is not None and not mask.any()):
        stylized, details = None, {"work_size": "none (nothing to apply)"}
        _report_done(on_progress)
    else:
        run = _Run(request, source, device, on_progress, cancel, cache_dir, networks)
        if request.method == "iterative":
            stylized, details = _iterative(run, hub_dir)
        else:
            stylized, details = _fast(run, tiling)
    pixels = _finish(request, source, stylized, mask)
    extra = {
        "styles": labels,
        "weights": list(weights),
        "style_summary": _summary(labels, weights),
        "source": request.source_label,
        "device": device.type,
        **details,
    }
    return GeneratedImage(
        request=request,
        pixels=pixels,
        model_name=str(details.get("model", "")),
        elapsed_s=time.perf_counter() - started,
        kind=request.kind,
        extra=extra,
    )


def _report_done(on_progress: ProgressCallback) -> None:
    JobProgress(1, on_progress, threading.Event()).step()


def _finish(
    request: StyleRequest,
    source: inputs.SourceImage,
    stylized: np.ndarray | None,
    mask: np.ndarray | None,
) -> np.ndarray:
    if stylized is None:
        rgb = source.rgb.copy()
    else:
        stylized = compose.resize(stylized, source.width, source.height)
        if request.preserve_colors:
            stylized = compose.keep_source_colors(stylized, compose.to_float(source.rgb))
        rgb = compose.apply_amount(source.rgb, stylized, request.strength, mask)
    if source.alpha is None:
        return rgb
    return np.dstack([rgb, source.alpha])


def _work_image(source: inputs.SourceImage, max_size: int | None) -> np.ndarray:
    width, height = inputs.work_size(source.width, source.height, max_size)
    return compose.to_float(inputs.resize_rgb(source.rgb, width, height))


@dataclass(frozen=True, eq=False)
class _Run:
    """What either method needs to restyle one source image."""

    request: StyleRequest
    source: inputs.SourceImage
    device: torch.device
    on_progress: ProgressCallback
    cancel: threading.Event
    cache_dir: Path | None
    networks: Residency | None


def _fast(run: _Run, tiling: TilingOptions | None) -> tuple[np.ndarray, dict[str, object]]:
    request = run.request
    weights = request.normalized_weights
    count = len(request.presets)
    images = tuple(
        (inputs.decode_style_image(data, label), weight)
        for data, label, weight in zip(
            request.style_images, request.style_labels, weights[count:], strict=True
        )
    )
    mix = StyleMix(tuple(zip(request.presets, weights[:count], strict=True)), images)
    work = _work_image(run.source, request.max_size)
    options = tiling or TilingOptions()
    try:
        stylized = _run_fast(run, work, mix, options)
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        free_memory()  # RELIABILITY 10: retry once in quarter-size pieces, then report
        smaller = _smaller(options)
        try:
            stylized = _run_fast(run, work, mix, smaller)
        except Exception as again:
            if not is_out_of_memory(again):
                raise
            free_memory()
            raise OutOfMemoryError(
                "Style transfer ran out of memory: set a smaller max size or use the CPU."
            ) from None
    networks = [
        name for name, used in (("multi-style", mix.presets), ("arbitrary-style", images)) if used
    ]
    details: dict[str, object] = {
        "model": " + ".join(networks) + " network",
        "method": "fast",
        "work_size": f"{work.shape[1]}x{work.shape[0]}",
    }
    return stylized, details


def _smaller(options: TilingOptions) -> TilingOptions:
    """Tiling that needs about a quarter of the memory."""
    budget = options.stats_pixels or options.max_whole_pixels
    return replace(
        options,
        max_whole_pixels=options.max_whole_pixels // 4,
        stats_pixels=budget // 4,
        tile=max(2 * options.overlap, options.tile // 2 // 4 * 4),
    )


def _run_fast(run: _Run, work: np.ndarray, mix: StyleMix, options: TilingOptions) -> np.ndarray:
    total = feedforward_steps(work.shape[1], work.shape[0], mix, options)
    progress = JobProgress(total, run.on_progress, run.cancel)
    progress.phase("Loading style models")
    return stylize_feedforward(
        work, mix, run.device, progress, options, run.cache_dir, networks=run.networks
    )


def _iterative(run: _Run, hub_dir: Path | None) -> tuple[np.ndarray, dict[str, object]]:
    request, device = run.request, run.device
    work = _work_image(run.source, request.max_size or ITERATIVE_DEFAULT_SIDE)
    side = max(work.shape[:2])
    progress = JobProgress(request.iterations, run.on_progress, run.cancel)
    progress.phase("Preparing styles")
    weights = request.normalized_weights
    targets = [
        render_preset(i, side, device, run.cache_dir, networks=run.networks)
        for i in request.presets
    ]
    targets += [
        inputs.decode_style_pixels(data, label, side)
        for data, label in zip(request.style_images, request.style_labels, strict=True)
    ]
    styles = [(compose.to_float(t), w) for t, w in zip(targets, weights, strict=True)]
    network = load_loss_network(device, hub_dir)
    progress.phase(f"Optimising with {network.name}")
    settings = IterativeSettings(iterations=request.iterations, seed=request.seed)
    with torch.enable_grad():
        result = stylize_iterative(work, styles, network, device, progress, settings)
    details = {
        "model": f"iterative ({network.name})",
        "method": "iterative",
        "loss_network": network.name,
        "iterations": request.iterations,
        "final_loss": round(result.losses[-1], 6),
        "work_size": f"{work.shape[1]}x{work.shape[0]}",
    }
    return result.image, details
