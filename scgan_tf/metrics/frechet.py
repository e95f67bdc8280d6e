"""Fréchet distance between Gaussians fitted to feature activations (FID)."""

import warnings

import numpy as np

from scgan_tf.checks import check_real_array

# Eigenvalues of a covariance matrix below zero but within this fraction of
# the largest one are round-off of a positive semi-definite matrix.
_PSD_RTOL = 1e-4


def _sqrt_psd(matrix, name):
    """Symmetric square root of a positive semi-definite matrix via `eigh`."""
    eigvals, eigvecs = np.linalg.eigh(matrix)
    scale = max(float(np.max(np.abs(eigvals))), np.finfo(np.float64).tiny)
    if eigvals[0] < -_PSD_RTOL * scale:
        raise ValueError(
            f"`{name}` must be positive semi-definite (a covariance matrix). "
            f"Received: {name} with smallest eigenvalue {eigvals[0]:.6g} and "
            f"largest {eigvals[-1]:.6g}"
        )
    eigvals = np.clip(eigvals, 0.0, None)
    return (eigvecs * np.sqrt(eigvals)) @ eigvecs.T


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Computes the Fréchet distance between two multivariate Gaussians.

    The squared Fréchet (2-Wasserstein) distance between `N(mu1, sigma1)` and
    `N(mu2, sigma2)` is

    `||mu1 - mu2||^2 + tr(sigma1) + tr(sigma2) - 2 tr((sigma1 sigma2)^(1/2))`.

    The trace of the matrix square root is computed without `sqrtm`: the
    eigenvalues of `sigma1 sigma2` equal those of the symmetric positive
    semi-definite matrix `sqrt(sigma1) sigma2 sqrt(sigma1)`, so the trace is the
    sum of the square roots of that matrix's eigenvalues, found with symmetric
    eigendecompositions (`np.linalg.eigh`). Round-off can make eigenvalues of a
    singular covariance slightly negative; these are clipped to zero. All
    arithmetic is in float64, and the result is a real, non-negative Python
    float (a value that round-off pushes below zero is returned as `0.0`), even
    for rank-deficient covariances.

    When the Gaussians are fitted to features of real and generated images this
    is the Fréchet Inception Distance (FID). Its value depends on the feature
    extractor, and the plug-in estimate from finite samples is biased upwards by
    an amount that shrinks with the sample count: compare FIDs only when they were
    computed with the same extractor and the same numbers of samples.

    Args:
        mu1: float array of shape `(feature_dim,)`, the mean of the first
            Gaussian. A scalar is read as a 1-D Gaussian.
        sigma1: float array of shape `(feature_dim, feature_dim)`, the
            covariance of the first Gaussian (symmetric positive
            semi-definite). A scalar is read as a 1-D variance.
        mu2: mean of the second Gaussian, like `mu1`.
        sigma2: covariance of the second Gaussian, like `sigma1`.

    Returns:
        The squared Fréchet distance as a Python `float`, `>= 0`.

    Raises:
        ValueError: if an argument is not a real numeric array, contains NaN or
            inf, has the wrong rank or shape, if the feature dimensions disagree,
            if a covariance is not symmetric (to a relative `1e-5`), or if it
            has an eigenvalue below `-1e-4` times its largest eigenvalue
            magnitude (not positive semi-definite).

    Example:

    >>> import numpy as np
    >>> frechet_distance(np.zeros(2), np.eye(2), np.ones(2), np.eye(2))
    2.0
    >>> frechet_distance([0.0], [[1.0]], [0.0], [[4.0]])
    1.0

    Reference:
        Heusel et al., 2017, "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium" (https://arxiv.org/abs/1706.08500).
    """
    mu1 = check_real_array(mu1, "mu1")
    mu2 = check_real_array(mu2, "mu2")
    sigma1 = check_real_array(sigma1, "sigma1")
    sigma2 = check_real_array(sigma2, "sigma2")
    if mu1.ndim == 0:
        mu1 = mu1.reshape(1)
    if mu2.ndim == 0:
        mu2 = mu2.reshape(1)
    if sigma1.ndim == 0:
        sigma1 = sigma1.reshape(1, 1)
    if sigma2.ndim == 0:
        sigma2 = sigma2.reshape(1, 1)
    for name, mu in (("mu1", mu1), ("mu2", mu2)):
        if mu.ndim != 1:
            raise ValueError(
                f"`{name}` must be a 1-D mean vector of shape (feature_dim,). "
                f"Received: {name}.shape={mu.shape}"
            )
    dim = mu1.shape[0]
    if mu2.shape[0] != dim:
        raise ValueError(
            "`mu1` and `mu2` must have the same feature dimension. "
            f"Received: mu1.shape={mu1.shape}, mu2.shape={mu2.shape}"
        )
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if sigma.shape != (dim, dim):
            raise ValueError(
                f"`{name}` must be a covariance matrix of shape "
                f"(feature_dim, feature_dim) = ({dim}, {dim}). "
                f"Received: {name}.shape={sigma.shape}"
            )
        asym = float(np.max(np.abs(sigma - sigma.T)))
        if asym > 1e-5 * float(np.max(np.abs(sigma))):
            raise ValueError(
                f"`{name}` must be symmetric. Received: {name} with "
                f"max |{name} - {name}.T| = {asym:.6g}"
            )

    # Symmetrising removes the round-off asymmetry that eigh would ignore.
    sigma1 = 0.5 * (sigma1 + sigma1.T)
    sigma2 = 0.5 * (sigma2 + sigma2.T)
    sqrt_sigma1 = _sqrt_psd(sigma1, "sigma1")
    _sqrt_psd(sigma2, "sigma2")  # Validates that sigma2 is PSD.
    middle = sqrt_sigma1 @ sigma2 @ sqrt_sigma1
    middle = 0.5 * (middle + middle.T)
    middle_eigvals = np.clip(np.linalg.eigvalsh(middle), 0.0, None)
    trace_sqrt = float(np.sum(np.sqrt(middle_eigvals)))

    diff = mu1 - mu2
    distance = (
        float(diff @ diff)
        + float(np.trace(sigma1))
        + float(np.trace(sigma2))
        - 2.0 * trace_sqrt
    )
    return max(distance, 0.0)


def fid_from_activations(act1, act2):
    """Computes the Fréchet distance between two sets of feature activations.

    Fits a Gaussian to each set (sample mean and unbiased sample covariance,
    `np.cov(..., rowvar=False)`, in float64) and returns
    `frechet_distance` between them. With Inception-v3 pool features of real and
    generated images this is the Fréchet Inception Distance (FID); any feature
    extractor may be used, and it is chosen by the caller.

    FID is a biased estimator: with fewer samples it is larger on average, so
    scores are only comparable when computed with equal sample counts and the
    same feature extractor (the papers typically use 10,000 or 50,000
    samples). With `num_samples <= feature_dim` the sample covariance has rank
    at most `num_samples - 1` and is singular; the distance is still defined
    and finite, but it is dominated by estimation error, and a `UserWarning`
    is issued.

    Args:
        act1: float array of shape `(num_samples1, feature_dim)`, features of the
            first set (for example real images), one row per sample.
        act2: float array of shape `(num_samples2, feature_dim)`, features of the
            second set (for example generated images).

    Returns:
        A dict with keys:
            `"fid"`: the Fréchet distance, a Python float `>= 0`.
            `"num_samples1"`, `"num_samples2"`: the row counts of `act1`, `act2`.
            `"feature_dim"`: the number of features.

    Raises:
        ValueError: if an array is not 2-D, has fewer than 2 rows, contains
            NaN or inf, or if the two feature dimensions differ.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> act = rng.normal(size=(500, 4))
    >>> result = fid_from_activations(act, act + 1.0)
    >>> round(result["fid"], 6)
    4.0
    >>> result["num_samples1"], result["feature_dim"]
    (500, 4)

    Reference:
        Heusel et al., 2017, "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium" (https://arxiv.org/abs/1706.08500).
    """
    act1 = check_real_array(act1, "act1")
    act2 = check_real_array(act2, "act2")
    for name, act in (("act1", act1), ("act2", act2)):
        if act.ndim != 2:
            raise ValueError(
                f"`{name}` must be 2-D of shape (num_samples, feature_dim). "
                f"Received: {name}.shape={act.shape}"
            )
        if act.shape[0] < 2:
            raise ValueError(
                f"`{name}` needs at least 2 samples to estimate a covariance. "
                f"Received: {name}.shape={act.shape}"
            )
    if act1.shape[1] != act2.shape[1]:
        raise ValueError(
            "`act1` and `act2` must have the same feature dimension. "
            f"Received: act1.shape={act1.shape}, act2.shape={act2.shape}"
        )
    feature_dim = act1.shape[1]
    for name, act in (("act1", act1), ("act2", act2)):
        if act.shape[0] <= feature_dim:
            warnings.warn(
                f"`{name}` has {act.shape[0]} samples for {feature_dim} features; "
                "its covariance is singular (rank <= num_samples - 1) and the "
                f"FID is dominated by estimation error. Received: "
                f"{name}.shape={act.shape}",
                UserWarning,
                stacklevel=2,
            )

    mu1 = np.mean(act1, axis=0)
    mu2 = np.mean(act2, axis=0)
    sigma1 = np.atleast_2d(np.cov(act1, rowvar=False))
    sigma2 = np.atleast_2d(np.cov(act2, rowvar=False))
    return {
        "fid": frechet_distance(mu1, sigma1, mu2, sigma2),
        "num_samples1": int(act1.shape[0]),
        "num_samples2": int(act2.shape[0]),
        "feature_dim": int(feature_dim),
    }
