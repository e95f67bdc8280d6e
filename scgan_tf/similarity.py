"""Pairwise image distances and pair selection for the similarity constraints.

SCGAN's similarity constraint compares every generated image of a batch with
others; the SSIM variant compares a random selection of pairs. This module
provides the distances (Euclidean and `1 - SSIM`) and the pair selections.

`ssim_matrix` and `ssim_pairs` reproduce `tf.image.ssim` (same Gaussian
window, VALID windowing, float32 maths, mean over space then over channels),
but compute each image's local mean and second moment once and only the
cross term `E[x * y]` per pair. Because the Gaussian window is separable, the
cross terms are batched matrix products: fast eagerly and under
`tf.function(jit_compile=True)`, where XLA on CPU is slow on the depthwise
convolutions that `tf.image.ssim` uses.

Pair selections have static shapes so that they compile under XLA.

Reference:
    Li et al., "SCGAN: Disentangled Representation Learning by Adding
    Similarity Constraint on Generative Adversarial Nets", IEEE Access 2019;
    Yazdanpanah & Eslamian, "Improving SCGAN's Similarity Constraint and
    Learning a Better Disentangled Representation", arXiv 2310.12262.
"""

import numbers

import numpy as np
import tensorflow as tf

from scgan_tf.checks import check_int

METRICS = ("euclidean", "ssim")


def _gaussian_window(filter_size, filter_sigma):
    """1-D Gaussian window whose outer product is `tf.image.ssim`'s kernel.

    `tf.image.ssim` normalises `exp(g_a + g_b)` over the 2-D grid with a
    softmax; that factorises exactly into the outer product of the 1-D
    softmax of `g`, so the 2-D window equals `outer(w, w)` up to rounding.
    """
    coords = np.arange(filter_size, dtype=np.float64) - (filter_size - 1) / 2.0
    g = -0.5 * coords**2 / float(filter_sigma) ** 2
    w = np.exp(g - g.max())
    return w / w.sum()


def _band_matrix(window, size):
    """`(size - k + 1, size)` matrix applying `window` as a VALID correlation."""
    k = window.shape[0]
    out = size - k + 1
    band = np.zeros((out, size), dtype=np.float64)
    for p in range(out):
        band[p, p : p + k] = window
    return tf.constant(band, dtype=tf.float32)


def _check_ssim_args(images, max_val, filter_size, filter_sigma):
    """Converts like `tf.image.ssim` and returns `(images, max_val, bands)`."""
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4:
        raise ValueError(
            "Expected `images` of shape (batch, height, width, channels). "
            f"Received: images.shape={images.shape}"
        )
    if (
        isinstance(filter_size, bool)
        or not isinstance(filter_size, numbers.Integral)
        or filter_size < 1
    ):
        raise ValueError(
            f"Expected `filter_size` to be a positive int. "
            f"Received: filter_size={filter_size}"
        )
    if not isinstance(filter_sigma, numbers.Real) or not filter_sigma > 0:
        raise ValueError(
            f"Expected `filter_sigma` to be a positive number. "
            f"Received: filter_sigma={filter_sigma}"
        )
    height, width = images.shape[1], images.shape[2]
    if height is None or width is None or images.shape[3] is None:
        raise ValueError(
            "`images` needs static height, width and channels. "
            f"Received: images.shape={images.shape}"
        )
    # tf.image.ssim asserts the same requirement at run time; here the shape
    # is static, so fail at trace time with a clearer message.
    if height < filter_size or width < filter_size:
        raise ValueError(
            "SSIM needs images at least as large as the filter in height and "
            f"width. Received: images.shape={images.shape}, "
            f"filter_size={filter_size}"
        )
    # Same conversion as tf.image.ssim so that integer images and their
    # max_val are rescaled together.
    max_val = tf.cast(max_val, images.dtype)
    max_val = tf.image.convert_image_dtype(max_val, tf.float32)
    images = tf.image.convert_image_dtype(images, tf.float32)
    window = _gaussian_window(int(filter_size), filter_sigma)
    band_h = _band_matrix(window, height)
    band_w = _band_matrix(window, width)
    return images, max_val, band_h, band_w


def _filter(x, band_h, band_w):
    """Separable VALID Gaussian filter of `(N, H, W, C)` as two matmuls."""
    x = tf.einsum("nhwc,qw->nhqc", x, band_w)
    return tf.einsum("ph,nhqc->npqc", band_h, x)


def _ssim_map(mu_x, mu_y, sq_x, sq_y, cross, max_val, k1, k2):
    """Local SSIM from local statistics, in `tf.image.ssim`'s operation order.

    `mu_*` are local means, `sq_*` local second moments and `cross` the local
    mean of the product; all broadcast together.
    """
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    num0 = mu_x * mu_y * 2.0
    den0 = tf.square(mu_x) + tf.square(mu_y)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = cross * 2.0
    den1 = sq_x + sq_y
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return luminance * cs


def ssim_matrix(
    images, *, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03
):
    """SSIM between every pair of images in a batch.

    Entry `[i, j]` equals `tf.image.ssim(images[i], images[j], max_val,
    filter_size, filter_sigma, k1, k2)` up to float32 rounding (and its
    gradient matches too). Each image's local mean and second moment are
    computed once; the cross terms of all `B * B` pairs are batched matrix
    products over the separable Gaussian window, so the cost is dominated by
    one `(B * W', W) @ (W, B)` product per row and channel rather than by
    `B * B` image convolutions.

    Args:
        images: float tensor `(B, H, W, C)` (integer images are converted as
            `tf.image.ssim` converts them). `H`, `W`, `C` must be static and
            `H`, `W` at least `filter_size`, as `tf.image.ssim` requires.
        max_val: dynamic range of the pixel values (max minus min).
        filter_size: side of the Gaussian window.
        filter_sigma: standard deviation of the Gaussian window.
        k1: luminance stabiliser, as in `tf.image.ssim`.
        k2: contrast-structure stabiliser, as in `tf.image.ssim`.

    Returns:
        float32 tensor `(B, B)`, symmetric.

    Raises:
        ValueError: if `images` is not rank 4, has non-static spatial or
            channel dimensions, or is smaller than the filter, or if
            `filter_size` / `filter_sigma` are not positive.

    Example:

    >>> x = tf.random.stateless_uniform((3, 16, 16, 1), seed=(1, 2))
    >>> s = ssim_matrix(x)
    >>> s.shape
    TensorShape([3, 3])
    >>> bool(abs(float(s[0, 0]) - 1.0) < 1e-5)
    True

    Reference:
        Yazdanpanah & Eslamian, arXiv 2310.12262 (SSIM similarity constraint).
    """
    images, max_val, band_h, band_w = _check_ssim_args(
        images, max_val, filter_size, filter_sigma
    )
    mu = _filter(images, band_h, band_w)  # (B, H', W', C)
    sq = _filter(tf.square(images), band_h, band_w)

    # Cross term E[i, j, p, q, c] = sum_{h, w} Gh[p, h] Gw[q, w] X_i X_j. Lay
    # the images out as (H, C, B, W) so that the width filter and the product
    # are one batched matmul over (h, c), then filter the height with one
    # matmul. The big tensor stays in (p, c, i, q, j) order; the (small)
    # per-image statistics are transposed to match it instead.
    x = tf.transpose(images, [1, 3, 0, 2])  # (H, C, B, W)
    x_shape = tf.shape(x)
    h, c, w = images.shape[1], images.shape[3], images.shape[2]
    w_out = band_w.shape[0]
    h_out = band_h.shape[0]
    b = x_shape[2]
    weighted = x[:, :, :, None, :] * band_w  # (H, C, B, W', W)
    weighted = tf.reshape(weighted, [h, c, b * w_out, w])
    cross = tf.matmul(weighted, x, transpose_b=True)  # (H, C, B*W', B)
    cross = tf.reshape(cross, [h, -1])
    cross = tf.matmul(band_h, cross)  # (H', C*B*W'*B)
    cross = tf.reshape(cross, [h_out, c, b, w_out, b])

    mu_t = tf.transpose(mu, [1, 3, 0, 2])  # (H', C, B, W')
    sq_t = tf.transpose(sq, [1, 3, 0, 2])
    ssim_map = _ssim_map(
        mu_t[..., None],
        tf.transpose(mu_t, [0, 1, 3, 2])[:, :, None, :, :],
        sq_t[..., None],
        tf.transpose(sq_t, [0, 1, 3, 2])[:, :, None, :, :],
        cross,
        max_val,
        k1,
        k2,
    )
    # tf.image.ssim averages over space per channel, then over channels.
    per_channel = tf.reduce_mean(ssim_map, axis=[0, 3])  # (C, B, B)
    return tf.reduce_mean(per_channel, axis=0)


def ssim_pairs(
    images,
    first,
    second,
    *,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
):
    """SSIM of the listed pairs of images.

    `result[p]` equals `tf.image.ssim(images[first[p]], images[second[p]],
    ...)` up to float32 rounding. Local means and second moments are computed
    once per image and gathered; only the cross term is computed per pair,
    as separable matrix products.

    Args:
        images: float tensor `(B, H, W, C)`; see `ssim_matrix`.
        first: int tensor `(P,)` of indices into the batch.
        second: int tensor `(P,)` of indices into the batch.
        max_val: dynamic range of the pixel values (max minus min).
        filter_size: side of the Gaussian window.
        filter_sigma: standard deviation of the Gaussian window.
        k1: luminance stabiliser.
        k2: contrast-structure stabiliser.

    Returns:
        float32 tensor `(P,)`.

    Raises:
        ValueError: as `ssim_matrix`.

    Example:

    >>> x = tf.random.stateless_uniform((4, 16, 16, 3), seed=(1, 2))
    >>> ssim_pairs(x, [0, 1], [2, 1]).shape
    TensorShape([2])

    Reference:
        Yazdanpanah & Eslamian, arXiv 2310.12262 (SSIM similarity constraint).
    """
    images, max_val, band_h, band_w = _check_ssim_args(
        images, max_val, filter_size, filter_sigma
    )
    first = tf.convert_to_tensor(first)
    second = tf.convert_to_tensor(second)
    mu = _filter(images, band_h, band_w)
    sq = _filter(tf.square(images), band_h, band_w)
    products = tf.gather(images, first) * tf.gather(images, second)
    cross = _filter(products, band_h, band_w)  # (P, H', W', C)
    ssim_map = _ssim_map(
        tf.gather(mu, first),
        tf.gather(mu, second),
        tf.gather(sq, first),
        tf.gather(sq, second),
        cross,
        max_val,
        k1,
        k2,
    )
    per_channel = tf.reduce_mean(ssim_map, axis=[1, 2])  # (P, C)
    return tf.reduce_mean(per_channel, axis=-1)


def safe_norm(x, axis):
    """Euclidean norm whose gradient is 0 (not NaN) where the norm is 0.

    `sqrt` has an infinite derivative at 0, so `tf.norm` of a zero vector
    back-propagates NaN. Substituting 1 under the square root where the sum
    of squares is 0 keeps both branches finite; the value is exact and the
    gradient at 0 is the zero subgradient.

    Args:
        x: float tensor.
        axis: axes to reduce over.

    Returns:
        The norm over `axis`.
    """
    squared = tf.reduce_sum(tf.square(x), axis=axis)
    positive = squared > 0.0
    root = tf.sqrt(tf.where(positive, squared, tf.ones_like(squared)))
    return tf.where(positive, root, tf.zeros_like(root))


def pair_distances(images, first, second, *, metric="euclidean", max_val=1.0):
    """Distances between the listed pairs of images.

    Args:
        images: float tensor `(B, H, W, C)`.
        first: int tensor `(P,)` of indices into the batch.
        second: int tensor `(P,)` of indices into the batch.
        metric: `"euclidean"`: L2 norm of `images[i] - images[j]` over all
            pixels and channels; its gradient is taken as 0 when two images
            are identical (where the norm has no derivative), so it stays
            finite. `"ssim"`: `1 - SSIM` with `tf.image.ssim`'s default window.
        max_val: dynamic range of the pixels, used by `"ssim"` only.

    Returns:
        float32 tensor `(P,)`.

    Raises:
        ValueError: if `metric` is not one of `"euclidean"`, `"ssim"`.

    Example:

    >>> x = tf.stack([tf.zeros((2, 2, 1)), tf.fill((2, 2, 1), 1.5)])
    >>> pair_distances(x, [0], [1]).numpy()
    array([3.], dtype=float32)

    Reference:
        Li et al., IEEE Access 2019 (Euclidean); Yazdanpanah & Eslamian,
        arXiv 2310.12262 (SSIM).
    """
    if metric not in METRICS:
        raise ValueError(
            f"Expected `metric` to be one of {METRICS}. Received: metric={metric!r}"
        )
    if metric == "ssim":
        return 1.0 - ssim_pairs(images, first, second, max_val=max_val)
    images = tf.convert_to_tensor(images)
    if not images.dtype.is_floating:
        images = tf.cast(images, tf.float32)
    diff = tf.gather(images, first) - tf.gather(images, second)
    rank = images.shape.rank
    if rank is None:
        raise ValueError(
            f"Expected `images` with a known rank. Received: images={images}"
        )
    return safe_norm(diff, axis=list(range(1, rank)))


def all_pairs(batch_size):
    """All unordered pairs `(i, j)`, `i < j`, of a batch, as constants.

    Args:
        batch_size: static batch size, a Python int >= 2.

    Returns:
        `(first, second)`: int32 tensors of shape `(B * (B - 1) / 2,)` in
        row-major order (`(0, 1), (0, 2), ..., (1, 2), ...`).

    Raises:
        ValueError: if `batch_size` is not an int >= 2.

    Example:

    >>> first, second = all_pairs(3)
    >>> first.numpy(), second.numpy()
    (array([0, 0, 1], dtype=int32), array([1, 2, 2], dtype=int32))

    Reference:
        Li et al., IEEE Access 2019, similarity constraint over all pairs.
    """
    batch_size = check_int(batch_size, "batch_size", 2)
    first, second = np.triu_indices(batch_size, k=1)
    return (
        tf.constant(first, dtype=tf.int32),
        tf.constant(second, dtype=tf.int32),
    )


def grid_pairs(rows, columns):
    """The `len(rows) * len(columns)` grid of pairs and its `i < j` mask.

    Args:
        rows: int32 tensor `(n1,)` of batch indices.
        columns: int32 tensor `(n2,)` of batch indices.

    Returns:
        `(first, second, mask)`: `first[k] = rows[k // n2]`,
        `second[k] = columns[k % n2]`, and float32 `mask` = 1 where
        `first < second` else 0.
    """
    rows = tf.convert_to_tensor(rows, dtype=tf.int32)
    columns = tf.convert_to_tensor(columns, dtype=tf.int32)
    first = tf.reshape(rows[:, None] + tf.zeros_like(columns)[None, :], [-1])
    second = tf.reshape(tf.zeros_like(rows)[:, None] + columns[None, :], [-1])
    mask = tf.cast(first < second, tf.float32)
    return first, second, mask


def subset_pairs(batch_size, subset_sizes=(10, 18), seed=None):
    """Pairs between two random subsets of a batch, as the SSIM variant uses.

    Draws `R1` of `n1` distinct batch indices and an independent `R2` of `n2`
    distinct indices, and returns the `n1 * n2` grid of pairs `(i, j)`,
    `i in R1`, `j in R2`, with a mask selecting `i < j` as in the authors'
    code (each unordered pair then appears at most once). Draws are stateless:
    the same `seed` gives the same pairs, so the caller chooses between one
    draw per run (fixed seed, as the authors' TF1 graph) and one per step
    (seed derived from the step).

    Args:
        batch_size: batch size, a Python int or a scalar int tensor.
        subset_sizes: `(n1, n2)`, static ints in `[1, batch_size]`.
        seed: int32/int64 tensor of shape `(2,)`, as for
            `tf.random.stateless_uniform`.

    Returns:
        `(first, second, mask)`: int32 `(n1 * n2,)`, int32 `(n1 * n2,)` and
        float32 `(n1 * n2,)`.

    Raises:
        ValueError: if `subset_sizes` is not two ints in `[1, batch_size]`
            (checked against `batch_size` when it is static), or if `seed`
            is None.

    Example:

    >>> first, second, mask = subset_pairs(32, (10, 18), seed=[1, 2])
    >>> first.shape, mask.shape
    (TensorShape([180]), TensorShape([180]))

    Reference:
        Yazdanpanah & Eslamian, arXiv 2310.12262 (pair subsets R1, R2).
    """
    sizes = tuple(subset_sizes) if isinstance(subset_sizes, list | tuple) else ()
    if len(sizes) != 2 or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1
        for n in sizes
    ):
        raise ValueError(
            "Expected `subset_sizes` to be two ints >= 1. "
            f"Received: subset_sizes={subset_sizes}"
        )
    static_batch = tf.get_static_value(batch_size)
    if static_batch is not None:
        static_batch = int(static_batch)
        if max(sizes) > static_batch:
            raise ValueError(
                "Expected `subset_sizes` no larger than `batch_size`="
                f"{static_batch}. Received: subset_sizes={subset_sizes}"
            )
        batch_size = static_batch
    if seed is None:
        raise ValueError(
            "`subset_pairs` draws statelessly and needs a `seed` of shape (2,). "
            f"Received: seed={seed}"
        )
    n1, n2 = (int(n) for n in sizes)
    # Sorting one row of independent random keys gives a uniformly random
    # permutation, whose head is a draw without replacement; the two rows
    # give independent subsets.
    keys = _hash_keys(seed, 2 * batch_size)
    order = tf.argsort(tf.reshape(keys, [2, batch_size]), axis=-1, stable=True)
    order = tf.cast(order, tf.int32)
    return grid_pairs(order[0, :n1], order[1, :n2])


def _fmix32(h):
    """MurmurHash3's 32-bit finaliser: a bijective, well-mixing uint32 hash."""
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))
    h = h * tf.constant(0x85EBCA6B, tf.uint32)
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 13))
    h = h * tf.constant(0xC2B2AE35, tf.uint32)
    return tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))


def _hash_keys(seed, count):
    """`count` pseudo-random int64 keys from a `(2,)` seed.

    `tf.random.stateless_uniform` draws different numbers under
    `jit_compile=True` on CPU than eagerly for the same seed (XLA's Philox
    differs from TensorFlow's kernel), so the pairs would depend on whether
    the step is compiled. A counter-based integer hash built from plain
    uint32 arithmetic is bit-identical in both.
    """
    seed = tf.cast(tf.convert_to_tensor(seed), tf.int64)
    seed.shape.assert_is_compatible_with([2])
    low = tf.cast(tf.bitwise.bitwise_and(seed, 0xFFFFFFFF), tf.uint32)
    high = tf.cast(
        tf.bitwise.bitwise_and(tf.bitwise.right_shift(seed, 32), 0xFFFFFFFF),
        tf.uint32,
    )
    golden = tf.constant(0x9E3779B9, tf.uint32)
    mixed = _fmix32(tf.bitwise.bitwise_xor(low, _fmix32(high + golden)))
    counter = tf.cast(tf.range(count), tf.uint32)
    keys = _fmix32(
        tf.bitwise.bitwise_xor(_fmix32(mixed[0] + golden * (counter + 1)), mixed[1])
    )
    return tf.cast(keys, tf.int64)
