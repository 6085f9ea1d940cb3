"""Preset gallery thumbnails: each preset rendered once from the shipped sample, cached as PNG.

The cache folder's name carries the thumbnail size and a hash of the network's weights, so a new
size or a changed model renders afresh while old files are simply never read again. A file that
is missing, unreadable or the wrong size is rendered again; writes are atomic.
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import BinaryIO, cast

import numpy as np
import torch
from PIL import Image

from studio.domain.errors import ModelNotFoundError
from studio.engine.residency import Residency
from studio.engine.style.compose import to_uint8
from studio.engine.style.fast import stylize_image
from studio.engine.style.inputs import square_crop
from studio.engine.style.multistyle import MultiStyleNetwork
from studio.engine.style.paths import default_cache_dir, sample_image_path
from studio.engine.style.presets import PRESET_NAMES
from studio.engine.style.thumbnail_files import is_valid as _is_valid
from studio.engine.style.thumbnail_files import thumbnail_folder as _thumbnail_folder
from studio.engine.style.thumbnail_files import thumbnail_path
from studio.engine.style.weights import load_network
from studio.imaging.atomic import atomic_write_stream


def _sample_pixels(side: int) -> np.ndarray:
    path = sample_image_path()
    try:
        with Image.open(path) as image:
            rgb = np.asarray(image.convert("RGB"))
    except OSError:
        raise ModelNotFoundError(
            f"The style sample image {path} is missing; reinstall Studio."
        ) from None
    return square_crop(rgb, side)


def render_preset(
    index: int,
    side: int,
    device: torch.device,
    cache_dir: Path | None = None,
    *,
    networks: Residency | None = None,
) -> np.ndarray:
    """Preset ``index`` applied to the sample image at ``side`` x ``side``, uint8 RGB.

    ``networks`` is the residency cache that keeps the network loaded (default: the style
    package's own).
    """
    network = cast(
        MultiStyleNetwork, load_network("multistyle", device, cache_dir, networks=networks)
    )
    weights = torch.zeros(len(PRESET_NAMES))
    weights[index] = 1.0
    with torch.inference_mode():
        affine = network.condition(weights.to(device))
    sample = _sample_pixels(side).astype(np.float32) / 255.0
    return to_uint8(stylize_image(network, affine, sample, device, threading.Event()))


def render_preset_thumbnails(
    cache_dir: Path | None = None,
    size: int = 128,
    device: torch.device | None = None,
    networks: Residency | None = None,
) -> dict[int, Path]:
    """PNG thumbnails of every preset, rendered on first use and reused afterwards.

    Parameters
    ----------
    cache_dir
        Cache root; :func:`~studio.engine.style.paths.default_cache_dir` when ``None``.
    size
        Side of the square thumbnails in pixels.
    device
        Where to render missing thumbnails (the CPU when ``None``; 26 small images).
    networks
        The residency cache that keeps the network loaded (default: the style package's own).

    Returns
    -------
    dict
        Preset index to thumbnail path.
    """
    if not 16 <= size <= 1024:
        raise ValueError(f"thumbnail size {size} is out of range 16..1024")
    root = cache_dir or default_cache_dir()
    folder = _thumbnail_folder(root, size)
    folder.mkdir(parents=True, exist_ok=True)
    device = device or torch.device("cpu")
    # Rendered at twice the size, then reduced: the brush texture shows at thumbnail scale.
    render_side = max(2 * size, 64)
    paths: dict[int, Path] = {}
    for index in range(len(PRESET_NAMES)):
        path = thumbnail_path(folder, index)
        if not _is_valid(path, size):
            pixels = render_preset(index, render_side, device, cache_dir, networks=networks)
            small = Image.fromarray(pixels).resize((size, size), Image.Resampling.LANCZOS)
            atomic_write_stream(path, partial(_save_png, small))
        paths[index] = path
    return paths


def _save_png(image: Image.Image, handle: BinaryIO) -> None:
    image.save(handle, "PNG")
