"""Device and precision choice."""

from __future__ import annotations

import pytest
import torch

from studio.domain.errors import InvalidRequestError
from studio.engine.device import free_memory, is_out_of_memory, pick_device


def test_cpu_runs_in_float32() -> None:
    assert pick_device("cpu") == (torch.device("cpu"), torch.float32)


def test_auto_uses_half_precision_only_on_a_gpu() -> None:
    device, dtype = pick_device("auto")
    expected = "cuda" if torch.cuda.is_available() else device.type
    assert device.type == expected
    assert (dtype == torch.float32) == (device.type == "cpu")


def test_unknown_or_missing_devices_are_clear_errors() -> None:
    with pytest.raises(InvalidRequestError, match="Unknown device"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(InvalidRequestError, match="no usable CUDA"):
            pick_device("cuda")


def test_out_of_memory_is_recognised_and_memory_freed() -> None:
    assert is_out_of_memory(torch.cuda.OutOfMemoryError("CUDA out of memory"))
    assert not is_out_of_memory(RuntimeError("shapes do not match"))
    free_memory()  # must not fail without a GPU
