"""Loading a built-in model folder into a ready :class:`GenerationBackend`.

The engine service calls :func:`load_builtin_backend` with a :class:`ModelInfo` from
:func:`studio.engine.builtin.discover_builtin_models`. The one-pass families (VAE, GAN) on the
CPU run on the numpy runtime: importing torch alone takes about 3 s and 650 MB on a CUDA build,
while the whole numpy runtime draws a sprite in a fraction of a second. Everything else, and
any model asked for on a GPU, runs on torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from studio.domain.models import ModelInfo
from studio.engine.builtin import WEIGHTS_NAME
from studio.engine.model_hash import short_hash

if TYPE_CHECKING:
    import torch

    from studio.engine.backend import GenerationBackend

__all__ = ["builtin_family", "load_builtin_backend", "runs_on_numpy"]


def builtin_family(info: ModelInfo) -> str:
    """The family (``vae``, ``gan``, ``ar``, ``diffusion``) named in the folder's manifest."""
    from studio.engine.builtin.configs import read_model_manifest

    return str(read_model_manifest(Path(info.location)).get("family"))


def runs_on_numpy(family: str, device: object) -> bool:
    """Whether a ``family`` model asked for on ``device`` runs on the numpy runtime."""
    from studio.engine.builtin.numpy_runtime.sampler import NUMPY_FAMILIES

    return family in NUMPY_FAMILIES and str(device) in ("cpu", "auto")


def load_builtin_backend(
    info: ModelInfo,
    device: torch.device | str = "cpu",
    dtype: torch.dtype | None = None,
) -> GenerationBackend:
    """Load the model in ``info.location`` and the text encoder for ``device``.

    Parameters
    ----------
    info
        A built-in model as listed by ``discover_builtin_models``.
    device
        Where to run (``"cpu"``, ``"cuda"``, a ``torch.device``). On the CPU the VAE and the
        GAN run on the numpy runtime, which gives the same sprites for the same seeds.
    dtype
        Accepted for symmetry with the diffusers backends and ignored: the built-in models are
        a few million parameters, so they always compute in float32, which is exact and
        reproducible and never overflows the way float16 decoders can.

    Raises
    ------
    ModelLoadError
        If the folder is not a built-in model or was made by a newer Studio.
    DamagedModelError
        If its weights are missing, truncated or do not fit its config.
    """
    from studio.engine.builtin.backend import BuiltinBackend

    folder = Path(info.location)
    family = builtin_family(info)
    if runs_on_numpy(family, device):
        from studio.engine.builtin.numpy_runtime.sampler import NumpySampler

        sampler = NumpySampler.load(folder)
    else:
        sampler = load_torch_sampler(folder, family, device)
    from studio.engine.builtin.numpy_runtime.enlarger import NumpyEnlarger

    enlarger = NumpyEnlarger.load(folder)
    return BuiltinBackend(info, sampler, short_hash(folder / WEIGHTS_NAME), enlarger)


def load_torch_sampler(folder: Path, family: str, device: torch.device | str = "cpu"):
    """The torch runtime of any family's folder, on ``device``."""
    from studio.engine.builtin.families import model_class
    from studio.engine.builtin.reference_bank import ReferenceBank
    from studio.engine.builtin.text_encoder import TextEncoder
    from studio.engine.builtin.torch_sampler import TorchSampler

    network = model_class(family).from_pretrained(folder, device=device)
    has_path = getattr(network.config, "reference_channels", 0)
    bank = ReferenceBank.load(folder) if has_path else None
    return TorchSampler(network, TextEncoder.load(device), bank)
