"""Native (LayerDiffuse) vs matte transparency on the same prompts and seeds.

For each prompt and seed it makes one image each way and measures what a game artist sees:

- alpha in-between: the share of pixels whose alpha is neither (nearly) 0 nor 255
  (``studio.train.evaluation.game_metrics.alpha_in_between``, 0.05 < alpha < 0.95);
- halo: over the edge pixels (visible pixels that touch a fully transparent one, or are half
  transparent themselves), the mean colour difference, in 0-255 levels, between the image
  composited on black and on white. A clean cut-out scores near 0; a soft fringe that shows
  as a dark rim on light ground and a light rim on dark ground scores high.

Real LayerDiffuse weights are not available offline, so by default it builds a tiny random SD
1.x model and tiny random LayerDiffuse files of the published layouts (as the tests do): the
numbers then show the measurement works, not how good either method is. Give ``--model`` and
``--layer-folder`` to measure real files. Usage::

    PYTHONPATH=. python tools/transparency_compare.py [--model DIR --layer-folder DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

PROMPTS = ("a red slime", "a knight with a sword", "a green potion bottle", "a wooden chest")
SEEDS = (1, 2)


def edge_mask(alpha: np.ndarray) -> np.ndarray:
    """Visible pixels that touch a fully transparent one (4-neighbourhood) or are soft."""
    clear = alpha == 0
    padded = np.pad(clear, 1, mode="edge")
    touches = padded[:-2, 1:-1] | padded[2:, 1:-1] | padded[1:-1, :-2] | padded[1:-1, 2:]
    return ~clear & (touches | (alpha < 255))


def halo(rgba: np.ndarray) -> float | None:
    """Mean |on white - on black| over the edge pixels, in levels; None without edges."""
    alpha = rgba[..., 3].astype(np.float64) / 255.0
    edges = edge_mask(rgba[..., 3])
    if not edges.any():
        return None
    colour = rgba[..., :3].astype(np.float64) * alpha[..., None]
    on_black, on_white = colour, colour + 255.0 * (1.0 - alpha[..., None])
    return float(np.abs(on_white - on_black)[edges].mean())


def _tiny_setup(root: Path) -> tuple[Path, Path]:
    import torch

    from studio.bench.tiny_models import build_tiny_pipeline
    from studio.domain.settings import EngineSettings
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.loading import load_pipeline
    from tests.engine.layerdiffuse_files import save_decoder, save_tensors, sd1_patch_tensors

    model = build_tiny_pipeline(root / "tiny-sd1", "sd1", seed=0)
    folder = root / "layer_model"
    save_decoder(folder / "layer_sd15_vae_transparent_decoder.safetensors")
    info = ModelRegistry(EngineSettings(scan_hf_cache=False)).inspect_path(model)
    unet = load_pipeline(info, torch.device("cpu"), torch.float32).pipe.unet
    save_tensors(sd1_patch_tensors(unet), folder / "layer_sd15_transparent_attn.safetensors")
    return model, folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--layer-folder", type=Path)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args(argv)

    import torch

    from studio.domain.requests import GenerationRequest
    from studio.domain.settings import EngineSettings
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend
    from studio.train.evaluation.game_metrics import alpha_in_between

    with tempfile.TemporaryDirectory() as tmp:
        model, folder = args.model, args.layer_folder
        if model is None or folder is None:
            model, folder = _tiny_setup(Path(tmp))
        registry = ModelRegistry(EngineSettings(model_paths=(str(folder),), scan_hf_cache=False))
        info = registry.inspect_path(model)
        backend = load_diffusers_backend(
            info, torch.device("cpu"), torch.float32, addon_index=registry
        )
        print("| prompt | seed | method | alpha in-between | halo (levels) | note |")
        print("|---|---|---|---|---|---|")
        for prompt in PROMPTS:
            for seed in SEEDS:
                for method in ("native", "matte"):
                    request = GenerationRequest(prompt=prompt, seed=seed, steps=args.steps,
                                                width=args.size, height=args.size,
                                                transparent=method)  # fmt: skip
                    (image,) = backend.generate(request, lambda _u: None, threading.Event())
                    pixels = image.pixels
                    if pixels.shape[2] == 3:  # the matte kept it opaque
                        pixels = np.dstack([pixels, np.full(pixels.shape[:2], 255, np.uint8)])
                    share = alpha_in_between(pixels[None])
                    rim = halo(pixels)
                    note = image.extra.get("transparency", "")
                    shown = "n/a (no edge)" if rim is None else f"{rim:.1f}"
                    print(f"| {prompt} | {seed} | {method} | {100 * share:.1f} % | {shown} | "
                          f"{note} |")  # fmt: skip
        backend.unload()
    return 0


if __name__ == "__main__":
    sys.exit(main())
