"""Stable Diffusion at its published size with random weights, for ``studio bench generate --arch``.

Every component is built from the diffusers configs Studio ships (``resources/sd_configs``), the
same configs a user's single-file checkpoint is loaded with, so the UNet, VAE and CLIP text
encoders have the real layer count and width; only the weights are random (seeded), so nothing
is downloaded. The CLIP tokenizer is the shipped offline one. Speed does not depend on what the
weights are, only on their shapes, which is what a speed bench needs.

The modules are built with initialisation switched off (transformers' ``no_init_weights``, which
covers ``torch.nn.init`` too) and then filled once, in one pass over each tensor: the libraries'
own initialisers walk SDXL's 3.5 billion weights several times (transformers initialises the
text encoders twice), which made building SDXL cost more than the bench itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.engine.config_json import read_config_json
from studio.engine.resources import sd_config_dir

# The bench's names for each architecture, and the shipped config folder of each.
ARCHES: dict[str, str] = {"sd15": "sd1", "sd2": "sd2", "sdxl": "sdxl"}
FAMILIES = {"sd1": ModelFamily.SD1, "sd2": ModelFamily.SD2, "sdxl": ModelFamily.SDXL}


def arch_model_info(arch: str) -> ModelInfo:
    """How the registry would describe ``arch`` (its name says the weights are random)."""
    config_name = _config_name(arch)
    return ModelInfo(
        id=f"random-{arch}",
        name=f"random-{arch}",
        family=FAMILIES[config_name],
        source=ModelSource.USER,
        format=ModelFormat.DIFFUSERS,
        location=str(sd_config_dir(config_name)),
    )


def build_arch_pipeline(arch: str, seed: int = 0, device: str = "cpu") -> Any:
    """The text-to-image diffusers pipeline of ``arch`` with random weights.

    Parameters
    ----------
    arch
        ``"sd15"``, ``"sd2"`` (768 px v-prediction) or ``"sdxl"``.
    seed
        Seed of the random weights: the same seed builds the same model.
    device
        Where the weights are made; ``"meta"`` makes shapes only (no memory, no time), enough
        to count parameters.

    Returns
    -------
    StableDiffusionPipeline or StableDiffusionXLPipeline
        In float32, in eval mode, with gradients off.
    """
    import torch

    from studio.engine.sd.loading import assemble_pipeline, scheduler_from_folder
    from studio.engine.sd.tokenizers import load_clip_tokenizer

    config_name = _config_name(arch)
    configs = sd_config_dir(config_name)
    family = FAMILIES[config_name]
    torch.manual_seed(seed)
    with torch.device(device):
        components = _random_modules(configs, family)
    for module in components.values():
        module.eval().requires_grad_(False)
        if device != "meta":
            fill_random(module)
    components["tokenizer"] = load_clip_tokenizer(configs / "tokenizer")
    if family is ModelFamily.SDXL:
        components["tokenizer_2"] = load_clip_tokenizer(configs / "tokenizer_2")
    components["scheduler"] = scheduler_from_folder(configs)
    pipe = assemble_pipeline(family, components, configs)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def fill_random(module: Any) -> None:
    """Give every weight of ``module`` a random value in one pass, as PyTorch's layers would.

    A matrix or kernel is uniform in +-1/sqrt(fan_in) (the bound of PyTorch's default Linear
    and Conv initialisation), so activations stay in range through the network: no overflow,
    no denormals to slow the CPU down. Norm scales are 1, biases 0. Buffers keep the values
    their modules built (CLIP's position ids).

    Parameters
    ----------
    module
        A ``torch.nn.Module`` whose parameters hold anything (built without initialisation).
    """
    import torch

    with torch.no_grad():
        for name, tensor in module.named_parameters():
            if tensor.dim() >= 2:
                bound = tensor[0].numel() ** -0.5
                tensor.uniform_(-bound, bound)
            elif name.endswith("weight"):
                tensor.fill_(1.0)
            else:
                tensor.zero_()


def _random_modules(configs: Path, family: ModelFamily) -> dict[str, Any]:
    """UNet, VAE and text encoder(s) from the config folder, not initialised (see module doc)."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection
    from transformers.initialization import no_init_weights

    def config(component: str) -> dict[str, Any]:
        return dict(read_config_json(configs / component / "config.json"))

    with no_init_weights():
        modules: dict[str, Any] = {
            "unet": UNet2DConditionModel.from_config(config("unet")),
            "vae": AutoencoderKL.from_config(config("vae")),
            "text_encoder": CLIPTextModel(CLIPTextConfig(**config("text_encoder"))),
        }
        if family is ModelFamily.SDXL:
            modules["text_encoder_2"] = CLIPTextModelWithProjection(
                CLIPTextConfig(**config("text_encoder_2"))
            )
    return modules


def _config_name(arch: str) -> str:
    from studio.domain.errors import InvalidRequestError

    if arch not in ARCHES:
        raise InvalidRequestError(f"--arch {arch!r} is not one of {', '.join(ARCHES)}")
    return ARCHES[arch]
