"""One upscale job to a result: nearest neighbour, or a model upscaler tile by tile.

The one place an upscaled image is made, for the worker's GPU lane, ``studio upscale`` and
batches alike, so all three carry the same recipe: A1111's ``Postprocess upscale by`` and
``Postprocess upscaler`` keys (what its Extras tab writes), what was done with the alpha
channel, and the source's own recipe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import JobCancelled
from studio.domain.job_kind import JobKind
from studio.domain.model_kind import ModelKind
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.domain.upscale_request import UpscaleRequest
from studio.engine.addon_lookup import AddonIndex, resolve_addon
from studio.imaging.output_size import check_output_size

if TYPE_CHECKING:
    import torch

NEAREST_DEFAULT = 2
ALPHA_THROUGH_MODEL = "upscaled as grey through the model"
_RESIZE_MARGIN = 4  # source pixels of wrap padding around a Lanczos resize of a tiling image


def run_upscale_job(
    request: UpscaleRequest,
    index: AddonIndex,
    device: Callable[[], tuple[torch.device, torch.dtype]],
    on_progress: ProgressCallback,
    cancel: threading.Event,
) -> GeneratedImage:
    """Upscale ``request``'s image and return the result with its recipe facts.

    Parameters
    ----------
    index
        Where a named upscaler is found: the model registry
        (:func:`~studio.engine.addon_lookup.resolve_addon`).
    device
        The engine's device and dtype, called only for a model upscaler (nearest never
        imports torch); the model runs in float32 whatever the dtype.
    on_progress, cancel
        Progress per tile (a second pass for the alpha channel counts its tiles too); cancel
        is honoured between tiles.

    Raises
    ------
    JobCancelled
        Between two tiles once ``cancel`` is set.
    StudioError
        One line: an unknown name, a damaged or unsafe file, an unknown architecture, a
        result larger than Studio writes.
    """
    started = time.monotonic()
    if cancel.is_set():
        raise JobCancelled()
    if request.is_nearest:
        pixels, facts = _nearest(request)
    else:
        pixels, facts = _with_model(request, index, device()[0], on_progress, cancel)
    extra: dict[str, Any] = {**facts, "source_recipe": dict(request.source.recipe)}
    if request.source.prompt:  # what the history row shows, as for the source
        extra["source_prompt"] = request.source.prompt
    return GeneratedImage(
        request=request,
        pixels=pixels,
        model_name=request.upscaler_name,
        kind=JobKind.UPSCALE,
        elapsed_s=time.monotonic() - started,
        extra=extra,
    )


def _check_size(request: UpscaleRequest, scale: int) -> None:
    height, width = request.pixels.shape[:2]
    check_output_size(width * scale, height * scale, what="The upscaled image", lower="the scale")


def _postprocess(request: UpscaleRequest, scale: int) -> dict[str, Any]:
    return {"Postprocess upscale by": scale, "Postprocess upscaler": request.upscaler_name}


def _nearest(request: UpscaleRequest) -> tuple[np.ndarray, dict[str, Any]]:
    from studio.imaging.pixels import upscale_nearest

    scale = request.scale or NEAREST_DEFAULT
    _check_size(request, scale)
    # Whole factors copy every pixel as a block: tiles stay seamless and alpha stays exact.
    return upscale_nearest(request.pixels, scale), _postprocess(request, scale)


def _with_model(
    request: UpscaleRequest,
    index: AddonIndex,
    device: torch.device,
    on_progress: ProgressCallback,
    cancel: threading.Event,
) -> tuple[np.ndarray, dict[str, Any]]:
    from studio.engine.upscale.load import load_upscaler
    from studio.engine.upscale.model_run import patch_runner, tile_side
    from studio.engine.upscale.tiles import plan_tiles, upscale_tiled

    path = resolve_addon(index, ModelKind.UPSCALER, request.model)
    on_progress(ProgressUpdate(0, 1, message=f"Loading {path.name}"))
    descriptor = load_upscaler(path, device)
    native, architecture = int(descriptor.scale), str(descriptor.architecture.name)
    scale = request.scale or native
    _check_size(request, scale)
    source = request.pixels
    height, width = source.shape[:2]
    alpha = source[:, :, 3:4] if source.shape[2] == 4 else None
    if alpha is not None and int(alpha.min()) == 255:
        alpha = None  # opaque: no second pass, the result stays RGBA
    tile = tile_side(device, native)
    per_pass = len(plan_tiles(height, width, tile))
    passes = 1 if alpha is None else 2
    out = np.empty((height * native, width * native, source.shape[2]), dtype=np.uint8)
    if source.shape[2] == 4 and alpha is None:
        out[:, :, 3] = 255
    infer = patch_runner(descriptor, device)
    for pass_index, (channels, target) in enumerate(
        [(source[:, :, :3], out[:, :, :3]), (alpha, out[:, :, 3:4])][:passes]
    ):
        assert channels is not None
        upscale_tiled(
            channels,
            infer,
            native,
            target,
            tile=tile,
            wrap_x=request.tile_x,
            wrap_y=request.tile_y,
            cancel=cancel,
            on_tile=_tile_progress(on_progress, pass_index * per_pass, passes * per_pass),
        )
    del descriptor, infer  # the weights go before the resize allocates the final image
    if scale != native:
        out = _resize(out, native, scale, request.tile_x, request.tile_y)
    facts = {
        **_postprocess(request, scale),
        "Upscaler architecture": architecture,
        "Tiles": per_pass,
    }
    if source.shape[2] == 4:
        facts["Alpha"] = ALPHA_THROUGH_MODEL if passes == 2 else "opaque, kept"
    return out, facts


def _tile_progress(on_progress: ProgressCallback, offset: int, total: int):
    def report(done: int, _tiles: int) -> None:
        on_progress(ProgressUpdate(offset + done, total))

    return report


def _resize(pixels: np.ndarray, native: int, scale: int, wrap_x: bool, wrap_y: bool) -> np.ndarray:
    """``pixels`` (the model's ``native`` factor) resized to ``scale`` with Lanczos.

    A tiling axis is padded with its opposite edge first and cropped after, so the filter sees
    the wrap and the edges still meet.
    """
    from PIL import Image

    margin_y, margin_x = (
        (_RESIZE_MARGIN * native if wrap_y else 0),
        (_RESIZE_MARGIN * native if wrap_x else 0),
    )
    padded = np.pad(pixels, ((margin_y, margin_y), (margin_x, margin_x), (0, 0)), mode="wrap")
    height, width = padded.shape[:2]
    size = (width * scale // native, height * scale // native)
    image = Image.fromarray(padded).resize(size, Image.Resampling.LANCZOS)
    resized = np.asarray(image)
    top, left = margin_y * scale // native, margin_x * scale // native
    rows, cols = pixels.shape[0] * scale // native, pixels.shape[1] * scale // native
    return np.ascontiguousarray(resized[top : top + rows, left : left + cols])
