"""What a built-in model folder says about its network, readable without torch.

The architecture configs of the one-pass families, their (de)serialisation to the JSON in
``studio_model.json``, and the manifest check. Both runtimes read these: the torch modules that
train and run every family, and the numpy runtime that runs the VAE and the GAN on the CPU.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.domain.errors import DamagedModelError, ModelLoadError
from studio.engine.builtin import MANIFEST_NAME
from studio.engine.config_json import read_config_json

FORMAT = "studio-builtin"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class DecoderConfig:
    """The sprite decoder shared by the VAE and the GAN; ``channels`` run from 4x4 to full size.

    ``cross_attention`` says, per resolution, whether the blocks attend to the prompt tokens.
    ``reference_channels`` > 0 adds the retrieved-reference path (:mod:`.reference`) of that
    width; 0 is the plain decoder.
    """

    sample_size: int = 32
    channels: tuple[int, ...] = (256, 192, 128, 64)
    blocks_per_level: int = 1
    cross_attention: tuple[bool, ...] = (True, True, True, False)
    heads: int = 4
    context_dim: int = 128
    emb_dim: int = 256
    reference_channels: int = 0


@dataclass(frozen=True)
class VAEConfig(DecoderConfig):
    """Architecture of :class:`SpriteVAE`; ``temperature`` scales the prior's spread at sampling."""

    latent_dim: int = 64
    temperature: float = 0.8


@dataclass(frozen=True)
class GANConfig(DecoderConfig):
    """Architecture of :class:`SpriteGAN`'s generator.

    ``truncation`` scales the latent noise at sampling time (1 keeps the trained spread).
    """

    latent_dim: int = 128
    truncation: float = 1.0


def norm_groups(channels: int) -> int:
    """GroupNorm groups for a width: divides it, with 4 channels per group at least."""
    groups = math.gcd(channels, 32)
    while groups > 1 and channels // groups < 4:
        groups //= 2
    return groups


def config_to_dict(config: Any) -> dict[str, Any]:
    """A config dataclass as JSON-able data (nested dataclasses become dicts)."""
    return dataclasses.asdict(config)


def config_from_dict(config_class: type, data: dict[str, Any]) -> Any:
    """Build ``config_class`` from a dict, ignoring unknown keys and nesting sub-configs.

    Raises
    ------
    DamagedModelError
        If a value has the wrong type for the dataclass.
    """
    if not isinstance(data, dict):
        raise DamagedModelError("The model's config is not a JSON object: reinstall the model.")
    known = {f.name: f for f in dataclasses.fields(config_class)}
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue
        default = known[name].default_factory  # type: ignore[misc]
        nested = default() if callable(default) else None
        if dataclasses.is_dataclass(nested) and isinstance(value, dict):
            value = config_from_dict(type(nested), value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    try:
        return config_class(**kwargs)
    except TypeError as exc:
        raise DamagedModelError(f"The model's config is malformed ({exc}).") from None


def read_model_manifest(folder: Path) -> dict[str, Any]:
    """Parse and check ``studio_model.json`` of a model folder.

    Raises
    ------
    ModelLoadError
        If the manifest is missing, unreadable or of another format or a newer version.
    """
    path = Path(folder) / MANIFEST_NAME
    try:
        data = read_config_json(path)  # bounded: a FIFO here blocked `train --init-from`
    except FileNotFoundError:
        raise ModelLoadError(
            f"{folder} is not a built-in model: {MANIFEST_NAME} is missing."
        ) from None
    except (OSError, ValueError):
        raise DamagedModelError(f"{path} is damaged: reinstall or retrain the model.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelLoadError(f"{path} is not a Studio built-in model manifest.")
    if int(data.get("format_version", 0)) > FORMAT_VERSION:
        raise ModelLoadError(f"{folder} was made by a newer Studio: update Studio to load it.")
    return data
