"""Reading safetensors files into float32 numpy arrays (no torch involved)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.domain.errors import DamagedModelError


def load_float32(path: Path, prefixes: tuple[str, ...] = ("",)) -> dict[str, np.ndarray]:
    """The tensors of ``path`` whose names start with one of ``prefixes``, floats as float32.

    Raises
    ------
    DamagedModelError
        If the file is missing, truncated or not a safetensors file.
    """
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        raise DamagedModelError(f"{path} is missing: reinstall the model.")
    try:
        with safe_open(str(path), framework="np") as handle:
            tensors = {
                name: handle.get_tensor(name)
                for name in handle.keys()  # noqa: SIM118  (safe_open is not a mapping)
                if name.startswith(prefixes)
            }
    except (SafetensorError, OSError, ValueError) as exc:
        raise DamagedModelError(
            f"{path.name} in {path.parent} is damaged or incomplete ({exc}): reinstall the model."
        ) from None
    return {
        name: t.astype(np.float32, copy=False) if np.issubdtype(t.dtype, np.floating) else t
        for name, t in tensors.items()
    }
