"""Gaussian Parzen-window log-likelihood of test data under generated samples."""

import numbers
import warnings

import numpy as np


def _as_rows(x, name):
    """Validates `x` and returns it as a 2-D `(rows, features)` array view."""
    arr = np.asarray(x)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(
            f"`{name}` must be a real numeric array. Received: {name}.dtype={arr.dtype}"
        )
    if arr.ndim < 2 or arr.shape[0] < 1 or arr.size == 0:
        raise ValueError(
            f"`{name}` must have shape (num_rows, ...) with at least one row and "
            f"one feature; trailing dimensions are flattened. "
            f"Received: {name}.shape={arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"`{name}` must contain only finite values (no NaN or inf). "
            f"Received: {name} with {int(np.sum(~np.isfinite(arr)))} non-finite "
            f"entries, {name}.shape={arr.shape}"
        )
    return arr.reshape(arr.shape[0], -1)


def _log_densities(data, samples, offset, sigmas, batch_size):
    """Parzen log-densities of each row of `data`, one row of output per sigma.

    `samples` is float64 and already centred on `offset`; `data` is converted
    and centred chunk by chunk, so only `batch_size` rows of distances live in
    memory at a time.
    """
    num_samples, dim = samples.shape
    samples_sq = np.einsum("ij,ij->i", samples, samples)
    neg_half_inv_var = -0.5 / sigmas**2
    norm_const = -np.log(num_samples) - 0.5 * dim * np.log(2.0 * np.pi * sigmas**2)
    out = np.empty((len(sigmas), data.shape[0]), dtype=np.float64)
    for start in range(0, data.shape[0], batch_size):
        stop = min(start + batch_size, data.shape[0])
        x = data[start:stop].astype(np.float64) - offset
        # ||x - s||^2 = ||x||^2 + ||s||^2 - 2 x.s, computed once per chunk and
        # reused for every sigma; the clip removes round-off below zero.
        sq_dist = x @ samples.T
        sq_dist *= -2.0
        sq_dist += np.einsum("ij,ij->i", x, x)[:, None]
        sq_dist += samples_sq[None, :]
        np.maximum(sq_dist, 0.0, out=sq_dist)
        # Shifting by the nearest distance makes the largest exponent 0 for
        # every sigma: a log-sum-exp with no overflow and a sum >= 1.
        nearest = np.min(sq_dist, axis=1)
        sq_dist -= nearest[:, None]
        buffer = np.empty_like(sq_dist)
        for k, coef in enumerate(neg_half_inv_var):
            np.multiply(sq_dist, coef, out=buffer)
            np.exp(buffer, out=buffer)
            out[k, start:stop] = (
                coef * nearest + np.log(np.sum(buffer, axis=1)) + norm_const[k]
            )
    return out


def parzen_log_likelihood(
    samples, test_data, validation_data, *, sigmas=None, batch_size=256
):
    """Estimates the log-likelihood of test data with a Gaussian Parzen window.

    A Gaussian kernel density (Parzen window) with an isotropic bandwidth
    `sigma` is fitted on the generated `samples` `s_1 .. s_N`:

    `log p(x) = logsumexp_i(-||x - s_i||^2 / (2 sigma^2)) - log N
    - (D / 2) log(2 pi sigma^2)`,

    with `D` the number of features (trailing dimensions are flattened). The
    bandwidth is the value of `sigmas` that maximises the mean log-likelihood
    of `validation_data`; the mean log-likelihood of `test_data` under that
    bandwidth is reported in nats with its standard error
    `std(log p(x)) / sqrt(num_test)` (`ddof=0`). In the SCGAN papers: 10,000
    generated samples, `sigmas` 10 values log-spaced in `[0.1, 1]`, 1,000
    held-out training images for validation and the 10,000 test images, pixels
    scaled to `[0, 1]`; the value depends on that scale, the sample count and
    the grid, so only compare numbers computed the same way.

    Squared distances use `||x||^2 + ||s||^2 - 2 x.s` in float64 after centring
    on the sample mean, clipped at 0, for `batch_size` rows of data at a time;
    each chunk's distances are reused for every bandwidth. Memory is
    `O(batch_size * num_samples)` beyond the float64 copy of `samples`.

    The Parzen estimate is a weak proxy for likelihood in high dimensions: it is
    biased by the sample count, has high variance, and can rank models
    differently from their true likelihoods (Theis et al., 2016, "A note on the
    evaluation of generative models"). A UserWarning is issued when the chosen
    bandwidth is the smallest or largest of several in `sigmas`, since the
    optimum may then lie outside the grid.

    Args:
        samples: float array of shape `(num_samples, ...)`, the generated
            samples that centre the kernels.
        test_data: float array of shape `(num_test, ...)`, the data whose mean
            log-likelihood is reported (for example the test images).
        validation_data: float array of shape `(num_validation, ...)`, the data
            used to choose `sigma` (for example 1,000 held-out training images).
        sigmas: 1-D sequence of positive candidate bandwidths. Defaults to
            `np.logspace(-1, 0, 10)`.
        batch_size: int `>= 1`, the number of data rows whose distances to all
            samples are held in memory at once. Does not change the result.

    Returns:
        A dict with keys:
            `"log_likelihood"`: mean log-likelihood of `test_data` (float).
            `"standard_error"`: its standard error (float).
            `"sigma"`: the chosen bandwidth (float).
            `"sigmas"`: the candidate bandwidths (list of floats).
            `"validation_log_likelihoods"`: mean validation log-likelihood for
                each entry of `"sigmas"` (list of floats, same order).
            `"num_samples"`, `"num_test"`, `"num_validation"`: row counts.

    Raises:
        ValueError: if an array has fewer than 2 dimensions, no rows, a
            non-numeric dtype or NaN/inf values; if the flattened feature
            counts differ; if `sigmas` is empty, not 1-D, or has a non-positive
            or non-finite value; or if `batch_size` is not a positive integer.

    Example:

    >>> import numpy as np
    >>> sigma = 1.0 / np.sqrt(2.0 * np.pi)  # Unit-height kernel in 2-D.
    >>> result = parzen_log_likelihood(
    ...     np.zeros((1, 2)), np.zeros((3, 2)), np.zeros((1, 2)), sigmas=[sigma]
    ... )
    >>> abs(result["log_likelihood"]) < 1e-12, result["standard_error"]
    (True, 0.0)
    >>> rng = np.random.default_rng(0)
    >>> result = parzen_log_likelihood(
    ...     rng.normal(size=(500, 2)),
    ...     rng.normal(size=(200, 2)),
    ...     rng.normal(size=(100, 2)),
    ...     sigmas=[0.1, 0.3, 1.0, 3.0],
    ... )
    >>> result["sigma"], result["num_test"]
    (0.3, 200)

    Reference:
        Breuleux et al., 2011, "Quickly Generating Representative Samples from
        an RBM-Derived Process" (Neural Computation 23(8)); as used for GANs by
        Goodfellow et al., 2014, "Generative Adversarial Nets"
        (https://arxiv.org/abs/1406.2661).
    """
    samples = _as_rows(samples, "samples")
    test_data = _as_rows(test_data, "test_data")
    validation_data = _as_rows(validation_data, "validation_data")
    dim = samples.shape[1]
    for name, arr in (("test_data", test_data), ("validation_data", validation_data)):
        if arr.shape[1] != dim:
            raise ValueError(
                f"`{name}` and `samples` must have the same number of features "
                f"after flattening trailing dimensions. Received: "
                f"{name} flattened to {arr.shape}, samples flattened to "
                f"{samples.shape}"
            )
    if sigmas is None:
        sigmas = np.logspace(-1, 0, 10)
    try:
        sigmas_arr = np.atleast_1d(np.asarray(sigmas, dtype=np.float64))
    except (TypeError, ValueError):
        sigmas_arr = np.empty((0,))
    if (
        sigmas_arr.ndim != 1
        or sigmas_arr.size == 0
        or not np.all(np.isfinite(sigmas_arr))
        or np.any(sigmas_arr <= 0)
    ):
        raise ValueError(
            "`sigmas` must be a non-empty 1-D sequence of positive finite "
            f"bandwidths. Received: sigmas={sigmas!r}"
        )
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: "
            f"batch_size={batch_size!r}"
        )
    batch_size = int(batch_size)

    # Centring on the sample mean leaves distances unchanged and reduces
    # cancellation in the ||x||^2 + ||s||^2 - 2 x.s form.
    samples = samples.astype(np.float64)
    offset = np.mean(samples, axis=0)
    samples -= offset
    val_ll = _log_densities(validation_data, samples, offset, sigmas_arr, batch_size)
    val_means = np.mean(val_ll, axis=1)
    best = int(np.argmax(val_means))
    sigma = float(sigmas_arr[best])
    if sigmas_arr.size > 1 and sigma in (sigmas_arr.min(), sigmas_arr.max()):
        warnings.warn(
            f"The chosen Parzen bandwidth sigma={sigma:.6g} is at the edge of the "
            "grid; the best bandwidth may lie outside it. Received: "
            f"sigmas={sigmas_arr.tolist()}",
            UserWarning,
            stacklevel=2,
        )

    test_ll = _log_densities(
        test_data, samples, offset, sigmas_arr[best : best + 1], batch_size
    )[0]
    num_test = test_ll.shape[0]
    return {
        "log_likelihood": float(np.mean(test_ll)),
        "standard_error": float(np.std(test_ll) / np.sqrt(num_test)),
        "sigma": sigma,
        "sigmas": sigmas_arr.tolist(),
        "validation_log_likelihoods": val_means.tolist(),
        "num_samples": int(samples.shape[0]),
        "num_test": int(num_test),
        "num_validation": int(validation_data.shape[0]),
    }
