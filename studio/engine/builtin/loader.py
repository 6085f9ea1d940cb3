"""Loading a built-in model folder into a ready :class:`GenerationBackend`.

The engine service calls :func:`load_builtin_backend` with a :class:`ModelInfo` from
:func:`studio.engine.builtin.discover_builtin_models`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from studio.domain.models import ModelInfo
from studio.engine.builtin import WEIGHTS_NAME

if TYPE_CHECKING:
    import torch

    from studio.engine.backend import GenerationBackend

__all__ = ["load_builtin_backend"]


def load_builtin_backend(
    info: ModelInfo,
    device: torch.device | str = "cpu",
    dtype: torch.dtype | None = None,
) -> GenerationBackend:
    """Load the model in ``info.location`` and the text encoder onto ``device``.

    Parameters
    ----------
    info
        A built-in model as listed by ``discover_builtin_models``.
    device
        Where to run (``"cpu"``, ``"cuda"``, a ``torch.device``).
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
    from studio.engine.builtin.families import model_class
    from studio.engine.builtin.pretrained import read_model_manifest
    from studio.engine.builtin.text_encoder import TextEncoder

    folder = Path(info.location)
    manifest = read_model_manifest(folder)
    network = model_class(str(manifest.get("family"))).from_pretrained(folder, device=device)
    encoder = TextEncoder.load(device)
    return BuiltinBackend(info, network, encoder, model_hash=_short_hash(folder / WEIGHTS_NAME))


def _short_hash(path: Path) -> str:
    # The first 10 hex digits of the file's SHA-256, as A1111's "Model hash" field shows.
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:10]
