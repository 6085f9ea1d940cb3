"""Loading a ControlNet: a diffusers folder, or an A1111/ComfyUI single file.

A folder (``config.json`` and the weights) loads with diffusers' ``ControlNetModel``, offline.
A single file (``control_v11p_sd15_canny.safetensors``: ``control_model.input_blocks...`` names,
or a diffusers-named file such as the SDXL ones) is read through :mod:`studio.engine.safe_load`
(so a pickle is never run) and converted by diffusers' single-file loader; its config comes from
the base model's UNet, which a ControlNet copies, so nothing is fetched from the network. A file
made for another base family does not fit that config and is refused in one line.
"""

from __future__ import annotations

import inspect
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import ModelLoadError
from studio.engine.load_errors import loading_as
from studio.engine.safe_load import load_state_dict

if TYPE_CHECKING:
    import torch

# Tensors only an LDM ControlNet has; the rest of its names are the UNet's encoder half.
_LDM_CONTROLNET_PREFIX = "control_model."


def load_controlnet(path: Path, unet: Any, dtype: torch.dtype) -> Any:
    """The ``ControlNetModel`` in ``path`` (a folder or a single file), on the CPU.

    Parameters
    ----------
    path
        A diffusers folder or a ``.safetensors``/``.pth`` file.
    unet
        The base model's UNet: a single file's ControlNet is built to its shape.
    dtype
        The base model's dtype.

    Raises
    ------
    ModelLoadError, DamagedModelError, UnsafeModelError
        One line naming the file and what to do.
    """
    from diffusers import ControlNetModel

    advice = "check that it is a ControlNet of the model's family (SD 1.x or SDXL)."
    with loading_as(path.name, "a ControlNet for this model", advice):
        if path.is_dir():
            model = ControlNetModel.from_pretrained(path, torch_dtype=dtype, local_files_only=True)
        else:
            model = _from_single_file(path, unet, dtype)
    return model.eval().requires_grad_(False)


def _from_single_file(path: Path, unet: Any, dtype: torch.dtype) -> Any:
    from diffusers import ControlNetModel

    state = load_state_dict(path)
    if not any(key.startswith(("controlnet_", _LDM_CONTROLNET_PREFIX)) for key in state):
        raise ModelLoadError(f"{path.name} holds no ControlNet: give a ControlNet file.")
    from accelerate import init_empty_weights

    with init_empty_weights():  # shapes only: no memory for a second copy of the weights
        expected = ControlNetModel.from_config(controlnet_config(unet)).state_dict()
    with tempfile.TemporaryDirectory(prefix="studio-controlnet-") as folder:
        (Path(folder) / "config.json").write_text(json.dumps(controlnet_config(unet)))
        model = ControlNetModel.from_single_file(
            state, config=folder, torch_dtype=dtype, local_files_only=True
        )
    loaded = model.state_dict()
    wrong = [
        name
        for name, tensor in expected.items()
        if name not in loaded or loaded[name].shape != tensor.shape or loaded[name].is_meta
    ]
    if wrong:
        raise ModelLoadError(
            f"{path.name} does not fit this model ({len(wrong)} tensors missing or of another "
            "shape, e.g. " + wrong[0] + "): use a ControlNet made for the model's family."
        )
    return model


def controlnet_config(unet: Any) -> dict[str, Any]:
    """The config of a ControlNet copying ``unet``'s encoder half (as ``from_unet`` builds it)."""
    from diffusers import ControlNetModel

    accepted = inspect.signature(ControlNetModel.__init__).parameters
    config = {key: value for key, value in dict(unet.config).items() if key in accepted}
    # An inpainting UNet reads 9 channels; its ControlNets read the 4 of a plain latent.
    config["in_channels"] = int(unet.config.out_channels)
    config["_class_name"] = "ControlNetModel"
    return config
