"""Tests for scgan_tf.metrics.kid."""

import numpy as np
import pytest

from scgan_tf.metrics.kid import kid_from_activations


def _kernel(a, b):
    return (sum(ai * bi for ai, bi in zip(a, b, strict=True)) / len(a) + 1.0) ** 3


def _brute_force_mmd2(x, y):
    """Unbiased MMD^2 written as the double sums of Binkowski et al. (2018)."""
    m = len(x)
    xx = sum(_kernel(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(_kernel(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    xy = sum(_kernel(x[i], y[j]) for i in range(m) for j in range(m))
    return xx / (m * (m - 1)) + yy / (m * (m - 1)) - 2.0 * xy / (m * m)


def test_hand_computed_two_point_case():
    # k(a, b) = (a b + 1)^3 in 1-D: within x: k(1, 2) = 27; within y: k(0, 1) = 1;
    # across: (1 + 8 + 1 + 27) = 37, so MMD^2 = 27 + 1 - 2 * 37 / 4 = 9.5.
    result = kid_from_activations(
        [[1.0], [2.0]], [[0.0], [1.0]], num_subsets=3, subset_size=2
    )
    assert result["kid_mean"] == pytest.approx(9.5, abs=1e-12)
    assert result["kid_std"] == pytest.approx(0.0, abs=1e-12)
    assert (result["num_subsets"], result["subset_size"]) == (3, 2)


def test_matches_brute_force_when_subset_is_whole_set():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 3))
    y = rng.normal(loc=0.4, scale=1.3, size=(6, 3))
    expected = _brute_force_mmd2(x.tolist(), y.tolist())
    result = kid_from_activations(x, y, num_subsets=4, subset_size=6)
    assert result["kid_mean"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert result["kid_std"] == pytest.approx(0.0, abs=1e-12)
    assert set(result) == {"kid_mean", "kid_std", "num_subsets", "subset_size"}


def test_identical_sets_give_near_zero_mean():
    rng = np.random.default_rng(1)
    act = rng.normal(size=(1000, 16))
    result = kid_from_activations(act, act, num_subsets=50, subset_size=200)
    # Subsets are drawn independently from one pool, so the estimator's exact
    # expectation is 2 * (mean off-diagonal k - mean of all k), O(1 / n).
    kernel = (act @ act.T / 16 + 1.0) ** 3
    n = len(act)
    mean_all = kernel.sum() / n**2
    mean_off = (kernel.sum() - np.trace(kernel)) / (n * (n - 1))
    expected = 2.0 * (mean_off - mean_all)
    assert abs(expected) < 0.02
    assert abs(result["kid_mean"] - expected) < 4 * result["kid_std"] / np.sqrt(50)
    shifted = kid_from_activations(act, act + 0.5, num_subsets=50, subset_size=200)
    assert shifted["kid_mean"] > 50 * abs(result["kid_mean"])


def test_random_state_reproducible_and_accepts_generator():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(100, 4)), rng.normal(size=(80, 4)) + 0.2
    first = kid_from_activations(x, y, num_subsets=5, subset_size=30, random_state=7)
    again = kid_from_activations(x, y, num_subsets=5, subset_size=30, random_state=7)
    from_gen = kid_from_activations(
        x, y, num_subsets=5, subset_size=30, random_state=np.random.default_rng(7)
    )
    other = kid_from_activations(x, y, num_subsets=5, subset_size=30, random_state=8)
    assert first == again == from_gen
    assert first["kid_mean"] != other["kid_mean"]
    assert first["kid_std"] > 0


def test_subset_size_larger_than_sample_count_raises():
    x = np.zeros((50, 4))
    y = np.ones((40, 4))
    with pytest.raises(ValueError, match=r"subset_size=41.*act2\.shape=\(40, 4\)"):
        kid_from_activations(x, y, subset_size=41)
    with pytest.raises(ValueError, match="subset_size=1000"):
        kid_from_activations(x, y)
    result = kid_from_activations(x, y, num_subsets=2, subset_size=40)
    assert result["subset_size"] == 40


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_subsets": 0}, "num_subsets=0"),
        ({"num_subsets": 2.5}, "num_subsets=2.5"),
        ({"subset_size": 1}, "subset_size=1"),
        ({"subset_size": True}, "subset_size=True"),
        ({"random_state": "seed"}, "random_state='seed'"),
        ({"random_state": None}, "random_state=None"),
    ],
)
def test_bad_arguments(kwargs, match):
    x = np.zeros((10, 2))
    kwargs = {"subset_size": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        kid_from_activations(x, x, **kwargs)


@pytest.mark.parametrize(
    "act1, act2, match",
    [
        (np.zeros((10, 3)), np.zeros((10, 4)), r"act2\.shape=\(10, 4\)"),
        (np.zeros((10, 3, 1)), np.zeros((10, 3)), r"act1\.shape=\(10, 3, 1\)"),
        (np.zeros((10, 3)), np.full((10, 3), np.inf), "act2.*finite"),
    ],
)
def test_bad_activations(act1, act2, match):
    with pytest.raises(ValueError, match=match):
        kid_from_activations(act1, act2, subset_size=5)
