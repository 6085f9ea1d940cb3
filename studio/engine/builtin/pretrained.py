"""Saving and loading built-in models the way diffusers does: a config plus a safetensors file.

A model folder holds ``studio_model.json`` (format, family, architecture config and the facts
the model card and the registry show) and ``model.safetensors``. Nothing in the folder is ever
executed: the config is JSON, the weights are plain tensors.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

import torch
from torch import nn

from studio.domain.errors import DamagedModelError, ModelLoadError
from studio.engine.builtin import MANIFEST_NAME, WEIGHTS_NAME
from studio.engine.builtin.configs import (
    FORMAT,
    FORMAT_VERSION,
    config_from_dict,
    config_to_dict,
    read_model_manifest,
)
from studio.engine.builtin.generation import SampleSettings, SamplingResult, StepCallback
from studio.engine.builtin.layers import Conditioning, TextConditioner
from studio.engine.builtin.text_encoder import ENCODER_NAME


@dataclass(frozen=True, eq=False)
class Draw:
    """One call of a family's sampler: prompt rows, seeded generator, settings, step callback."""

    cond: Conditioning
    generator: torch.Generator
    settings: SampleSettings
    on_step: StepCallback | None = None


class BuiltinModel(nn.Module):
    """Base of every built-in family's top-level module.

    Subclasses name their family and config class in the class statement
    (``class SpriteGAN(BuiltinModel, family="gan", config_class=GANConfig)``), take their config
    as the only constructor argument and implement :meth:`_sample`.
    """

    family: ClassVar[str] = ""
    config_class: ClassVar[type] = object
    text: TextConditioner  # every family reads the prompt through one

    def __init_subclass__(
        cls, family: str | None = None, config_class: type | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass of a family (a test's variant) keeps the family it does not rename.
        cls.family = family or cls.family
        cls.config_class = config_class or cls.config_class

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.config = config

    @property
    def sample_size(self) -> int:
        """Side in pixels of the images the network makes."""
        return int(self.config.sample_size)

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def count_steps(self, settings: SampleSettings) -> int:
        """Progress steps one image takes with ``settings``: by default the two phases of a
        one-pass family (draw the latent, decode it)."""
        return 2

    @torch.no_grad()
    def generate(
        self,
        cond: Conditioning,
        generator: torch.Generator,
        settings: SampleSettings,
        on_step: StepCallback | None = None,
    ) -> SamplingResult:
        """Sample one image for the first row of ``cond`` (see :mod:`.generation`)."""
        return self._sample(Draw(cond, generator, settings, on_step))

    def _sample(self, draw: Draw) -> SamplingResult:
        raise NotImplementedError

    def save_pretrained(
        self,
        folder: str | os.PathLike[str],
        manifest: dict[str, Any] | None = None,
        dtype: torch.dtype = torch.float16,
    ) -> Path:
        """Write ``studio_model.json`` and ``model.safetensors`` into ``folder``.

        Parameters
        ----------
        manifest
            Extra manifest fields (``name``, ``display_name``, ``image_size``, ``default``,
            ``dataset``, ``metrics``); format, family and config are always written.
        dtype
            Storage dtype of floating-point weights (float16 halves the shipped size).
        """
        from safetensors.torch import save_file

        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        tensors = {
            name: (t.detach().to(dtype) if t.is_floating_point() else t.detach()).cpu().contiguous()
            for name, t in self.state_dict().items()
        }
        save_file(tensors, str(target / WEIGHTS_NAME), metadata={"format": "pt"})
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "family": self.family,
            "name": f"builtin-{self.family}",
            "display_name": f"Built-in {self.family}",
            "image_size": 64,
            "default": False,
            "text_encoder": ENCODER_NAME,
            **(manifest or {}),
        }
        data["family"] = self.family
        data["config"] = config_to_dict(self.config)
        (target / MANIFEST_NAME).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return target

    @classmethod
    def from_pretrained(
        cls,
        folder: str | os.PathLike[str],
        device: torch.device | str = "cpu",
        dtype: torch.dtype = torch.float32,
    ) -> Self:
        """Load a model saved by :meth:`save_pretrained`, in eval mode on ``device``.

        Raises
        ------
        ModelLoadError
            If the folder holds another family or a newer format.
        DamagedModelError
            If the weights are missing, truncated or do not fit the config.
        """
        manifest = read_model_manifest(Path(folder))
        if manifest.get("family") != cls.family:
            raise ModelLoadError(
                f"{folder} holds a {manifest.get('family')!r} model, not a {cls.family!r} one."
            )
        model = cls(config_from_dict(cls.config_class, manifest.get("config", {})))
        model.load_state_dict(_load_weights(Path(folder) / WEIGHTS_NAME, folder))
        return model.to(device=device, dtype=dtype).eval()

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        try:
            return super().load_state_dict(state_dict, strict=strict, assign=assign)
        except RuntimeError as exc:
            first_line = str(exc).splitlines()[0]
            raise DamagedModelError(
                f"The weights do not fit the model's config ({first_line}): retrain or reinstall."
            ) from None


def _load_weights(path: Path, folder: Any) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.is_file():
        raise DamagedModelError(f"{folder} has no {WEIGHTS_NAME}: reinstall or retrain the model.")
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise DamagedModelError(
            f"{path.name} in {folder} is damaged or incomplete ({exc}): reinstall the model."
        ) from None
    return {name: t.float() if t.is_floating_point() else t for name, t in tensors.items()}
