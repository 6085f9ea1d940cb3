"""Which Stable Diffusion family a single-file checkpoint belongs to, from tensor names.

Detection reads only the safetensors header (names and shapes), so listing a folder of
multi-gigabyte checkpoints stays fast and needs no torch. The text encoder layout tells the
families apart: SD 1.x carries OpenAI CLIP (``cond_stage_model.transformer``), SD 2.x OpenCLIP
(``cond_stage_model.model``), SDXL both under ``conditioner.embedders``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.domain.errors import ModelLoadError
from studio.domain.models import ModelFamily
from studio.engine.model_folders.classify import partial_kind_line

UNET_PREFIX = "model.diffusion_model."
SD1_TEXT_PREFIX = "cond_stage_model.transformer."
SD2_TEXT_PREFIX = "cond_stage_model.model."
SDXL_CLIP_L_PREFIX = "conditioner.embedders.0.transformer."
SDXL_CLIP_G_PREFIX = "conditioner.embedders.1.model."
SDXL_REFINER_PREFIX = "conditioner.embedders.0.model."
# ComfyUI's model detection (comfy/supported_models.py, SD20.model_type) observed that the
# official 768-v weights have a much wider spread in this bias than the epsilon models.
V_PREDICTION_PROBE = UNET_PREFIX + "output_blocks.11.1.transformer_blocks.0.norm1.bias"
V_PREDICTION_STD = 0.09
_V_NAME_MARKERS = ("768", "v-pred", "vpred", "v_pred", "-v.", "_v.")

INPAINT_IN_CHANNELS = 9

ReadTensor = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class CheckpointKind:
    """What detection learned about a checkpoint.

    Parameters
    ----------
    family
        SD1, SD2 or SDXL.
    config_name
        Folder under ``resources/sd_configs`` whose configs fit (``sd2`` is 768 v-prediction,
        ``sd2-base`` 512 epsilon).
    prediction_type
        ``"epsilon"`` or ``"v_prediction"``, given to the scheduler.
    """

    family: ModelFamily
    config_name: str
    prediction_type: str = "epsilon"
    default_size: tuple[int, int] = (512, 512)
    is_turbo: bool = False


def detect_checkpoint(
    shapes: Mapping[str, Sequence[int]],
    file_name: str = "",
    read_tensor: ReadTensor | None = None,
) -> CheckpointKind:
    """Detect the family of an original-layout (LDM) checkpoint.

    Parameters
    ----------
    shapes
        Tensor name -> shape, e.g. from :func:`studio.engine.safe_load.tensor_shapes`.
    file_name
        The file's name; ``turbo`` in it marks a few-step model, ``768``/``v-pred`` a
        v-prediction SD 2.x model.
    read_tensor
        Optional reader of one tensor by name, used for the SD 2.x v-prediction probe.

    Raises
    ------
    ModelLoadError
        If the weights are not a full SD 1.x / 2.x / SDXL base checkpoint; the message says
        what the file seems to be instead.
    """
    label = file_name or "This file"
    _require_full_unet(shapes, label)
    lowered = file_name.lower()
    is_turbo = "turbo" in lowered
    if _has_prefix(shapes, SDXL_CLIP_G_PREFIX) and _has_prefix(shapes, SDXL_CLIP_L_PREFIX):
        prediction = "v_prediction" if "v_pred" in shapes else "epsilon"
        size = (512, 512) if is_turbo else (1024, 1024)
        return CheckpointKind(ModelFamily.SDXL, "sdxl", prediction, size, is_turbo)
    if _has_prefix(shapes, SDXL_REFINER_PREFIX):
        raise ModelLoadError(
            f"{label} is an SDXL refiner, which cannot make images on its own: "
            "use an SDXL base model."
        )
    if _has_prefix(shapes, SD2_TEXT_PREFIX):
        v_pred = _is_v_prediction(shapes, lowered, read_tensor) and not is_turbo
        if v_pred:
            return CheckpointKind(ModelFamily.SD2, "sd2", "v_prediction", (768, 768), is_turbo)
        return CheckpointKind(ModelFamily.SD2, "sd2-base", "epsilon", (512, 512), is_turbo)
    if _has_prefix(shapes, SD1_TEXT_PREFIX):
        return CheckpointKind(ModelFamily.SD1, "sd1", "epsilon", (512, 512), is_turbo)
    raise ModelLoadError(
        f"{label} has no text encoder weights, so it is not a complete Stable Diffusion "
        "checkpoint: use a full model file."
    )


def _require_full_unet(shapes: Mapping[str, Sequence[int]], label: str) -> None:
    if not _has_prefix(shapes, UNET_PREFIX):
        raise ModelLoadError(f"{label} {_guess_partial_kind(shapes)}")
    in_channels = unet_in_channels(shapes)
    if in_channels not in (4, INPAINT_IN_CHANNELS):
        raise ModelLoadError(
            f"{label} takes {in_channels} input channels (an edit or special-purpose model): "
            "use a text-to-image model."
        )


def unet_in_channels(shapes: Mapping[str, Sequence[int]]) -> int:
    """Input channels of an LDM checkpoint's UNet: 4 normally, 9 for inpainting models.

    An inpainting UNet reads the noisy latent, the downscaled mask and the masked image's
    latent (4 + 1 + 4 channels).
    """
    conv_in = shapes.get(UNET_PREFIX + "input_blocks.0.0.weight")
    return int(conv_in[1]) if conv_in is not None and len(conv_in) == 4 else 4


def _guess_partial_kind(shapes: Mapping[str, Sequence[int]]) -> str:
    # An add-on (LoRA, embedding, ControlNet...) is named by the same rules the folder scan
    # lists it by, so `models --add` and the listing never disagree about what a file is.
    add_on = partial_kind_line(shapes)
    if add_on is not None:
        return add_on
    names = list(shapes)
    if any("lora" in name.lower() for name in names):
        return "is a LoRA add-on, not a full model: add a Stable Diffusion checkpoint instead."
    if any(name.startswith(("down_blocks.", "unet.down_blocks.")) for name in names):
        return "holds diffusers-format weights only: add the whole diffusers model folder instead."
    if any(name.startswith(("encoder.down.", "decoder.up.")) for name in names):
        return "is a VAE only, not a full model: add a Stable Diffusion checkpoint instead."
    return "is not a Stable Diffusion 1.x, 2.x or SDXL checkpoint (its weights are unrecognised)."


def _is_v_prediction(
    shapes: Mapping[str, Sequence[int]], lowered_name: str, read_tensor: ReadTensor | None
) -> bool:
    if "v_pred" in shapes or any(marker in lowered_name for marker in _V_NAME_MARKERS):
        return True
    if read_tensor is None or V_PREDICTION_PROBE not in shapes:
        return False
    try:
        return float(np.std(read_tensor(V_PREDICTION_PROBE))) > V_PREDICTION_STD
    except (OSError, ValueError, KeyError):
        return False


def _has_prefix(shapes: Mapping[str, Sequence[int]], prefix: str) -> bool:
    return any(name.startswith(prefix) for name in shapes)


def _refuse_layerdiffuse(shapes: dict[str, tuple[int, ...]], name: str) -> None:
    """A LayerDiffuse part is not a model on its own: say what it is, not "unknown weights"."""
    from studio.engine.sd.layerdiffuse import identify_from_shapes

    part = identify_from_shapes(shapes)
    if part is not None:
        raise ModelLoadError(part.describe(name))


def detect_file(path: Path | str) -> CheckpointKind:
    """Detect the family of a checkpoint file.

    ``.safetensors`` files are read header only. Pickle checkpoints must be unpickled (safely,
    memory-mapped) to see their names, which imports torch.

    Raises
    ------
    DamagedModelError, UnsafeModelError
        From :mod:`studio.engine.safe_load`.
    ModelLoadError
        If the weights are not a supported family.
    """
    from studio.engine import safe_load

    path = Path(path)
    if path.suffix.lower() in safe_load.SAFETENSORS_SUFFIXES:
        header = safe_load.read_safetensors_header(path)
        shapes = safe_load.tensor_shapes(header)
        _refuse_layerdiffuse(shapes, path.name)
        return detect_checkpoint(
            shapes, path.name, lambda name: safe_load.read_tensor_numpy(path, header, name)
        )
    state = safe_load.load_state_dict(path)
    shapes = {name: tuple(tensor.shape) for name, tensor in state.items()}
    return detect_checkpoint(shapes, path.name, lambda name: state[name].float().numpy())
