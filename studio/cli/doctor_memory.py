"""The accelerator memory line of ``studio doctor``: how much is free and used right now.

A model that does not fit is the commonest reason a generation fails on a GPU, so the doctor
says how much room there is before the user picks an SDXL checkpoint. CUDA reports free and
total device memory (what every process holds, not just Studio); Apple's MPS reports what this
process allocated and the working-set size the system recommends.
"""

from __future__ import annotations

from typing import Any

GIB = 1024**3
NO_ACCELERATOR = "Accelerator memory: no accelerator (generation runs on the CPU)"


def memory_line(name: str, free: int, used: int) -> str:
    """One line naming the accelerator and its free and used memory in GiB.

    Parameters
    ----------
    name
        The device as the user knows it (``"cuda (NVIDIA H100)"``, ``"mps"``).
    free, used
        Bytes.
    """
    return f"Accelerator memory: {name}: {free / GIB:.1f} GiB free, {used / GIB:.1f} GiB used"


def accelerator_memory_line(torch: Any) -> str:
    """The memory line for the accelerator ``torch`` would use, or :data:`NO_ACCELERATOR`.

    Parameters
    ----------
    torch
        The imported torch module (the caller has already checked it is installed).
    """
    if torch.cuda.is_available():
        free, total = torch.cuda.mem_get_info()
        return memory_line(f"cuda ({torch.cuda.get_device_name(0)})", free, total - free)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        used = torch.mps.current_allocated_memory()
        # The system's recommended working set is the ceiling Metal lets a process reach.
        ceiling = torch.mps.recommended_max_memory()
        return memory_line("mps", max(ceiling - torch.mps.driver_allocated_memory(), 0), used)
    return NO_ACCELERATOR
