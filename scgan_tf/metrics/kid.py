"""Kernel Inception Distance: unbiased MMD^2 with a cubic polynomial kernel."""

import numpy as np

from scgan_tf.checks import check_int, check_random_state, check_real_array


def _unbiased_mmd2(x, y):
    """Unbiased MMD^2 of two equal-size sets under k(a, b) = (a.b / d + 1)^3."""
    m, dim = x.shape
    k_xx = (x @ x.T / dim + 1.0) ** 3
    k_yy = (y @ y.T / dim + 1.0) ** 3
    k_xy = (x @ y.T / dim + 1.0) ** 3
    within = (np.sum(k_xx) - np.trace(k_xx) + np.sum(k_yy) - np.trace(k_yy)) / (
        m * (m - 1)
    )
    return within - 2.0 * np.sum(k_xy) / (m * m)


def kid_from_activations(act1, act2, num_subsets=100, subset_size=1000, random_state=0):
    """Computes the Kernel Inception Distance between two sets of activations.

    KID is the squared maximum mean discrepancy (MMD^2) between the two feature
    distributions under the cubic polynomial kernel
    `k(x, y) = (x . y / feature_dim + 1)^3`. For each of `num_subsets` rounds,
    `subset_size` rows are drawn without replacement from each set
    independently, and the unbiased MMD^2 estimate is computed on them (the
    within-set kernel sums exclude the diagonal). The mean and the standard
    deviation (`ddof=0`) over the rounds are returned.

    Unlike FID the estimate is unbiased, so its expectation does not depend on
    the sample size, but each subset value may be negative when the two
    distributions are close; small subsets give a noisier estimate (larger
    `kid_std`). Compare KIDs computed with the same feature extractor and
    `subset_size`. The feature extractor is chosen by the caller.

    A `subset_size` larger than either sample count is an error, not a silent
    clamp; pass `subset_size=min(len(act1), len(act2))` to use every sample
    in each round (then all rounds give the same value and `kid_std` is 0).

    Args:
        act1: float array of shape `(num_samples1, feature_dim)`, features of the
            first set (for example real images).
        act2: float array of shape `(num_samples2, feature_dim)`, features of the
            second set (for example generated images).
        num_subsets: int `>= 1`, the number of random subsets.
        subset_size: int `>= 2`, rows drawn from each set per subset; at most
            `min(num_samples1, num_samples2)`.
        random_state: int seed or `np.random.Generator` used to draw the
            subsets.

    Returns:
        A dict with keys:
            `"kid_mean"`: mean of the per-subset MMD^2 values (Python float).
            `"kid_std"`: their standard deviation (Python float).
            `"num_subsets"`, `"subset_size"`: the values used.

    Raises:
        ValueError: if an activation array is not 2-D, contains NaN or inf, or
            the feature dimensions differ; if `num_subsets` or `subset_size` is
            not an integer in range, or `subset_size` exceeds a sample count;
            or if `random_state` is neither an int nor a `np.random.Generator`.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(200, 8))
    >>> fake = rng.normal(loc=1.0, size=(200, 8))
    >>> result = kid_from_activations(real, fake, num_subsets=10, subset_size=100)
    >>> result["kid_mean"] > 0.5, result["subset_size"]
    (True, 100)

    Reference:
        Binkowski et al., 2018, "Demystifying MMD GANs"
        (https://arxiv.org/abs/1801.01401).
    """
    act1 = check_real_array(act1, "act1", ndim=2)
    act2 = check_real_array(act2, "act2", ndim=2)
    if act1.shape[1] != act2.shape[1]:
        raise ValueError(
            "`act1` and `act2` must have the same feature dimension. "
            f"Received: act1.shape={act1.shape}, act2.shape={act2.shape}"
        )
    num_subsets = check_int(num_subsets, "num_subsets", 1)
    subset_size = check_int(subset_size, "subset_size", 2)
    n1, n2 = act1.shape[0], act2.shape[0]
    if subset_size > min(n1, n2):
        raise ValueError(
            "`subset_size` must not exceed the number of samples in either set "
            f"(here {min(n1, n2)}); pass subset_size={min(n1, n2)} or more "
            f"samples. Received: subset_size={subset_size}, "
            f"act1.shape={act1.shape}, act2.shape={act2.shape}"
        )
    rng = check_random_state(random_state)

    values = np.empty(num_subsets, dtype=np.float64)
    for i in range(num_subsets):
        idx1 = rng.choice(n1, size=subset_size, replace=False)
        idx2 = rng.choice(n2, size=subset_size, replace=False)
        values[i] = _unbiased_mmd2(act1[idx1], act2[idx2])
    return {
        "kid_mean": float(np.mean(values)),
        "kid_std": float(np.std(values)),
        "num_subsets": num_subsets,
        "subset_size": subset_size,
    }
