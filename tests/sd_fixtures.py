"""Builders the Stable Diffusion tests share: test pictures, a tiny model in an A1111 install,
a warm tiny backend whose add-ons are found under a folder, and the CLI's one error line.

The control, reference, character-sheet, LoRA and few-step tests each wrote these again; one
copy keeps their pictures and layouts the same, so a result in one test means the same in
another.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from studio.domain.reference import ReferenceImage
from studio.imaging.png import encode_png


def square_png(side: int, inner: slice, colour: tuple[int, int, int]) -> bytes:
    """A black ``side`` x ``side`` RGB PNG with a square of ``colour`` over ``inner`` rows and
    columns: a shape a tiny model and an edge detector both see."""
    pixels = np.zeros((side, side, 3), dtype=np.uint8)
    pixels[inner, inner] = colour
    return encode_png(pixels)


def reference_image(**options: Any) -> ReferenceImage:
    """The red-square reference the engine tests steer with (``options``: weight, source...)."""
    return ReferenceImage(square_png(48, slice(8, 40), (230, 40, 20)), **options)


def write_picture(path: Path) -> Path:
    """Write the green-square picture the CLI tests hand over as a reference; return ``path``."""
    path.write_bytes(square_png(40, slice(10, 30), (20, 200, 40)))
    return path


def a1111_install(tiny_sd_dir: Path, root: Path) -> Path:
    """An A1111-shaped ``root/webui/models`` with the tiny model as ``Stable-diffusion/tiny``.

    A copy, not a link: the registry follows links, and add-ons are looked for beside the
    model. Returns the ``models`` folder, where a test puts its ControlNets or LoRAs.
    """
    models = root / "webui" / "models"
    (models / "Stable-diffusion").mkdir(parents=True)
    shutil.copytree(tiny_sd_dir, models / "Stable-diffusion" / "tiny")
    return models


def load_tiny_backend(model_dir: Path, addon_root: Path):
    """The tiny model loaded on the CPU in float32, finding its add-ons under ``addon_root``.

    The caller owns it: ``unload()`` it when done.
    """
    import torch

    from studio.domain.settings import EngineSettings
    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    settings = EngineSettings(model_paths=(str(addon_root),), scan_hf_cache=False)
    registry = ModelRegistry(settings)
    info = registry.inspect_path(model_dir)
    return load_diffusers_backend(info, torch.device("cpu"), torch.float32, addon_index=registry)


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The only line a refused command wrote to stderr (the test fails if it wrote more)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]
