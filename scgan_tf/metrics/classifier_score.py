"""Inception-Score-style classifier score from class logits."""

import numbers

import numpy as np


def _logsumexp(a, axis):
    peak = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(peak, axis=axis) + np.log(np.sum(np.exp(a - peak), axis=axis))


def classifier_score(logits, num_splits=10):
    """Computes the Inception-Score-style classifier score from logits.

    With `p(y|x) = softmax(logits)` for each sample and `p(y)` the mean of
    `p(y|x)` over a split, the score of the split is
    `exp(E_x KL(p(y|x) || p(y)))`. The samples are cut into `num_splits`
    contiguous splits of (nearly) equal size (`np.array_split`), and the mean and
    standard deviation (`ddof=0`) of the per-split scores are returned. The
    softmax is computed in float64 in log space, so very large logits are safe.

    The score lies in `[1, num_classes]`: 1 when every prediction equals the
    marginal (for example all uniform), `num_classes` when every prediction is
    confident and the classes are used equally often. It depends on the
    classifier (Inception-v3 for the Inception Score, a domain classifier for
    MNIST-like data), which the caller supplies, and on the split size, so
    compare scores computed with the same classifier, sample count and
    `num_splits`. It ignores the real data, so it rewards neither diversity
    within a class nor closeness to the data distribution.

    Args:
        logits: float array of shape `(num_samples, num_classes)`, unnormalised
            class scores. Log-probabilities are valid logits; clip zero
            probabilities before taking the log.
        num_splits: int, `1 <= num_splits <= num_samples`, the number of splits.

    Returns:
        A dict with keys:
            `"score_mean"`: mean of the per-split scores (Python float).
            `"score_std"`: their standard deviation (Python float).
            `"num_splits"`, `"num_samples"`: the values used.

    Raises:
        ValueError: if `logits` is not a 2-D real array with at least 2 classes
            and one row, contains NaN or inf, or if `num_splits` is not an
            integer in `[1, num_samples]`.

    Example:

    >>> import numpy as np
    >>> confident = 50.0 * np.eye(4)[np.tile(np.arange(4), 5)]
    >>> result = classifier_score(confident, num_splits=5)
    >>> round(result["score_mean"], 6), round(result["score_std"], 6)
    (4.0, 0.0)
    >>> classifier_score(np.zeros((8, 3)), num_splits=2)["score_mean"]
    1.0

    Reference:
        Salimans et al., 2016, "Improved Techniques for Training GANs"
        (https://arxiv.org/abs/1606.03498).
    """
    arr = np.asarray(logits)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(
            f"`logits` must be a real numeric array. Received: logits.dtype={arr.dtype}"
        )
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 2:
        raise ValueError(
            "`logits` must be 2-D of shape (num_samples, num_classes) with at "
            f"least one sample and two classes. Received: logits.shape={arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            "`logits` must contain only finite values (no NaN or inf). "
            f"Received: logits with {int(np.sum(~np.isfinite(arr)))} non-finite "
            f"entries, logits.shape={arr.shape}"
        )
    num_samples = arr.shape[0]
    if (
        isinstance(num_splits, bool)
        or not isinstance(num_splits, numbers.Integral)
        or not 1 <= num_splits <= num_samples
    ):
        raise ValueError(
            f"`num_splits` must be an integer in [1, num_samples={num_samples}]. "
            f"Received: num_splits={num_splits!r}, logits.shape={arr.shape}"
        )

    log_probs = arr - _logsumexp(arr, axis=1)[:, None]
    scores = []
    for part in np.array_split(log_probs, int(num_splits), axis=0):
        # log p(y) from log-probabilities, so a class no sample favours still
        # has a finite log-marginal.
        log_marginal = _logsumexp(part, axis=0) - np.log(part.shape[0])
        kl = np.sum(np.exp(part) * (part - log_marginal[None, :]), axis=1)
        # The mean KL divergence is >= 0; clipping removes round-off only.
        scores.append(np.exp(max(float(np.mean(kl)), 0.0)))
    scores = np.asarray(scores)
    return {
        "score_mean": float(np.mean(scores)),
        "score_std": float(np.std(scores)),
        "num_splits": int(num_splits),
        "num_samples": int(num_samples),
    }
