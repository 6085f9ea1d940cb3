"""Loading an upscaler file as data, then letting spandrel recognise its architecture.

The file goes through Studio's safe loading (:mod:`studio.engine.safe_load`: a validated
safetensors header, or a ``weights_only`` pickle with :mod:`~studio.engine.pickle_scan`
explaining a refusal), so nothing in it runs. Only the tensors reach
``spandrel.ModelLoader().load_from_state_dict``; a file spandrel does not know, or a model that
is not a single-image upscaler, is one line naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import ModelLoadError
from studio.engine.safe_load import SAFETENSORS_SUFFIXES, damaged, load_pickle, load_state_dict

if TYPE_CHECKING:
    import torch
    from spandrel import ImageModelDescriptor

# BasicSR (Real-ESRGAN's trainer) saves the weights under one of these.
_WRAPPERS = ("params_ema", "params", "state_dict", "model")


def load_upscaler(path: Path, device: torch.device | str = "cpu") -> ImageModelDescriptor[Any]:
    """The upscaler in ``path``, in eval mode on ``device`` (float32).

    Raises
    ------
    DamagedModelError, UnsafeModelError
        A truncated or corrupt file, or a pickle that holds code (nothing of it ran).
    ModelLoadError
        An architecture spandrel does not know, or a model that does not upscale a colour
        image (a face restorer, an inpainter, a greyscale model).
    """
    from spandrel import ImageModelDescriptor, ModelLoader, UnsupportedModelError

    tensors = _read_tensors(path)
    try:
        descriptor = ModelLoader().load_from_state_dict(tensors)
    except UnsupportedModelError:
        raise ModelLoadError(
            f"{path.name} is not an upscaler Studio knows (spandrel found no architecture "
            "with its weights): use an ESRGAN, Real-ESRGAN, SwinIR, HAT, DAT or similar file."
        ) from None
    except (KeyError, ValueError, RuntimeError, IndexError, TypeError) as exc:
        # A known architecture whose tensors do not fit together: a broken or edited file.
        raise damaged(
            path, f"its weights do not fit its architecture: {_first_line(exc)}"
        ) from None
    if not isinstance(descriptor, ImageModelDescriptor) or descriptor.input_channels != 3:
        raise ModelLoadError(
            f"{path.name} is a {descriptor.architecture.name} model that does not upscale colour "
            "images: choose an upscaler (ESRGAN, Real-ESRGAN...)."
        )
    return descriptor.to(device).eval()


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    if path.suffix.lower() in SAFETENSORS_SUFFIXES:
        return load_state_dict(path)
    import torch

    loaded = load_pickle(path)
    for key in _WRAPPERS:
        inner = loaded.get(key) if isinstance(loaded, dict) else None
        if isinstance(inner, dict):
            loaded = inner
            break
    tensors = (
        {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, torch.Tensor)}
        if isinstance(loaded, dict)
        else {}
    )
    if not tensors:
        raise damaged(path, "it holds no weights")
    return tensors


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]
