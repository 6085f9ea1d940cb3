"""Which module class implements each built-in family (imported only when needed)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from studio.domain.errors import ModelLoadError

if TYPE_CHECKING:
    from studio.engine.builtin.pretrained import BuiltinModel

_CLASSES = {
    "vae": ("studio.engine.builtin.vae", "SpriteVAE"),
    "gan": ("studio.engine.builtin.gan", "SpriteGAN"),
    "ar": ("studio.engine.builtin.ar", "SpriteAR"),
    "diffusion": ("studio.engine.builtin.diffusion", "SpriteDiffusion"),
}


def model_class(family: str) -> type[BuiltinModel]:
    """The :class:`BuiltinModel` subclass of ``family`` (``vae``, ``gan``, ``ar``, ``diffusion``).

    Raises
    ------
    ModelLoadError
        If the family is unknown (a model from a newer Studio, or a damaged manifest).
    """
    try:
        module_name, class_name = _CLASSES[family]
    except KeyError:
        known = ", ".join(_CLASSES)
        raise ModelLoadError(
            f"Unknown built-in model family {family!r} (known: {known}): update Studio."
        ) from None
    return getattr(importlib.import_module(module_name), class_name)
