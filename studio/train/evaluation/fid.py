"""Frechet distance between two sets of features (the "FID" when the features are perceptual).

``d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))``. The trace of the matrix
square root is computed from the eigenvalues of the symmetric matrix ``A^(1/2) S2 A^(1/2)``
with ``A = S1``, which has the same eigenvalues as ``S1 S2``: that avoids the complex
round-off a general ``sqrtm`` of the non-symmetric product produces when, as with fewer
samples than feature dimensions, the covariances are singular. Everything runs in float64
and round-off negatives are clipped to zero.
"""

from __future__ import annotations

import numpy as np


def feature_statistics(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``(D,)`` and covariance ``(D, D)`` of ``(N, D)`` features (N >= 2)."""
    data = np.asarray(features, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] < 2:
        raise ValueError(f"need at least two feature vectors, got shape {data.shape}")
    return data.mean(axis=0), np.cov(data, rowvar=False)


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray
) -> float:
    """Squared Frechet distance between two Gaussians (never negative)."""
    root1 = _psd_sqrt(np.asarray(sigma1, dtype=np.float64))
    middle = root1 @ np.asarray(sigma2, dtype=np.float64) @ root1
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())
    diff = np.asarray(mu1, dtype=np.float64) - np.asarray(mu2, dtype=np.float64)
    distance = float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)
    return max(distance, 0.0)


def frechet_distance_between(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Frechet distance between the Gaussians fitted to two feature sets."""
    return frechet_distance(*feature_statistics(features_a), *feature_statistics(features_b))
