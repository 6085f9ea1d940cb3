"""Which device and precision inference runs on, and how memory is given back.

CUDA beats Apple's MPS beats the CPU. Half precision is used on GPUs (twice the speed, half the
memory); the CPU stays in float32 because most CPU kernels have no fast fp16 path.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from studio.domain.errors import InvalidRequestError

if TYPE_CHECKING:
    import torch

DEVICE_CHOICES = ("auto", "cuda", "mps", "cpu")


def pick_device(preference: str = "auto") -> tuple[torch.device, torch.dtype]:
    """Choose the device and dtype for inference.

    Parameters
    ----------
    preference
        ``"auto"`` (cuda > mps > cpu) or an explicit ``"cuda"``, ``"mps"`` or ``"cpu"``.

    Returns
    -------
    tuple
        ``(device, dtype)``: float16 on a GPU, float32 on the CPU.

    Raises
    ------
    InvalidRequestError
        If the preference is unknown or names a device this machine does not have.
    """
    import torch

    choice = (preference or "auto").strip().lower()
    if choice not in DEVICE_CHOICES:
        raise InvalidRequestError(
            f"Unknown device {preference!r}: use one of {', '.join(DEVICE_CHOICES)}."
        )
    available = _available_devices()
    if choice == "auto":
        choice = next(name for name in ("cuda", "mps", "cpu") if name in available)
    elif choice not in available:
        raise InvalidRequestError(
            f"This computer has no usable {choice.upper()} device: "
            "set the device to 'auto' or 'cpu'."
        )
    dtype = torch.float32 if choice == "cpu" else torch.float16
    return torch.device(choice), dtype


def _available_devices() -> set[str]:
    import torch

    found = {"cpu"}
    if torch.cuda.is_available():
        found.add("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.add("mps")
    return found


def free_memory() -> None:
    """Collect garbage and hand cached accelerator memory back to the driver.

    Called after a model is unloaded and before retrying after an out-of-memory error. Imports
    torch only if it is already loaded, so calling it from a torch-free process costs nothing.
    """
    import sys

    gc.collect()
    torch = sys.modules.get("torch")
    if torch is None:
        return
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.ipc_collect()
    mps = getattr(torch, "mps", None)
    if (
        mps is not None
        and getattr(torch.backends, "mps", None)
        and torch.backends.mps.is_available()
    ):
        mps.empty_cache()


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is an accelerator running out of memory (CUDA or MPS)."""
    import torch

    if isinstance(error, torch.OutOfMemoryError):
        return True
    # MPS reports exhaustion as a plain RuntimeError.
    return isinstance(error, RuntimeError) and "MPS backend out of memory" in str(error)
