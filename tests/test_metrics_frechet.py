"""Tests for scgan_tf.metrics.frechet."""

import warnings

import numpy as np
import pytest
import scipy.linalg

from scgan_tf.metrics.frechet import fid_from_activations, frechet_distance


def _sqrtm_reference(mu1, sigma1, mu2, sigma2):
    """The textbook formula with scipy's general matrix square root."""
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    diff = mu1 - mu2
    return float(
        diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean).real
    )


def _random_gaussian(rng, dim, num=200):
    act = rng.normal(size=(num, dim)) @ rng.normal(size=(dim, dim))
    return act.mean(axis=0) + rng.normal(size=dim), np.atleast_2d(
        np.cov(act, rowvar=False)
    )


@pytest.mark.parametrize("dim", [1, 3, 16])
def test_matches_sqrtm_reference(dim):
    rng = np.random.default_rng(dim)
    mu1, sigma1 = _random_gaussian(rng, dim)
    mu2, sigma2 = _random_gaussian(rng, dim)
    expected = _sqrtm_reference(mu1, sigma1, mu2, sigma2)
    assert expected > 0
    np.testing.assert_allclose(
        frechet_distance(mu1, sigma1, mu2, sigma2), expected, rtol=1e-8
    )


def test_fid_from_activations_matches_reference_and_fields():
    rng = np.random.default_rng(1)
    act1 = rng.normal(size=(300, 5)).astype(np.float32)
    act2 = (rng.normal(size=(250, 5)) * 1.5 + 0.3).astype(np.float32)
    result = fid_from_activations(act1, act2)
    a1, a2 = act1.astype(np.float64), act2.astype(np.float64)
    expected = _sqrtm_reference(
        a1.mean(0), np.cov(a1, rowvar=False), a2.mean(0), np.cov(a2, rowvar=False)
    )
    assert set(result) == {"fid", "num_samples1", "num_samples2", "feature_dim"}
    np.testing.assert_allclose(result["fid"], expected, rtol=1e-8)
    assert (result["num_samples1"], result["num_samples2"]) == (300, 250)
    assert result["feature_dim"] == 5


def test_equal_distributions_give_zero_and_never_negative():
    rng = np.random.default_rng(2)
    for dim in (2, 10, 64):
        mu, sigma = _random_gaussian(rng, dim, num=4 * dim)
        value = frechet_distance(mu, sigma, mu, sigma)
        assert type(value) is float
        assert 0.0 <= value < 1e-8 * np.trace(sigma)
    act = rng.normal(size=(100, 8))
    assert 0.0 <= fid_from_activations(act, act.copy())["fid"] < 1e-9


def test_mean_shift_with_equal_covariance_is_squared_shift():
    rng = np.random.default_rng(3)
    mu, sigma = _random_gaussian(rng, 6)
    shift = np.array([1.0, -2.0, 0.5, 0.0, 3.0, -1.0])
    np.testing.assert_allclose(
        frechet_distance(mu, sigma, mu + shift, sigma), shift @ shift, rtol=1e-9
    )


def test_hand_computed_one_dimensional_and_diagonal():
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2 with s the standard deviations.
    assert frechet_distance(0.0, 4.0, 3.0, 9.0) == pytest.approx(9.0 + 1.0, abs=1e-12)
    assert frechet_distance([1.0], [[1.0]], [1.0], [[0.25]]) == pytest.approx(
        0.25, abs=1e-12
    )
    # Diagonal: sum over dimensions of the 1-D formula: (1 + 4) + (1 + 1) = 7.
    value = frechet_distance(
        np.zeros(2), np.diag([1.0, 4.0]), np.array([1.0, 2.0]), np.diag([4.0, 9.0])
    )
    assert value == pytest.approx(7.0, abs=1e-12)


def test_rank_deficient_covariances_stay_real_and_non_negative():
    # Orthogonal rank-1 covariances: sigma1 sigma2 = 0, so the trace term is 0.
    sigma1 = np.diag([1.0, 0.0, 0.0])
    sigma2 = np.diag([0.0, 4.0, 0.0])
    value = frechet_distance(np.zeros(3), sigma1, np.ones(3), sigma2)
    assert type(value) is float
    assert value == pytest.approx(3.0 + 1.0 + 4.0, abs=1e-12)

    # Fewer samples than features: singular covariances where sqrtm can go
    # complex; the eigh route stays real, non-negative and agrees on the value.
    rng = np.random.default_rng(4)
    act1 = rng.normal(size=(5, 20))
    act2 = rng.normal(size=(7, 20)) + 0.1
    with pytest.warns(UserWarning):
        result = fid_from_activations(act1, act2)
    assert type(result["fid"]) is float and result["fid"] >= 0.0
    expected = _sqrtm_reference(
        act1.mean(0),
        np.cov(act1, rowvar=False),
        act2.mean(0),
        np.cov(act2, rowvar=False),
    )
    np.testing.assert_allclose(result["fid"], expected, rtol=1e-6)

    # Identical singular covariances: exactly the zero distance, not -1e-15.
    low_rank = np.outer([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert frechet_distance(np.ones(3), low_rank, np.ones(3), low_rank) >= 0.0
    assert frechet_distance(np.ones(3), low_rank, np.ones(3), low_rank) < 1e-12


def test_warns_when_samples_do_not_exceed_features():
    rng = np.random.default_rng(5)
    with pytest.warns(UserWarning, match=r"act2\.shape=\(8, 8\)"):
        fid_from_activations(rng.normal(size=(50, 8)), rng.normal(size=(8, 8)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fid_from_activations(rng.normal(size=(50, 8)), rng.normal(size=(9, 8)))


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros((2, 1)), np.eye(2), np.zeros(2), np.eye(2)), r"mu1\.shape"),
        ((np.zeros(2), np.eye(2), np.zeros(3), np.eye(3)), r"mu2\.shape=\(3,\)"),
        ((np.zeros(2), np.eye(3), np.zeros(2), np.eye(2)), r"sigma1\.shape=\(3, 3\)"),
        (
            (np.zeros(2), np.eye(2), np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]])),
            "sigma2.*symmetric",
        ),
        ((np.zeros(2), -np.eye(2), np.zeros(2), np.eye(2)), "sigma1.*semi-definite"),
        ((np.array([np.nan, 0.0]), np.eye(2), np.zeros(2), np.eye(2)), "mu1.*finite"),
        (
            (np.zeros(2), np.eye(2), np.zeros(2), np.full((2, 2), np.inf)),
            "sigma2.*finite",
        ),
        ((np.array(["a", "b"]), np.eye(2), np.zeros(2), np.eye(2)), "mu1.dtype"),
    ],
)
def test_frechet_distance_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        frechet_distance(*args)


@pytest.mark.parametrize(
    "act1, act2, match",
    [
        (np.zeros((10, 3)), np.zeros((10, 4)), r"act1\.shape=\(10, 3\)"),
        (np.zeros(10), np.zeros((10, 1)), r"act1\.shape=\(10,\)"),
        (np.zeros((10, 3)), np.zeros((1, 3)), r"at least 2.*act2\.shape=\(1, 3\)"),
        (np.full((10, 3), np.nan), np.zeros((10, 3)), "act1.*finite"),
    ],
)
def test_fid_from_activations_bad_input(act1, act2, match):
    with pytest.raises(ValueError, match=match):
        fid_from_activations(act1, act2)
