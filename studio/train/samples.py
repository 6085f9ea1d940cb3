"""Sample grids written while training: fixed captions and seeds, so grids compare across steps.

Rows are captions (held-out ones first, so the grid shows generalisation, not memory), columns
are seeds. Sprites are composited on a grey checkerboard so transparency shows.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.pixels import preview_rgb_uint8, upscale_nearest
from studio.engine.builtin.pretrained import BuiltinModel
from studio.train.batches import TrainingData
from studio.train.reference_pairs import ReferencePicker

GRID_ROWS = 8
GRID_SEEDS = (0, 1, 2, 3)
GRID_SETTINGS = SampleSettings(steps=20, cfg_scale=3.0, sampler="DPM++ 2M")
CELL_SCALE = 2
GUTTER = 2
LABEL_WIDTH = 180


@torch.no_grad()
def sample_grid(
    model: BuiltinModel,
    data: TrainingData,
    rows: torch.Tensor,
    seeds: tuple[int, ...] = GRID_SEEDS,
    settings: SampleSettings = GRID_SETTINGS,
) -> Image.Image:
    """An RGB grid image: one row per dataset row in ``rows``, one column per seed."""
    device = next(model.parameters()).device
    cells: list[list[np.ndarray]] = []
    references = _references(model, data, rows, device)
    for position, row in enumerate(rows.tolist()):
        text = data.text(torch.tensor([row, row]), device)
        cond = model.text(text, drop=torch.tensor([False, True]))
        if references is not None:
            cond = replace(cond, reference=references[position : position + 1].repeat(2, 1, 1, 1))
        images = []
        for seed in seeds:
            generator = torch.Generator().manual_seed(seed)
            result = model.generate(cond, generator, settings)
            images.append(upscale_nearest(preview_rgb_uint8(result.image), CELL_SCALE))
        cells.append(images)
    labels = [data.captions[row] for row in rows.tolist()]
    return _assemble(cells, labels)


def _references(
    model: BuiltinModel, data: TrainingData, rows: torch.Tensor, device: torch.device
) -> torch.Tensor | None:
    # A retrieval-augmented model is shown with a reference of each row's concept, as the
    # bank would give it at sampling time; the same picks at every sampling, for comparison.
    if not getattr(model.config, "reference_channels", 0):
        return None
    picks = ReferencePicker(data.items, empty_share=0.0).pick(
        rows, torch.Generator().manual_seed(0)
    )
    return data.reference_images(picks, device)


def save_grid(image: Image.Image, path: Path) -> Path:
    """Write a grid PNG, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def _assemble(cells: list[list[np.ndarray]], labels: list[str]) -> Image.Image:
    cell = cells[0][0].shape[0]
    columns = len(cells[0])
    width = LABEL_WIDTH + columns * (cell + GUTTER) + GUTTER
    height = len(cells) * (cell + GUTTER) + GUTTER
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default()
    for r, (row, label) in enumerate(zip(cells, labels, strict=True)):
        top = GUTTER + r * (cell + GUTTER)
        text = label if len(label) <= 30 else label[:29] + "…"
        draw.text((4, top + cell // 2 - 6), text, fill=(0, 0, 0), font=font)
        for c, pixels in enumerate(row):
            left = LABEL_WIDTH + GUTTER + c * (cell + GUTTER)
            canvas.paste(Image.fromarray(pixels), (left, top))
    return canvas
