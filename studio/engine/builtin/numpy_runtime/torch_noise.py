"""``torch.randn(shape, generator=torch.Generator().manual_seed(seed))`` without torch.

A seed must give the same sprite whichever runtime draws it, so the numpy runtime reproduces
torch's CPU normal sampler: a Mersenne Twister seeded like ``std::mt19937`` (torch's
``at::mt19937``, numpy's legacy ``RandomState``), 24-bit uniforms, and Box-Muller in blocks of
16 (``normal_fill`` in ATen's ``DistributionTemplates.h``), or, for fewer than 16 values, the
scalar double-precision Box-Muller with its cached second sample.
"""

from __future__ import annotations

import math

import numpy as np

_BLOCK = 16


def torch_randn(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Float32 standard normal noise equal to torch's for a freshly seeded CPU generator."""
    count = math.prod(shape)
    source = np.random.RandomState(seed & 0xFFFFFFFF)
    values = _normal_fill(count, source) if count >= _BLOCK else _scalar_normals(count, source)
    return values.reshape(shape)


def _raw_uint32(source: np.random.RandomState, count: int) -> np.ndarray:
    # With the full 32-bit range, RandomState returns the generator's outputs unmasked.
    return source.randint(0, 2**32, size=count, dtype=np.uint64).astype(np.uint64)


def _uniform24(source: np.random.RandomState, count: int) -> np.ndarray:
    raw = _raw_uint32(source, count)
    return ((raw & ((1 << 24) - 1)).astype(np.float64) * 2.0**-24).astype(np.float32)


def _box_muller_16(block: np.ndarray) -> np.ndarray:
    u1 = np.float32(1.0) - block[:8]
    u2 = block[8:]
    radius = np.sqrt(np.float32(-2.0) * np.log(u1))
    theta = np.float32(2.0 * math.pi) * u2
    return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)]).astype(np.float32)


def _normal_fill(count: int, source: np.random.RandomState) -> np.ndarray:
    data = _uniform24(source, count)
    for start in range(0, count - _BLOCK + 1, _BLOCK):
        data[start : start + _BLOCK] = _box_muller_16(data[start : start + _BLOCK])
    if count % _BLOCK:
        # torch redraws the last 16 values from the generator and transforms them again.
        data[count - _BLOCK :] = _box_muller_16(_uniform24(source, _BLOCK))
    return data


def _scalar_normals(count: int, source: np.random.RandomState) -> np.ndarray:
    out = np.empty(count, dtype=np.float32)
    cached: float | None = None
    for index in range(count):
        if cached is not None:
            out[index], cached = cached, None
            continue
        raw = _raw_uint32(source, 4)  # two 64-bit draws, each two 32-bit outputs
        u1, u2 = (_uniform53(int(raw[i]), int(raw[i + 1])) for i in (0, 2))
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        cached = radius * math.sin(theta)
        out[index] = radius * math.cos(theta)
    return out


def _uniform53(first: int, second: int) -> float:
    # at::mt19937's random64() puts the first 32-bit output in the high word.
    value = (first << 32) | second
    return (value & ((1 << 53) - 1)) * 2.0**-53
