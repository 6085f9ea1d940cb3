"""Training the built-in 2x sprite enlarger (:mod:`studio.engine.builtin.numpy_runtime.enlarger`).

The network is spandrel's Compact layout (Real-ESRGAN's ``SRVGGNetCompact``) with four
channels in and out, trained in the models' pixel space (premultiplied RGBA in [-1, 1]) on the
dataset's own pairs: its 32 px image of an icon in, its 64 px image out. Pixel-art icons are
left out: pixel art is enlarged with nearest neighbour on purpose. Half of the inputs are
softened a little first, because a generator's 32 px sprite is softer than a downscaled icon,
and the enlarger must sharpen what the models draw, not only what the dataset holds.

Resumable like ``studio train``: a checkpoint and the exported ``enlarger.safetensors`` are
written every ``sample_every`` steps and at the end, so a stopped run loses at most that much.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)

from studio.engine.builtin.numpy_runtime.enlarger import ENLARGER_FILE, SCALE
from studio.engine.builtin.pixels import straight_uint8_to_model
from studio.train.checkpoint import CHECKPOINT_NAME, load_checkpoint, save_checkpoint
from studio.train.data import DatasetError, load_dataset

SMALL, LARGE = 32, 64
SKIPPED_STYLES = frozenset({"pixel art"})


@dataclass(frozen=True)
class EnlargerOptions:
    """One training run: where from, where to, and how long."""

    data_dir: Path
    out_dir: Path
    steps: int = 2000
    minutes: float | None = None
    batch_size: int = 32
    lr: float = 1e-3
    features: int = 32
    convolutions: int = 8
    sample_every: int = 200
    resume: bool = False
    seed: int = 0


def build_enlarger(features: int = 32, convolutions: int = 8) -> torch.nn.Module:
    """A fresh Compact 2x network for 4-channel sprites (spandrel's architecture class)."""
    from spandrel.architectures.Compact import Compact

    return Compact(
        num_in_ch=4, num_out_ch=4, num_feat=features, num_conv=convolutions, upscale=SCALE
    )


def training_rows(data_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dataset's 32 px and 64 px images and the train rows that are not pixel art."""
    small, large = load_dataset(data_dir, SMALL), load_dataset(data_dir, LARGE)
    rows = [
        i
        for i, item in enumerate(large.items)
        if item.get("split", "train") == "train" and item.get("style") not in SKIPPED_STYLES
    ]
    return small.images, large.images, np.asarray(rows, dtype=np.int64)


def soften(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Blur half of the batch a little (a 3x3 kernel of random strength), as generators do."""
    strength = torch.rand(x.shape[0], 1, 1, 1, generator=generator) * 0.5
    strength *= (torch.rand(x.shape[0], 1, 1, 1, generator=generator) < 0.5).float()
    kernel = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]) / 16.0
    blurred = F.conv2d(
        F.pad(x, (1, 1, 1, 1), mode="replicate"),
        kernel.expand(x.shape[1], 1, 3, 3),
        groups=x.shape[1],
    )
    return x + strength * (blurred - x)


def train_enlarger(
    options: EnlargerOptions, report: Callable[[int, int, float], None] | None = None
) -> Path:
    """Train (or resume) and return the path of the exported ``enlarger.safetensors``.

    ``report(step, total, loss)`` is called after every step.
    """
    torch.manual_seed(options.seed)
    small, large, rows = training_rows(options.data_dir)
    if not len(rows):
        raise DatasetError(
            f"{options.data_dir} has no training icons that are not pixel art: "
            "build it with `studio data build`."
        )
    model = build_enlarger(options.features, options.convolutions)
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.lr, weight_decay=0.0)
    generator = torch.Generator().manual_seed(options.seed)
    order = np.random.default_rng(options.seed)
    step = 0
    checkpoint_path = options.out_dir / CHECKPOINT_NAME
    if options.resume:
        state = load_checkpoint(checkpoint_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        order = np.random.default_rng(options.seed + int(state["step"]))
        step = int(state["step"])
    deadline = None if options.minutes is None else time.monotonic() + 60.0 * options.minutes
    model.train()
    while step < options.steps and (deadline is None or time.monotonic() < deadline):
        # A small dataset of one's own may hold fewer icons than a batch: draw them again.
        repeat = len(rows) < options.batch_size
        batch = np.sort(order.choice(rows, size=options.batch_size, replace=repeat))
        source = soften(straight_uint8_to_model(small[batch]), generator)
        target = straight_uint8_to_model(large[batch])
        flip = torch.rand(1, generator=generator).item() < 0.5
        if flip:  # icons face both ways
            source, target = source.flip(-1), target.flip(-1)
        for group in optimizer.param_groups:
            group["lr"] = float(options.lr * 0.5 * (1.0 + np.cos(np.pi * step / options.steps)))
        loss = F.l1_loss(model(source), target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        if report is not None:
            report(step, options.steps, float(loss.detach()))
        if step % options.sample_every == 0:
            _save(model, optimizer, generator, step, options.out_dir)
    _save(model, optimizer, generator, step, options.out_dir)
    return options.out_dir / ENLARGER_FILE


def _save(model, optimizer, generator, step: int, out_dir: Path) -> None:
    from safetensors.torch import save_file

    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict()}
    save_checkpoint(
        out_dir / CHECKPOINT_NAME, {**state, "generator": generator.get_state(), "step": step}
    )
    weights = {name: t.detach().half().contiguous() for name, t in model.state_dict().items()}
    temporary = out_dir / (ENLARGER_FILE + ".tmp")
    save_file(weights, str(temporary), metadata={"format": "pt", "architecture": "Compact"})
    temporary.replace(out_dir / ENLARGER_FILE)
