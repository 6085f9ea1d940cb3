"""A tiny Real-ESRGAN (RRDBNet) file: the real key names, small shapes, random weights.

spandrel detects it by its keys as it detects a downloaded ``RealESRGAN_x4plus.pth``; with 8
features and one block it runs on a CPU in milliseconds. Its reach is about 19 source pixels
(17 3x3 convolutions at the source's resolution, four more after the upsampling), inside the
tiler's 32-pixel overlap, so a tiled run equals an untiled one.
"""

from __future__ import annotations

from pathlib import Path

import torch

FEATURES, GROWTH = 8, 32  # spandrel's RRDBNet fixes the growth channels at 32


def tiny_esrgan_state_dict(seed: int = 0) -> dict[str, torch.Tensor]:
    """A 4x Real-ESRGAN state dict (``conv_first``, ``body.0.rdb1.conv1``... ``conv_last``)."""
    generator = torch.Generator().manual_seed(seed)
    shapes: dict[str, tuple[int, int]] = {"conv_first": (FEATURES, 3)}
    for rdb in (1, 2, 3):
        for conv in range(1, 6):
            out = FEATURES if conv == 5 else GROWTH
            shapes[f"body.0.rdb{rdb}.conv{conv}"] = (out, FEATURES + (conv - 1) * GROWTH)
    for name in ("conv_body", "conv_up1", "conv_up2", "conv_hr"):
        shapes[name] = (FEATURES, FEATURES)
    shapes["conv_last"] = (3, FEATURES)
    state: dict[str, torch.Tensor] = {}
    for name, (out, inp) in shapes.items():
        state[f"{name}.weight"] = torch.randn(out, inp, 3, 3, generator=generator) * 0.12
        state[f"{name}.bias"] = torch.zeros(out)
    state["conv_last.bias"] = torch.full((3,), 0.5)  # mid-grey outputs, away from the clamp
    return state


def save_tiny_esrgan(folder: Path, name: str = "tiny-esrgan", suffix: str = ".pth") -> Path:
    """Write the tiny model as a ``.pth`` (BasicSR's ``params_ema`` wrapper) or ``.safetensors``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{suffix}"
    state = tiny_esrgan_state_dict()
    if suffix == ".safetensors":
        from safetensors.torch import save_file

        save_file(state, str(path))
    else:
        torch.save({"params_ema": state}, path)
    return path
