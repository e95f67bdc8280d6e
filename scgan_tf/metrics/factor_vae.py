"""FactorVAE disentanglement score (Kim & Mnih 2018), as in disentanglement_lib."""

import numbers

import numpy as np

from scgan_tf.checks import check_int, check_random_state

# Votes whose mini-batches are represented together in one `representation_fn`
# call: 16 x 64 = 1024 images, so a Keras encoder is not called 10,000 times.
_VOTES_PER_CALL = 16


def _check_votes(votes):
    votes = np.asarray(votes)
    if (
        votes.ndim != 2
        or votes.size == 0
        or not np.issubdtype(votes.dtype, np.integer)
        or np.any(votes < 0)
    ):
        raise ValueError(
            "`votes` must be a non-empty 2-D array of non-negative integer counts "
            f"(num_factors, num_dims). Received: votes={votes!r}"
        )
    return votes


def majority_vote_classifier(votes):
    """Maps each representation dimension to the factor with the most votes.

    Args:
        votes: integer array `(num_factors, num_dims)`; `votes[k, d]` counts the
            training points with fixed factor `k` whose normalised variance was
            smallest in dimension `d`.

    Returns:
        `int64` array `(num_dims,)`: the predicted factor of each dimension. Ties
        go to the lowest factor index; a dimension without votes maps to factor
        0 (it never receives a vote, so this does not affect accuracy).

    Raises:
        ValueError: if `votes` is not a 2-D array of non-negative integers.

    Example:

    >>> majority_vote_classifier([[5, 0, 1], [2, 3, 1]]).tolist()
    [0, 1, 0]

    Reference:
        Kim & Mnih 2018, "Disentangling by Factorising".
    """
    votes = _check_votes(votes)
    return np.argmax(votes, axis=0).astype(np.int64)


def vote_accuracy(votes, classifier):
    """Fraction of votes that the majority-vote classifier predicts correctly.

    A vote `(k, d)` is correct when `classifier[d] == k`, so the accuracy is
    `sum_d votes[classifier[d], d] / sum(votes)`.

    Args:
        votes: integer array `(num_factors, num_dims)` of vote counts.
        classifier: integer array `(num_dims,)` with values in
            `[0, num_factors)`, e.g. from `majority_vote_classifier`.

    Returns:
        Accuracy as a Python `float` in `[0, 1]`.

    Raises:
        ValueError: if the shapes disagree, a class is out of range, or there
            are no votes.

    Example:

    >>> votes = [[5, 0, 1], [2, 3, 1]]
    >>> vote_accuracy(votes, majority_vote_classifier(votes))
    0.75

    Reference:
        Kim & Mnih 2018, "Disentangling by Factorising".
    """
    votes = _check_votes(votes)
    classifier = np.asarray(classifier)
    if (
        classifier.shape != (votes.shape[1],)
        or not np.issubdtype(classifier.dtype, np.integer)
        or np.any(classifier < 0)
        or np.any(classifier >= votes.shape[0])
    ):
        raise ValueError(
            f"`classifier` must be integers in [0, {votes.shape[0]}) of shape "
            f"({votes.shape[1]},). Received: classifier={classifier!r}"
        )
    total = votes.sum()
    if total == 0:
        raise ValueError(f"`votes` holds no votes. Received: votes={votes!r}")
    correct = votes[classifier, np.arange(votes.shape[1])].sum()
    return float(correct / total)


def active_dimensions(variances, prune_threshold=0.05):
    """Mask of dimensions whose standard deviation reaches `prune_threshold`.

    This is disentanglement_lib's rule: `sqrt(variance) >= prune_threshold`, an
    absolute threshold on the standard deviation (not relative to the largest
    variance). It prunes dimensions collapsed to a constant; a representation
    whose useful dimensions have a standard deviation below the threshold must
    be rescaled (or the threshold lowered).

    Args:
        variances: float array `(num_dims,)` of non-negative variances.
        prune_threshold: non-negative float.

    Returns:
        Boolean array `(num_dims,)`.

    Example:

    >>> active_dimensions([1.0, 0.0025, 0.002]).tolist()
    [True, True, False]
    """
    variances = np.asarray(variances, dtype=np.float64)
    return np.sqrt(variances) >= prune_threshold


def _represent(representation_fn, observations, name):
    representation = np.asarray(representation_fn(observations))
    if representation.ndim != 2 or representation.shape[0] != len(observations):
        raise ValueError(
            f"`representation_fn` must return an array of shape ({len(observations)}"
            f", num_dims) for the {name}. Received: shape={representation.shape}"
        )
    return representation.astype(np.float64)


def _global_variances(data, representation_fn, num, rng, chunk=1024):
    factors = data.sample_factors(num, rng)
    representations = []
    for start in range(0, num, chunk):
        observations = data.sample_observations_from_factors(
            factors[start : start + chunk], rng
        )
        representations.append(
            _represent(representation_fn, observations, "variance estimate")
        )
    return np.var(np.concatenate(representations), axis=0, ddof=1)


def _generate_votes(
    data, representation_fn, batch_size, num_points, rng, global_variances, active
):
    """Returns the `(num_factors, num_dims)` vote matrix of `num_points` votes."""
    active_index = np.flatnonzero(active)
    votes = np.zeros((data.num_factors, global_variances.size), dtype=np.int64)
    done = 0
    while done < num_points:
        group = min(_VOTES_PER_CALL, num_points - done)
        fixed = rng.integers(0, data.num_factors, size=group)
        factors = data.sample_factors(group * batch_size, rng)
        factors = factors.reshape(group, batch_size, data.num_factors)
        # Every point of a mini-batch shares the first point's value of factor k.
        factors[np.arange(group), :, fixed] = factors[np.arange(group), :1, fixed]
        observations = data.sample_observations_from_factors(
            factors.reshape(group * batch_size, data.num_factors), rng
        )
        representations = _represent(representation_fn, observations, "votes")
        representations = representations.reshape(group, batch_size, -1)
        if representations.shape[2] != global_variances.size:
            raise ValueError(
                "`representation_fn` must return the same number of dimensions "
                f"every call. Received: {representations.shape[2]} and "
                f"{global_variances.size}"
            )
        local_variances = np.var(representations, axis=1, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = local_variances[:, active] / global_variances[active]
        chosen = active_index[np.argmin(ratios, axis=1)]
        np.add.at(votes, (fixed, chosen), 1)
        done += group
    return votes


def factor_vae_score(
    ground_truth_data,
    representation_fn,
    random_state,
    *,
    batch_size=64,
    num_train=10000,
    num_eval=5000,
    num_variance_estimate=10000,
    prune_threshold=0.05,
):
    """Computes the FactorVAE disentanglement score of a representation.

    The procedure of Kim & Mnih (2018), following disentanglement_lib:

    1. Global variances: represent `num_variance_estimate` random observations
       and take each dimension's variance (`ddof=1`).
    2. Active dimensions: `sqrt(variance) >= prune_threshold` (an absolute
       threshold on the standard deviation, see `active_dimensions`).
    3. A vote: draw a factor `k` uniformly, draw `batch_size` factor vectors,
       set factor `k` of all of them to the first vector's value, observe and
       represent them. Over the active dimensions, divide each dimension's
       variance in this batch (`ddof=1`) by its global variance; the dimension
       with the smallest ratio (`np.argmin`: first one on ties) receives a vote
       for factor `k`.
    4. `num_train` votes give the vote matrix; the majority-vote classifier maps
       each dimension to its most-voted factor (`majority_vote_classifier`).
       `train_accuracy` is its accuracy on these votes, `eval_accuracy` its
       accuracy on `num_eval` fresh votes (`vote_accuracy`).

    If no dimension is active both accuracies are 0. Differences from
    disentanglement_lib that do not change the accuracies: votes are recorded in
    the original dimension's column (disentanglement_lib uses the position
    among active dimensions, which only relabels columns), `num_active_dims` is
    the number of active dimensions (disentanglement_lib reports the total), and
    the mini-batches of up to 16 votes are represented in one call.

    Caveats: `train_accuracy` is optimistic (the classifier is fitted on those
    votes); a representation independent of the factors scores about
    `1 / num_factors` on `eval_accuracy` (more on `train_accuracy` when
    `num_train` is small compared with `num_factors * num_dims`). Factors that
    are not identifiable from the observation (orientation of a symmetric
    sprite) cap the score below 1 for any encoder. The prune threshold assumes a
    representation of roughly unit scale (a VAE mean, a GAN code in `[-1, 1]`);
    standardise other representations first. With `prune_threshold=0`, a
    constant dimension is active and its ratio is NaN; NaN counts as the
    minimum, as in `np.argmin`.

    Args:
        ground_truth_data: a `scgan_tf.data.GroundTruthData`.
        representation_fn: callable mapping observations `(batch,) +
            observation_shape` to a representation array `(batch, num_dims)`
            (NumPy or anything `np.asarray` accepts).
        random_state: `np.random.Generator` or integer seed; all sampling uses it.
        batch_size: observations per vote, `>= 2`.
        num_train: number of training votes, `>= 1`.
        num_eval: number of evaluation votes, `>= 1`.
        num_variance_estimate: observations for the global variances, `>= 2`.
        prune_threshold: minimum standard deviation of an active dimension.

    Returns:
        Dict with `train_accuracy` and `eval_accuracy` (floats), `num_active_dims`
        (int), `active_dims` (bool array `(num_dims,)`), `global_variances`
        (float array `(num_dims,)`), `train_votes` and `eval_votes` (int arrays
        `(num_factors, num_dims)`) and `classifier` (int array `(num_dims,)`).
        When no dimension is active no vote is cast: the vote matrices are zero
        and the classifier is -1 everywhere.

    Raises:
        ValueError: on invalid arguments or a representation of the wrong shape.

    Example:

    >>> from scgan_tf.data.sprites import ProceduralSprites
    >>> data = ProceduralSprites()
    >>> constant = lambda x: np.zeros((len(x), 3))
    >>> factor_vae_score(data, constant, 0, num_train=2, num_eval=2,
    ...                  num_variance_estimate=8)["eval_accuracy"]
    0.0

    Reference:
        Kim & Mnih 2018, "Disentangling by Factorising" (arXiv:1802.05983);
        Locatello et al. 2019 (disentanglement_lib).
    """
    rng = check_random_state(random_state)
    batch_size = check_int(batch_size, "batch_size", 2)
    num_train = check_int(num_train, "num_train", 1)
    num_eval = check_int(num_eval, "num_eval", 1)
    num_variance_estimate = check_int(num_variance_estimate, "num_variance_estimate", 2)
    if (
        not isinstance(prune_threshold, numbers.Real)
        or not np.isfinite(prune_threshold)
        or prune_threshold < 0
    ):
        raise ValueError(
            "`prune_threshold` must be a finite number >= 0. "
            f"Received: prune_threshold={prune_threshold!r}"
        )
    if not callable(representation_fn):
        raise ValueError(
            "`representation_fn` must be callable. "
            f"Received: representation_fn={representation_fn!r}"
        )

    global_variances = _global_variances(
        ground_truth_data, representation_fn, num_variance_estimate, rng
    )
    active = active_dimensions(global_variances, prune_threshold)
    if not active.any():
        no_votes = np.zeros(
            (ground_truth_data.num_factors, global_variances.size), dtype=np.int64
        )
        return {
            "train_accuracy": 0.0,
            "eval_accuracy": 0.0,
            "num_active_dims": 0,
            "active_dims": active,
            "global_variances": global_variances,
            "train_votes": no_votes,
            "eval_votes": no_votes.copy(),
            "classifier": np.full(global_variances.size, -1, dtype=np.int64),
        }
    train_votes = _generate_votes(
        ground_truth_data,
        representation_fn,
        batch_size,
        num_train,
        rng,
        global_variances,
        active,
    )
    classifier = majority_vote_classifier(train_votes)
    eval_votes = _generate_votes(
        ground_truth_data,
        representation_fn,
        batch_size,
        num_eval,
        rng,
        global_variances,
        active,
    )
    return {
        "train_accuracy": vote_accuracy(train_votes, classifier),
        "eval_accuracy": vote_accuracy(eval_votes, classifier),
        "num_active_dims": int(active.sum()),
        "active_dims": active,
        "global_variances": global_variances,
        "train_votes": train_votes,
        "eval_votes": eval_votes,
        "classifier": classifier,
    }
