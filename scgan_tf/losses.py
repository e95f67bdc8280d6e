"""Loss functions of CGAN, InfoGAN, SCGAN and SSIM-SCGAN.

Every function here is a pure function of its inputs and returns a scalar
averaged over the LOCAL batch (the batch this replica sees). Under
`tf.distribute`, the optimizer sums the replicas' gradients, so scaling these
losses by the number of replicas (or by the local/global batch ratio) is the
model's job, not this module's.

Reference:
    Li et al., "SCGAN: Disentangled Representation Learning by Adding
    Similarity Constraint on Generative Adversarial Nets", IEEE Access 2019;
    Yazdanpanah & Eslamian, "Improving SCGAN's Similarity Constraint and
    Learning a Better Disentangled Representation", arXiv 2310.12262.
"""

import numbers

import tensorflow as tf

from scgan_tf import similarity

FORMS = ("euclidean", "ssim")
PAIRS = ("all", "subsets")


def _sigmoid_ce(labels_value, logits):
    logits = tf.convert_to_tensor(logits)
    labels = tf.fill(tf.shape(logits), tf.constant(labels_value, logits.dtype))
    return tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    )


def discriminator_loss(real_logits, fake_logits):
    """Standard GAN discriminator loss with sigmoid cross-entropy.

    Real images are labelled 1 and generated images 0; the loss is the sum of
    the two mean cross-entropies.

    Args:
        real_logits: float tensor, discriminator logits on real images.
        fake_logits: float tensor, discriminator logits on generated images.

    Returns:
        Scalar float tensor.

    Example:

    >>> round(float(discriminator_loss([0.0], [0.0])), 4)  # 2 * log(2)
    1.3863

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    return _sigmoid_ce(1.0, real_logits) + _sigmoid_ce(0.0, fake_logits)


def generator_loss(fake_logits):
    """Non-saturating GAN generator loss: fakes labelled real.

    Args:
        fake_logits: float tensor, discriminator logits on generated images.

    Returns:
        Scalar float tensor, `mean(-log(sigmoid(fake_logits)))`.

    Example:

    >>> round(float(generator_loss([0.0, 0.0])), 4)  # log(2)
    0.6931

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    return _sigmoid_ce(1.0, fake_logits)


def mutual_information_loss(code_logits, codes):
    """InfoGAN's mutual-information term `-E[log Q(c | x)]` for categorical codes.

    The sparse softmax cross-entropy of Q's logits against the integer codes
    the generator was given, averaged over the batch. With several
    categorical codes (`codes` of shape `(B, n)` and logits `(B, n, K)`) the
    per-code terms are summed, as the InfoGAN bound is a sum over codes. The
    weight lambda is the caller's.

    Args:
        code_logits: float tensor `(B, K)` or `(B, n, K)`.
        codes: int tensor `(B,)` or `(B, n)` of class indices in `[0, K)`.

    Returns:
        Scalar float tensor.

    Raises:
        ValueError: if the ranks of `code_logits` and `codes` do not match.

    Example:

    >>> round(float(mutual_information_loss(tf.zeros((2, 4)), [1, 3])), 4)
    1.3863

    Reference:
        Chen et al., "InfoGAN", NeurIPS 2016.
    """
    code_logits = tf.convert_to_tensor(code_logits)
    codes = tf.convert_to_tensor(codes)
    if (
        code_logits.shape.rank is None
        or codes.shape.rank is None
        or (code_logits.shape.rank != codes.shape.rank + 1)
    ):
        raise ValueError(
            "Expected `code_logits` to have one more axis than `codes`. "
            f"Received: code_logits.shape={code_logits.shape}, "
            f"codes.shape={codes.shape}"
        )
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(codes, tf.int32), logits=code_logits
    )
    if ce.shape.rank > 1:
        ce = tf.reduce_sum(tf.reshape(ce, [tf.shape(ce)[0], -1]), axis=-1)
    return tf.reduce_mean(ce)


def wasserstein_critic_loss(real_scores, fake_scores):
    """WGAN critic loss `mean(fake_scores) - mean(real_scores)`.

    Args:
        real_scores: float tensor, critic outputs on real images.
        fake_scores: float tensor, critic outputs on generated images.

    Returns:
        Scalar float tensor.

    Example:

    >>> float(wasserstein_critic_loss([1.0, 3.0], [0.5, 0.5]))
    -1.5

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017.
    """
    return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)


def wasserstein_generator_loss(fake_scores):
    """WGAN generator loss `-mean(fake_scores)`.

    Args:
        fake_scores: float tensor, critic outputs on generated images.

    Returns:
        Scalar float tensor.

    Example:

    >>> float(wasserstein_generator_loss([1.0, 2.0]))
    -1.5

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017.
    """
    return -tf.reduce_mean(fake_scores)


def gradient_penalty(critic_fn, real, fake, epsilon):
    """WGAN-GP penalty `mean((||grad critic(x_hat)||_2 - 1)^2)`.

    `x_hat = epsilon * real + (1 - epsilon) * fake`, one interpolation weight
    per sample. The gradient norm is taken over all non-batch axes; where it
    is exactly 0 its own gradient is taken as 0 so that the penalty stays
    differentiable. The weight (10 in the paper) is the caller's. Call this
    inside the caller's `tf.GradientTape` so that the penalty can be
    differentiated with respect to the critic's weights.

    Args:
        critic_fn: callable mapping a batch of images to per-sample scores.
        real: float tensor `(B, H, W, C)` of real images.
        fake: float tensor `(B, H, W, C)` of generated images.
        epsilon: float tensor broadcastable to `real`, e.g. `(B, 1, 1, 1)`
            uniform in [0, 1].

    Returns:
        Scalar float tensor.

    Example:

    >>> x = tf.zeros((2, 3, 3, 1))
    >>> critic = lambda v: tf.reduce_sum(v, axis=[1, 2, 3]) / 3.0
    >>> float(gradient_penalty(critic, x, x, tf.fill((2, 1, 1, 1), 0.5)))
    0.0

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """
    real = tf.convert_to_tensor(real)
    fake = tf.convert_to_tensor(fake, dtype=real.dtype)
    epsilon = tf.cast(epsilon, real.dtype)
    x_hat = epsilon * real + (1.0 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        # Summing is safe: each score depends only on its own sample, so the
        # gradient of the sum is the per-sample gradient.
        total = tf.reduce_sum(critic_fn(x_hat))
    grads = tape.gradient(total, x_hat)
    norms = similarity.safe_norm(grads, axis=list(range(1, grads.shape.rank)))
    return tf.reduce_mean(tf.square(norms - 1.0))


def code_affinity(categorical, continuous, first, second):
    """Code affinity `a_ij` of each listed pair, one row per code component.

    Categorical components give 1 when the two samples share the class and 0
    otherwise; continuous components (values in [0, 1]) give
    `1 - |c_i - c_j|`. Rows are the categorical components first, then the
    continuous ones.

    Args:
        categorical: int tensor `(B, n_cat)` of class indices, `n_cat` may be
            0; None means no categorical code.
        continuous: float tensor `(B, n_cont)` in [0, 1], `n_cont` may be 0;
            None means no continuous code.
        first: int tensor `(P,)` of batch indices.
        second: int tensor `(P,)` of batch indices.

    Returns:
        float32 tensor `(n_cat + n_cont, P)`.

    Raises:
        ValueError: if a code is not rank 2.

    Example:

    >>> cat = tf.constant([[0], [0], [1]])
    >>> cont = tf.constant([[0.0], [0.25], [1.0]])
    >>> code_affinity(cat, cont, [0, 0], [1, 2]).numpy()
    array([[1.  , 0.  ],
           [0.75, 0.  ]], dtype=float32)

    Reference:
        Li et al., IEEE Access 2019, similarity constraint.
    """
    first = tf.convert_to_tensor(first)
    second = tf.convert_to_tensor(second)
    rows = []
    if categorical is not None:
        categorical = tf.convert_to_tensor(categorical)
        _check_code_rank(categorical, "categorical")
        same = tf.equal(tf.gather(categorical, first), tf.gather(categorical, second))
        rows.append(tf.transpose(tf.cast(same, tf.float32)))
    if continuous is not None:
        continuous = tf.cast(continuous, tf.float32)
        _check_code_rank(continuous, "continuous")
        gap = tf.abs(tf.gather(continuous, first) - tf.gather(continuous, second))
        rows.append(tf.transpose(1.0 - gap))
    if not rows:
        return tf.zeros(tf.stack([0, tf.size(first)]), tf.float32)
    return tf.concat(rows, axis=0)


def _check_code_rank(code, name):
    if code.shape.rank != 2:
        raise ValueError(
            f"Expected `{name}` of shape (batch, n_codes). "
            f"Received: {name}.shape={code.shape}"
        )


def _masked(terms, mask):
    if mask is None:
        return terms
    # `where`, not a product, so that a masked-out non-finite term (e.g. a
    # pair of identical images with epsilon=0) cannot turn the sum into NaN.
    return tf.where(tf.cast(mask, tf.bool), terms, tf.zeros_like(terms))


def euclidean_similarity_constraint(
    distances, affinity, batch_size, *, mask=None, epsilon=1e-5
):
    """SCGAN's similarity constraint on Euclidean distances.

    `sum over pairs p and code rows k of
    a[k, p] * d[p] + (1 - a[k, p]) / (d[p] + epsilon)`, divided by
    `batch_size * (batch_size - 1)`. That divisor follows the authors' code:
    it is twice the number of unordered pairs, so with all pairs this is half
    the mean term. It is kept with pair subsets too.

    Args:
        distances: float tensor `(P,)`, Euclidean distances of the pairs.
        affinity: float tensor `(K, P)`, see `code_affinity`.
        batch_size: int or scalar tensor, the number of generated images.
        mask: optional float tensor `(P,)`; pairs with 0 are left out.
        epsilon: added to the distance before dividing, as the authors' code.

    Returns:
        Scalar float32 tensor.

    Example:

    >>> d = tf.constant([1.0, 2.0, 4.0])
    >>> a = tf.constant([[1.0, 0.0, 0.0]])
    >>> round(float(euclidean_similarity_constraint(d, a, 3, epsilon=0.0)), 4)
    0.2917

    Reference:
        Li et al., IEEE Access 2019, section on the similarity constraint.
    """
    distances = tf.cast(distances, tf.float32)
    affinity = tf.cast(affinity, tf.float32)
    terms = affinity * distances + (1.0 - affinity) / (distances + epsilon)
    total = tf.reduce_sum(_masked(tf.reduce_sum(terms, axis=0), mask))
    batch_size = tf.cast(batch_size, tf.float32)
    return total / (batch_size * (batch_size - 1.0))


def ssim_similarity_constraint(distances, affinity, *, mask=None, margin=1.5):
    """SSIM-SCGAN's contrastive similarity constraint.

    Per pair, `sum over code rows k of
    a[k, p] * exp(d[p]) + (1 - a[k, p]) * exp(margin - d[p])` with
    `d = 1 - SSIM`; the result is the mean over pairs, or the mask-weighted
    mean when `mask` is given (0 when the mask selects no pair).

    Args:
        distances: float tensor `(P,)`, `1 - SSIM` of the pairs.
        affinity: float tensor `(K, P)`, see `code_affinity`.
        mask: optional float tensor `(P,)`; pairs with 0 are left out.
        margin: soft margin for pairs with different codes.

    Returns:
        Scalar float32 tensor.

    Example:

    >>> d = tf.constant([0.0, 1.5])
    >>> a = tf.constant([[1.0, 0.0]])
    >>> float(ssim_similarity_constraint(d, a))
    1.0

    Reference:
        Yazdanpanah & Eslamian, arXiv 2310.12262, modified constraint.
    """
    distances = tf.cast(distances, tf.float32)
    affinity = tf.cast(affinity, tf.float32)
    terms = affinity * tf.exp(distances) + (1.0 - affinity) * tf.exp(margin - distances)
    per_pair = tf.reduce_sum(terms, axis=0)
    if mask is None:
        return tf.reduce_mean(per_pair)
    mask = tf.cast(mask, tf.float32)
    return tf.math.divide_no_nan(tf.reduce_sum(per_pair * mask), tf.reduce_sum(mask))


def similarity_constraint(
    images,
    categorical,
    continuous,
    *,
    form,
    pairs="all",
    subset_sizes=(10, 18),
    seed=None,
    max_val=1.0,
    margin=1.5,
    epsilon=1e-5,
):
    """Similarity constraint of a batch of generated images and their codes.

    `form="euclidean"` is SCGAN's constraint (Euclidean distance,
    `euclidean_similarity_constraint`); `form="ssim"` is SSIM-SCGAN's
    (`1 - SSIM`, `ssim_similarity_constraint`). `pairs="all"` uses every
    pair `i < j`; `pairs="subsets"` uses `similarity.subset_pairs` with
    `subset_sizes` and `seed` (a fixed seed gives the same pairs every step,
    a per-step seed redraws them).

    Args:
        images: float tensor `(B, H, W, C)`, the generated images.
        categorical: int tensor `(B, n_cat)` or None.
        continuous: float tensor `(B, n_cont)` in [0, 1] or None.
        form: `"euclidean"` or `"ssim"`.
        pairs: `"all"` or `"subsets"`.
        subset_sizes: `(n1, n2)` for `pairs="subsets"`.
        seed: int tensor `(2,)`, required for `pairs="subsets"`.
        max_val: pixel range for SSIM (1 for [0, 1] images, 2 for [-1, 1];
            the authors' code used 1 for both).
        margin: soft margin of the SSIM form.
        epsilon: stabiliser of the Euclidean form.

    Returns:
        Scalar float32 tensor.

    Raises:
        ValueError: if `form` or `pairs` is unknown, if `pairs="subsets"`
            comes without `seed`, or if the images' batch size is not static
            where needed.

    Example:

    >>> x = tf.random.stateless_uniform((4, 12, 12, 1), seed=(1, 2))
    >>> cat = tf.constant([[0], [0], [1], [1]])
    >>> loss = similarity_constraint(x, cat, None, form="ssim")
    >>> loss.shape
    TensorShape([])

    Reference:
        Li et al., IEEE Access 2019; Yazdanpanah & Eslamian, arXiv 2310.12262.
    """
    if form not in FORMS:
        raise ValueError(
            f"Expected `form` to be one of {FORMS} ('euclidean': SCGAN, "
            f"'ssim': SSIM-SCGAN). Received: form={form!r}"
        )
    if pairs not in PAIRS:
        raise ValueError(
            f"Expected `pairs` to be one of {PAIRS}. Received: pairs={pairs!r}"
        )
    if pairs == "subsets" and seed is None:
        raise ValueError(
            "`pairs='subsets'` draws pairs statelessly and needs a `seed` "
            f"tensor of shape (2,). Received: seed={seed}"
        )
    images = tf.convert_to_tensor(images)
    static_batch = images.shape[0]
    batch_size = static_batch if static_batch is not None else tf.shape(images)[0]

    mask = None
    if pairs == "subsets":
        first, second, mask = similarity.subset_pairs(
            batch_size, subset_sizes, seed=seed
        )
    elif isinstance(static_batch, numbers.Integral):
        first, second = similarity.all_pairs(static_batch)
    else:
        # Without a static batch size the i < j pairs have no static count,
        # so use the full grid and mask out i >= j.
        grid = tf.range(batch_size)
        first, second, mask = similarity.grid_pairs(grid, grid)

    affinity = code_affinity(categorical, continuous, first, second)
    if form == "euclidean":
        distances = similarity.pair_distances(images, first, second, metric="euclidean")
        return euclidean_similarity_constraint(
            distances, affinity, batch_size, mask=mask, epsilon=epsilon
        )
    if pairs == "all":
        # Every per-image statistic is shared by the whole matrix, so one
        # matrix is cheaper than gathering pairs.
        matrix = similarity.ssim_matrix(images, max_val=max_val)
        flat_index = first * tf.cast(batch_size, first.dtype) + second
        ssim = tf.gather(tf.reshape(matrix, [-1]), flat_index)
    else:
        ssim = similarity.ssim_pairs(images, first, second, max_val=max_val)
    return ssim_similarity_constraint(1.0 - ssim, affinity, mask=mask, margin=margin)
