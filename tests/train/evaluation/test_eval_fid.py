"""Frechet distance and the EfficientNet-Lite0 features it is computed on."""

from __future__ import annotations

import numpy as np
import pytest

from studio.train.evaluation.fid import (
    feature_statistics,
    frechet_distance,
    frechet_distance_between,
)


def test_a_set_against_itself_is_zero():
    features = np.random.default_rng(0).normal(size=(200, 16))
    assert frechet_distance_between(features, features) == pytest.approx(0.0, abs=1e-6)


def test_distance_grows_with_noise():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(400, 12))
    distances = [
        frechet_distance_between(base, base + rng.normal(scale=s, size=base.shape))
        for s in (0.1, 0.5, 1.0, 2.0)
    ]
    assert distances == sorted(distances) and distances[0] < distances[-1] / 10


def test_matches_the_closed_form_for_shifted_and_scaled_gaussians():
    # Same covariance: d^2 = |mu1 - mu2|^2. Diagonal covariances: sum (sqrt(a) - sqrt(b))^2.
    mu = np.zeros(3)
    assert frechet_distance(mu, np.eye(3), mu + 2.0, np.eye(3)) == pytest.approx(12.0)
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 4.0, 1.0])
    expected = ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    assert frechet_distance(mu, np.diag(a), mu, np.diag(b)) == pytest.approx(expected)


def test_agrees_with_scipy_sqrtm_on_full_rank_covariances():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(2)
    mu1, s1 = feature_statistics(rng.normal(size=(300, 8)))
    mu2, s2 = feature_statistics(rng.normal(size=(300, 8)) @ rng.normal(size=(8, 8)))
    root = np.real(scipy_linalg.sqrtm(s1 @ s2))
    reference = (mu1 - mu2) @ (mu1 - mu2) + np.trace(s1 + s2 - 2 * root)
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(reference, rel=1e-6)


def test_fewer_samples_than_dimensions_stays_finite_and_non_negative():
    rng = np.random.default_rng(3)
    small = rng.normal(size=(10, 64))  # singular covariances, the usual sqrtm trouble spot
    distance = frechet_distance_between(small, rng.normal(size=(12, 64)))
    assert np.isfinite(distance) and distance >= 0.0


def test_needs_two_samples():
    with pytest.raises(ValueError, match="at least two"):
        feature_statistics(np.zeros((1, 4)))


@pytest.fixture(scope="module")
def extractor():
    from studio.train.evaluation.features import FeatureExtractor

    return FeatureExtractor.load("cpu")


@pytest.mark.slow
def test_features_are_deterministic_and_1280_wide(extractor, data_synthetic_dir):
    from studio.train.data import load_dataset

    images = np.asarray(load_dataset(data_synthetic_dir).images[:6])
    first, second = extractor.features(images), extractor.features(images)
    assert first.shape == (6, 1280) and np.isfinite(first).all()
    np.testing.assert_allclose(first, second, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_sprite_features_separate_real_sprites_from_noise(extractor, data_synthetic_dir):
    from studio.train.data import load_dataset

    images = np.asarray(load_dataset(data_synthetic_dir).images[:16])
    noise = np.random.default_rng(0).integers(0, 256, images.shape, dtype=np.uint8)
    real = extractor.features(images)
    half, other = real[:8], real[8:]
    assert frechet_distance_between(half, other) < frechet_distance_between(
        half, extractor.features(noise)[:8]
    )


def test_transparent_pixels_are_composited_on_grey():
    from studio.train.evaluation.features import composite_on_grey

    image = np.zeros((1, 2, 2, 4), dtype=np.uint8)
    image[0, 0, 0] = (255, 0, 0, 255)
    rgb = composite_on_grey(image)
    assert tuple(rgb[0, 0, 0]) == (255, 0, 0) and tuple(rgb[0, 1, 1]) == (128, 128, 128)
