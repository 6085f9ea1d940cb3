"""Building diffusers pipelines from folders and single files, offline and without code.

Diffusers folders (user folders, Hugging Face cache snapshots) load with
``from_pretrained(local_files_only=True)``. Single files are read once with
:func:`studio.engine.safe_load.load_state_dict` and each component is built from that state dict
with the shipped configs (``resources/sd_configs``), so no file is read twice and nothing is
fetched. The safety checker is never loaded (none ships offline) and progress bars stay off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import DamagedModelError, ModelLoadError, StudioError
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo
from studio.engine import safe_load
from studio.engine.config_json import read_config_json
from studio.engine.resources import sd_config_dir
from studio.engine.sd import pipeline_folder
from studio.engine.sd.detect import (
    INPAINT_IN_CHANNELS,
    CheckpointKind,
    detect_checkpoint,
    unet_in_channels,
)
from studio.engine.sd.model_files import remember_kind
from studio.engine.sd.tokenizers import load_clip_tokenizer

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


@dataclass(eq=False)
class LoadedPipeline:
    """A text-to-image pipeline on its device, with what generation needs to know about it."""

    pipe: Any
    family: ModelFamily
    is_turbo: bool = False

    @property
    def is_inpainting(self) -> bool:
        """Whether the UNet is an inpainting one (9 input channels: latent, mask, masked image)."""
        return int(self.pipe.unet.config.in_channels) == INPAINT_IN_CHANNELS


def load_pipeline(
    info: ModelInfo,
    device: torch.device,
    dtype: torch.dtype,
    config_dir: Path | None = None,
) -> LoadedPipeline:
    """Load the SD/SDXL pipeline ``info`` describes onto ``device``.

    Parameters
    ----------
    info
        A diffusers folder or a single-file checkpoint from the registry.
    device, dtype
        Where and in which precision the weights live.
    config_dir
        For single files: the diffusers-layout config folder to build components from;
        ``None`` picks the shipped one for the detected family. Tests pass tiny configs.

    Raises
    ------
    DamagedModelError, UnsafeModelError, ModelLoadError
        If the model cannot be loaded; the message says why and what to do.
    """
    location = Path(info.location)
    if not location.exists():
        raise ModelLoadError(f"{info.name} is no longer at {location}: add it again.")
    _quiet_progress_bars()
    try:
        if info.format is ModelFormat.DIFFUSERS or location.is_dir():
            loaded = _load_folder(location, dtype, info.is_turbo)
        else:
            loaded = _load_single_file(location, dtype, config_dir, info.is_turbo)
    except StudioError:
        raise
    except Exception as exc:  # diffusers/transformers raise many kinds; all mean "cannot load"
        # The traceback goes to the log file only: the user gets the one line below (issue 10).
        log.info("loading %s failed", location, exc_info=True)
        if _is_refused_pickle(exc):
            raise _refused_pickle_error(info, location) from None
        raise ModelLoadError(
            f"{info.name} could not be loaded ({_first_line(exc)}): the files may be incomplete "
            "or not a standard Stable Diffusion model."
        ) from exc
    _check_no_missing_weights(loaded.pipe, info.name)
    loaded.pipe.to(device)
    loaded.pipe.set_progress_bar_config(disable=True)
    return loaded


def _quiet_progress_bars() -> None:
    # Loading progress goes to the GUI as a message; console bars would only clutter stderr.
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()
    # Their records go where Studio's go (the log file), not to the stderr stream each library
    # bound when it was first imported, which may be long closed (a finished pytest capture,
    # a redirected terminal): logging would then print "--- Logging error ---" with a stack.
    for library in (diffusers_logging, transformers_logging):
        library.disable_default_handler()
        library.enable_propagation()
    # diffusers warns on every .to() that "modules should be kept in float32: []" (an empty
    # list): noise on stderr for every CLI run, with nothing for the user to do.
    logging.getLogger("diffusers.models.modeling_utils").setLevel(logging.ERROR)


def _is_refused_pickle(exc: BaseException) -> bool:
    """Whether torch's weights-only loader refused a ``.bin`` inside a diffusers folder.

    Its message advises re-running with ``weights_only=False``: advice Studio must never pass
    on, since following it runs the file's code.
    """
    import pickle

    chain: BaseException | None = exc
    for _ in range(16):  # exception chains can loop
        if chain is None:
            return False
        if isinstance(chain, pickle.UnpicklingError) or "weights_only" in str(chain):
            return True
        chain = chain.__cause__ or chain.__context__
    return False


def _refused_pickle_error(info: ModelInfo, folder: Path) -> ModelLoadError:
    """Code in a ``.bin`` of the folder, or a pickle too broken to tell (never torch's advice)."""
    from studio.engine.pickle_scan import find_unsafe_globals

    for weights in sorted(folder.glob("*/*.bin")):
        names = find_unsafe_globals(weights)
        if names:
            return safe_load.unsafe(folder, names)
    return DamagedModelError(
        f"{info.name} could not be loaded (a .bin weights file is damaged): download it again."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def _load_folder(folder: Path, dtype: torch.dtype, is_turbo: bool) -> LoadedPipeline:
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

    family = pipeline_folder.pipeline_family(folder)
    options: dict[str, Any] = {
        _dtype_keyword(): dtype,
        "local_files_only": True,
        "variant": _weights_variant(folder),
    }
    if family is ModelFamily.SDXL:
        pipe = StableDiffusionXLPipeline.from_pretrained(folder, **options)
    else:
        pipe = StableDiffusionPipeline.from_pretrained(
            folder,
            safety_checker=None,
            feature_extractor=None,
            requires_safety_checker=False,
            **options,
        )
    return LoadedPipeline(pipe, family, is_turbo)


def _dtype_keyword() -> str:
    """diffusers renamed ``torch_dtype`` to ``dtype`` (0.36); use whichever it expects."""
    from diffusers.utils import deprecation_utils

    return "dtype" if hasattr(deprecation_utils, "_resolve_dtype") else "torch_dtype"


def _weights_variant(folder: Path) -> str | None:
    """``"fp16"`` when the UNet exists only as an fp16 variant download, else ``None``."""
    unet = folder / "unet"
    if not unet.is_dir():
        return None
    names = {p.name for p in unet.iterdir()}
    plain = {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin"}
    has_index = any(n.startswith("diffusion_pytorch_model.safetensors.index") for n in names)
    if names & plain or has_index:
        return None
    return "fp16" if any(".fp16." in n for n in names) else None


def _load_single_file(
    path: Path, dtype: torch.dtype, config_dir: Path | None, is_turbo: bool
) -> LoadedPipeline:
    state = safe_load.load_state_dict(path)
    shapes = {name: tuple(tensor.shape) for name, tensor in state.items()}
    kind = detect_checkpoint(shapes, path.name, lambda name: state[name].float().numpy())
    remember_kind(path, kind)
    configs = config_dir or sd_config_dir(kind.config_name)
    components = _components_from_state(state, kind, configs, dtype)
    pipe = assemble_pipeline(kind.family, components, configs)
    return LoadedPipeline(pipe, kind.family, is_turbo or kind.is_turbo)


def _components_from_state(
    state: dict, kind: CheckpointKind, configs: Path, dtype: torch.dtype
) -> dict[str, Any]:
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.loaders.single_file_utils import create_diffusers_clip_model_from_ldm
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    common = {"config": str(configs), "local_files_only": True}
    model_options = {**common, _dtype_keyword(): dtype}
    clip_options = {**common, "torch_dtype": dtype}
    # Inpainting checkpoints share the family's config except for the UNet's input width.
    in_channels = unet_in_channels({k: tuple(v.shape) for k, v in state.items() if ".0.0." in k})
    components: dict[str, Any] = {
        "unet": UNet2DConditionModel.from_single_file(
            state, subfolder="unet", in_channels=in_channels, **model_options
        ),
        "vae": AutoencoderKL.from_single_file(state, subfolder="vae", **model_options),
        "text_encoder": create_diffusers_clip_model_from_ldm(
            CLIPTextModel, state, subfolder="text_encoder", **clip_options
        ),
        "tokenizer": load_clip_tokenizer(configs / "tokenizer"),
        "scheduler": scheduler_from_folder(configs, kind.prediction_type),
    }
    if kind.family is ModelFamily.SDXL:
        components["text_encoder_2"] = create_diffusers_clip_model_from_ldm(
            CLIPTextModelWithProjection, state, subfolder="text_encoder_2", **clip_options
        )
        components["tokenizer_2"] = load_clip_tokenizer(configs / "tokenizer_2")
    return components


def assemble_pipeline(family: ModelFamily, components: dict[str, Any], configs: Path) -> Any:
    """The text-to-image pipeline of ``family`` from its components (no safety checker)."""
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

    if family is ModelFamily.SDXL:
        index = _read_json(configs / pipeline_folder.MODEL_INDEX)
        force_zeros = bool(index.get("force_zeros_for_empty_prompt", True))
        return StableDiffusionXLPipeline(**components, force_zeros_for_empty_prompt=force_zeros)
    return StableDiffusionPipeline(
        **components, safety_checker=None, feature_extractor=None, requires_safety_checker=False
    )


def scheduler_from_folder(config_dir: Path, prediction_type: str | None = None) -> Any:
    """The scheduler a config folder's ``scheduler/scheduler_config.json`` describes.

    Parameters
    ----------
    config_dir
        A diffusers-layout folder.
    prediction_type
        Overrides the stored prediction type (detection knows SD 2.x 768 is v-prediction).
    """
    import diffusers

    config = _read_json(config_dir / "scheduler" / "scheduler_config.json")
    scheduler_class = getattr(diffusers, str(config.get("_class_name", "")), None)
    if not (
        isinstance(scheduler_class, type) and issubclass(scheduler_class, diffusers.SchedulerMixin)
    ):
        scheduler_class = diffusers.EulerDiscreteScheduler
    overrides = {"prediction_type": prediction_type} if prediction_type else {}
    return scheduler_class.from_config(config, **overrides)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = read_config_json(path)
    except (OSError, ValueError):
        raise ModelLoadError(
            f"The config file {path} is missing or broken: reinstall Studio."
        ) from None
    return data if isinstance(data, dict) else {}


def _check_no_missing_weights(pipe: Any, name: str) -> None:
    """Fail if a component kept placeholder (meta) weights: the file lacked some tensors."""
    import torch

    for component_name, module in pipe.components.items():
        if not isinstance(module, torch.nn.Module):
            continue
        tensors = [*module.parameters(), *module.buffers()]
        if any(t.is_meta for t in tensors):
            raise DamagedModelError(
                f"{name} is missing weights of its {component_name.replace('_', ' ')}: the file "
                "is incomplete or not a standard checkpoint: download it again."
            )


def inpaint_pipeline(loaded: LoadedPipeline) -> Any:
    """The inpainting variant sharing every component (no extra memory).

    diffusers' inpaint pipelines run both kinds of UNet: a 9-channel one is given the mask
    and the masked image; with an ordinary 4-channel one the known latents, re-noised to the
    current step, are blended back outside the mask after every step. The mask processor is
    replaced by one that does not binarize, so a feathered mask blends softly in latent space.
    """
    from diffusers import StableDiffusionInpaintPipeline, StableDiffusionXLInpaintPipeline
    from diffusers.image_processor import VaeImageProcessor

    if loaded.family is ModelFamily.SDXL:
        pipe = StableDiffusionXLInpaintPipeline.from_pipe(loaded.pipe)
    else:
        pipe = StableDiffusionInpaintPipeline.from_pipe(
            loaded.pipe, safety_checker=None, feature_extractor=None, requires_safety_checker=False
        )
    pipe.mask_processor = VaeImageProcessor(
        vae_scale_factor=pipe.vae_scale_factor,
        do_normalize=False,
        do_binarize=False,
        do_convert_grayscale=True,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def img2img_pipeline(loaded: LoadedPipeline) -> Any:
    """The image-to-image variant sharing every component (no extra memory)."""
    from diffusers import StableDiffusionImg2ImgPipeline, StableDiffusionXLImg2ImgPipeline

    if loaded.family is ModelFamily.SDXL:
        pipe = StableDiffusionXLImg2ImgPipeline.from_pipe(loaded.pipe)
    else:
        pipe = StableDiffusionImg2ImgPipeline.from_pipe(
            loaded.pipe, safety_checker=None, feature_extractor=None, requires_safety_checker=False
        )
    pipe.set_progress_bar_config(disable=True)
    return pipe
