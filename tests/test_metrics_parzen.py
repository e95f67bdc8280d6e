"""Tests for scgan_tf.metrics.parzen."""

import math
import warnings

import numpy as np
import pytest
import scipy.special
import scipy.stats

from scgan_tf.metrics.parzen import parzen_log_likelihood

SIGMAS = [0.3, 0.7, 1.5, 3.0]


def _brute_force_log_density(x, samples, sigma):
    """log p(x) for one point with plain Python loops and a max-shifted sum."""
    dim = len(x)
    exponents = []
    for s in samples:
        sq = sum((xi - si) ** 2 for xi, si in zip(x, s, strict=True))
        exponents.append(-sq / (2 * sigma**2))
    peak = max(exponents)
    lse = peak + math.log(sum(math.exp(e - peak) for e in exponents))
    return lse - math.log(len(samples)) - dim / 2 * math.log(2 * math.pi * sigma**2)


def _brute_force(samples, test, valid, sigmas):
    samples_f, test_f, valid_f = (
        np.reshape(a, (a.shape[0], -1)).tolist() for a in (samples, test, valid)
    )
    val_means = [
        sum(_brute_force_log_density(x, samples_f, s) for x in valid_f) / len(valid_f)
        for s in sigmas
    ]
    best = max(range(len(sigmas)), key=lambda k: val_means[k])
    lls = [_brute_force_log_density(x, samples_f, sigmas[best]) for x in test_f]
    mean = sum(lls) / len(lls)
    std = math.sqrt(sum((v - mean) ** 2 for v in lls) / len(lls))
    return mean, std / math.sqrt(len(lls)), sigmas[best], val_means


def _tiny_data(seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    samples = rng.normal(size=(7, 2, 3)) + offset
    test = rng.normal(size=(5, 2, 3)) + offset
    valid = rng.normal(size=(4, 2, 3)) + offset
    return samples, test, valid


@pytest.mark.parametrize("offset", [0.0, 1000.0])
def test_matches_brute_force_loop(offset):
    samples, test, valid = _tiny_data(offset=offset)
    mean, se, sigma, val_means = _brute_force(samples, test, valid, SIGMAS)
    result = parzen_log_likelihood(samples, test, valid, sigmas=SIGMAS)
    assert sigma not in (min(SIGMAS), max(SIGMAS))  # No edge warning here.
    assert result["sigma"] == sigma
    np.testing.assert_allclose(
        result["validation_log_likelihoods"], val_means, atol=1e-8
    )
    assert result["log_likelihood"] == pytest.approx(mean, abs=1e-8)
    assert result["standard_error"] == pytest.approx(se, abs=1e-8)
    assert result["sigmas"] == SIGMAS
    assert (result["num_samples"], result["num_test"], result["num_validation"]) == (
        7,
        5,
        4,
    )


def test_matches_scipy_gaussian_mixture():
    # The Parzen density is the equal-weight mixture of N(s_i, sigma^2 I).
    rng = np.random.default_rng(1)
    samples = rng.normal(size=(20, 4))
    test = rng.normal(size=(9, 4))
    sigma = 0.8
    logpdf = np.stack(
        [
            scipy.stats.multivariate_normal(mean=s, cov=sigma**2).logpdf(test)
            for s in samples
        ]
    )
    expected = scipy.special.logsumexp(logpdf, axis=0) - np.log(len(samples))
    result = parzen_log_likelihood(samples, test, test, sigmas=[sigma])
    assert result["log_likelihood"] == pytest.approx(expected.mean(), abs=1e-10)
    assert result["standard_error"] == pytest.approx(
        expected.std() / np.sqrt(len(test)), abs=1e-10
    )


def test_chosen_sigma_is_validation_argmax():
    rng = np.random.default_rng(2)
    samples = rng.normal(size=(300, 3))
    valid = rng.normal(size=(100, 3))
    sigmas = np.logspace(-1.5, 0.5, 12)
    result = parzen_log_likelihood(samples, valid[:10], valid, sigmas=sigmas)
    val = np.asarray(result["validation_log_likelihoods"])
    assert len(val) == len(sigmas)
    assert result["sigma"] == pytest.approx(sigmas[np.argmax(val)], rel=0)
    assert 0 < np.argmax(val) < len(sigmas) - 1
    # Each validation entry is the mean test log-likelihood at that sigma alone.
    for sigma, value in zip(sigmas[::4], val[::4], strict=True):
        single = parzen_log_likelihood(samples, valid, valid, sigmas=[sigma])
        assert single["log_likelihood"] == pytest.approx(value, abs=1e-10)


def test_standard_error_formula():
    samples = np.zeros((1, 1))
    test = np.array([[0.0], [1.0], [2.0], [3.0]])
    result = parzen_log_likelihood(samples, test, test, sigmas=[1.0])
    # log p(x) = -x^2 / 2 - log(2 pi) / 2 for one sample at the origin.
    lls = -0.5 * test[:, 0] ** 2 - 0.5 * np.log(2 * np.pi)
    assert result["log_likelihood"] == pytest.approx(lls.mean(), abs=1e-12)
    assert result["standard_error"] == pytest.approx(
        np.std(lls, ddof=0) / 2.0, abs=1e-12
    )


@pytest.mark.parametrize("batch_size", [1, 2, 3, 64, 10_000])
def test_batch_size_does_not_change_result(batch_size):
    rng = np.random.default_rng(3)
    samples = rng.random((50, 8, 8)).astype(np.float32)
    test = rng.random((37, 8, 8)).astype(np.float32)
    valid = rng.random((11, 8, 8)).astype(np.float32)
    sigmas = [0.1, 0.2, 0.4, 0.8]
    reference = parzen_log_likelihood(samples, test, valid, sigmas=sigmas)
    result = parzen_log_likelihood(
        samples, test, valid, sigmas=sigmas, batch_size=batch_size
    )
    for key in ("log_likelihood", "standard_error", "sigma"):
        assert result[key] == pytest.approx(reference[key], rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        result["validation_log_likelihoods"],
        reference["validation_log_likelihoods"],
        rtol=1e-12,
    )


def test_default_grid_and_float32_input():
    rng = np.random.default_rng(4)
    samples = rng.random((40, 5)).astype(np.float32)
    test = rng.random((10, 5)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result32 = parzen_log_likelihood(samples, test, test[:5])
        result64 = parzen_log_likelihood(
            samples.astype(np.float64), test.astype(np.float64), test[:5].astype(float)
        )
    np.testing.assert_allclose(result32["sigmas"], np.logspace(-1, 0, 10))
    assert result32 == result64


def test_warns_when_sigma_at_grid_edge():
    rng = np.random.default_rng(5)
    samples = rng.normal(size=(30, 2))
    with pytest.warns(UserWarning, match="edge of the grid"):
        result = parzen_log_likelihood(
            samples, samples, rng.normal(size=(10, 2)), sigmas=[0.01, 0.02]
        )
    assert result["sigma"] == 0.02


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"samples": np.zeros(4)}, r"samples\.shape=\(4,\)"),
        ({"samples": np.zeros((0, 3))}, r"samples\.shape=\(0, 3\)"),
        ({"test_data": np.zeros((4, 2))}, r"test_data flattened to \(4, 2\)"),
        ({"validation_data": np.zeros((2, 1, 4))}, "validation_data flattened"),
        ({"test_data": np.full((2, 3), np.nan)}, "test_data.*finite"),
        ({"sigmas": []}, r"sigmas=\[\]"),
        ({"sigmas": [0.5, -1.0]}, r"sigmas=\[0\.5, -1\.0\]"),
        ({"sigmas": [[0.5]]}, "sigmas"),
        ({"sigmas": ["a"]}, "sigmas"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"batch_size": 2.0}, "batch_size=2.0"),
    ],
)
def test_bad_input(kwargs, match):
    args = {
        "samples": np.zeros((4, 3)),
        "test_data": np.zeros((2, 3)),
        "validation_data": np.zeros((2, 3)),
        "sigmas": [0.5],
        **kwargs,
    }
    with pytest.raises(ValueError, match=match):
        parzen_log_likelihood(
            args.pop("samples"),
            args.pop("test_data"),
            args.pop("validation_data"),
            **args,
        )
