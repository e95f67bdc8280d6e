"""Tests for scgan_tf.similarity against tf.image.ssim and plain loops."""

import numpy as np
import pytest
import tensorflow as tf

from scgan_tf import similarity

# (shape, max_val): square grey, square colour, non-square.
CASES = [
    ((5, 28, 28, 1), 1.0),
    ((5, 28, 28, 1), 2.0),
    ((5, 32, 32, 3), 1.0),
    ((5, 32, 32, 3), 2.0),
    ((4, 16, 23, 2), 1.0),
    ((4, 16, 23, 2), 2.0),
]


def _images(shape, max_val, seed=0):
    """Images in [0, max_val] with flat regions (as GAN outputs have)."""
    x = tf.random.stateless_uniform(shape, seed=(seed, 1)) * max_val
    # Flat black and saturated regions stress the variance cancellation.
    x = tf.where(x < 0.2 * max_val, 0.0, x)
    return tf.where(x > 0.9 * max_val, max_val, x)


def _loop_ssim_matrix(x, max_val, **kwargs):
    """Reference: one tf.image.ssim call per ordered pair."""
    b = x.shape[0]
    rows = []
    for i in range(b):
        rows.append(
            tf.stack([tf.image.ssim(x[i], x[j], max_val, **kwargs) for j in range(b)])
        )
    return tf.stack(rows)


def _weights(b, seed=5):
    return tf.random.stateless_normal((b, b), seed=(seed, 2))


def _value_and_grad(fn, x, w):
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(w * fn(x))
    return loss, tf.convert_to_tensor(tape.gradient(loss, x))


@pytest.mark.parametrize("shape,max_val", CASES)
def test_ssim_matrix_matches_tf_image_ssim(shape, max_val):
    x = _images(shape, max_val)
    got = similarity.ssim_matrix(x, max_val=max_val)
    want = _loop_ssim_matrix(x, max_val)
    assert got.shape == (shape[0], shape[0])
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


@pytest.mark.parametrize("shape,max_val", CASES)
def test_ssim_matrix_gradient_matches_tf_image_ssim(shape, max_val):
    x = _images(shape, max_val, seed=1)
    w = _weights(shape[0])
    _, got = _value_and_grad(lambda v: similarity.ssim_matrix(v, max_val=max_val), x, w)
    _, want = _value_and_grad(lambda v: _loop_ssim_matrix(v, max_val), x, w)
    scale = float(tf.reduce_max(tf.abs(want)))
    assert scale > 1e-4
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * scale)


@pytest.mark.parametrize("shape,max_val", [CASES[0], CASES[3], CASES[4]])
def test_ssim_matrix_under_xla_matches_value_and_gradient(shape, max_val):
    x = _images(shape, max_val, seed=2)
    w = _weights(shape[0])

    @tf.function(jit_compile=True)
    def compiled(v):
        return _value_and_grad(
            lambda u: similarity.ssim_matrix(u, max_val=max_val), v, w
        )

    got_loss, got_grad = compiled(x)
    want_loss, want_grad = _value_and_grad(
        lambda v: _loop_ssim_matrix(v, max_val), x, w
    )
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-5, atol=1e-4)
    scale = float(tf.reduce_max(tf.abs(want_grad)))
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-4, atol=1e-5 * scale)


def test_ssim_matrix_non_default_window_and_constants():
    kwargs = dict(filter_size=7, filter_sigma=1.0, k1=0.02, k2=0.05)
    x = _images((4, 12, 15, 1), 1.0, seed=3)
    got = similarity.ssim_matrix(x, max_val=1.0, **kwargs)
    np.testing.assert_allclose(got, _loop_ssim_matrix(x, 1.0, **kwargs), atol=1e-5)


def test_ssim_matrix_of_uint8_images_matches_tf_image_ssim():
    x = tf.cast(_images((3, 16, 16, 1), 255.0, seed=4), tf.uint8)
    got = similarity.ssim_matrix(x, max_val=255)
    np.testing.assert_allclose(got, _loop_ssim_matrix(x, 255), atol=1e-5)


def test_ssim_matrix_is_symmetric_with_unit_diagonal():
    s = similarity.ssim_matrix(_images((6, 20, 20, 1), 1.0))
    np.testing.assert_allclose(s, tf.transpose(s), atol=1e-6)
    np.testing.assert_allclose(tf.linalg.diag_part(s), np.ones(6), atol=1e-5)


def test_ssim_matrix_image_exactly_filter_size():
    x = _images((3, 11, 11, 1), 1.0)
    np.testing.assert_allclose(
        similarity.ssim_matrix(x), _loop_ssim_matrix(x, 1.0), atol=1e-5
    )


def test_ssim_matrix_rejects_image_smaller_than_filter():
    with pytest.raises(ValueError, match="filter_size=11"):
        similarity.ssim_matrix(tf.zeros((2, 10, 28, 1)))


@pytest.mark.parametrize(
    "kwargs,name",
    [(dict(filter_size=0), "filter_size"), (dict(filter_sigma=0.0), "filter_sigma")],
)
def test_ssim_matrix_rejects_bad_window(kwargs, name):
    with pytest.raises(ValueError, match=name):
        similarity.ssim_matrix(tf.zeros((2, 16, 16, 1)), **kwargs)


def test_ssim_matrix_rejects_non_batched_images():
    with pytest.raises(ValueError, match="images.shape"):
        similarity.ssim_matrix(tf.zeros((16, 16, 1)))


def test_ssim_matrix_builds_no_depthwise_convolution():
    # XLA on CPU is slow on depthwise convolutions; the matrix must be matmuls.
    fn = tf.function(lambda v: similarity.ssim_matrix(v))
    graph = fn.get_concrete_function(tf.TensorSpec((8, 28, 28, 1))).graph
    op_types = {op.type for op in graph.get_operations()}
    assert not any("Conv" in t for t in op_types)
    assert "BatchMatMulV2" in op_types or "BatchMatMulV3" in op_types


def test_ssim_matrix_accepts_unknown_batch_size():
    fn = tf.function(
        lambda v: similarity.ssim_matrix(v),
        input_signature=[tf.TensorSpec((None, 16, 16, 2))],
    )
    x = _images((3, 16, 16, 2), 1.0)
    np.testing.assert_allclose(fn(x), _loop_ssim_matrix(x, 1.0), atol=1e-5)


def test_ssim_pairs_matches_loop_value_and_gradient():
    x = _images((5, 32, 32, 3), 2.0, seed=6)
    first = tf.constant([0, 1, 4, 2, 3, 3])
    second = tf.constant([1, 4, 0, 2, 1, 1])
    w = tf.constant([0.5, -1.0, 2.0, 1.0, 0.3, -0.7])

    def loop(v):
        return tf.stack(
            [
                tf.image.ssim(v[i], v[j], 2.0)
                for i, j in zip(first.numpy(), second.numpy(), strict=True)
            ]
        )

    got_loss, got_grad = _value_and_grad(
        lambda v: similarity.ssim_pairs(v, first, second, max_val=2.0), x, w
    )
    want_loss, want_grad = _value_and_grad(loop, x, w)
    np.testing.assert_allclose(
        similarity.ssim_pairs(x, first, second, max_val=2.0), loop(x), atol=1e-5
    )
    np.testing.assert_allclose(got_loss, want_loss, atol=1e-5)
    scale = float(tf.reduce_max(tf.abs(want_grad)))
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-4, atol=1e-5 * scale)


def test_pair_distances_euclidean_matches_numpy():
    x = _images((4, 6, 5, 2), 1.0, seed=7)
    first, second = [0, 2, 3], [1, 1, 0]
    got = similarity.pair_distances(x, first, second, metric="euclidean")
    xn = x.numpy().astype(np.float64)
    want = [
        np.sqrt(np.sum((xn[i] - xn[j]) ** 2))
        for i, j in zip(first, second, strict=True)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_pair_distances_euclidean_gradient_is_finite_for_identical_images():
    x = tf.stack([tf.ones((4, 4, 1)), tf.ones((4, 4, 1)), tf.zeros((4, 4, 1))])
    with tf.GradientTape() as tape:
        tape.watch(x)
        d = similarity.pair_distances(x, [0, 0], [1, 2])
        total = tf.reduce_sum(d)
    grad = tf.convert_to_tensor(tape.gradient(total, x))
    np.testing.assert_allclose(d, [0.0, 4.0])
    assert np.all(np.isfinite(grad))
    # Only the (0, 2) pair contributes: d/dx0 = (x0 - x2) / 4 = 0.25.
    np.testing.assert_allclose(grad[0], np.full((4, 4, 1), 0.25))
    np.testing.assert_allclose(grad[1], np.zeros((4, 4, 1)))


def test_pair_distances_ssim_is_one_minus_tf_image_ssim():
    x = _images((4, 28, 28, 1), 1.0, seed=8)
    first, second = [0, 1, 2], [3, 3, 1]
    got = similarity.pair_distances(x, first, second, metric="ssim", max_val=1.0)
    want = [
        1.0 - float(tf.image.ssim(x[i], x[j], 1.0))
        for i, j in zip(first, second, strict=True)
    ]
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_pair_distances_rejects_unknown_metric():
    with pytest.raises(ValueError, match="'euclidean', 'ssim'.*metric='cosine'"):
        similarity.pair_distances(tf.zeros((2, 4, 4, 1)), [0], [1], metric="cosine")


def test_all_pairs_lists_each_unordered_pair_once():
    first, second = similarity.all_pairs(32)
    assert first.dtype == tf.int32 and second.dtype == tf.int32
    assert first.shape == (496,)
    pairs = set(zip(first.numpy().tolist(), second.numpy().tolist(), strict=True))
    assert len(pairs) == 496
    assert all(i < j for i, j in pairs)


@pytest.mark.parametrize("bad", [1, 0, 2.0, None])
def test_all_pairs_rejects_bad_batch_size(bad):
    with pytest.raises(ValueError, match=f"batch_size={bad}"):
        similarity.all_pairs(bad)


def test_subset_pairs_grid_and_mask():
    first, second, mask = similarity.subset_pairs(32, (10, 18), seed=[3, 4])
    first, second, mask = first.numpy(), second.numpy(), mask.numpy()
    assert first.shape == second.shape == mask.shape == (180,)
    grid_first, grid_second = first.reshape(10, 18), second.reshape(10, 18)
    # Row k of the grid is R1[k] paired with every member of R2.
    assert np.all(grid_first == grid_first[:, :1])
    assert np.all(grid_second == grid_second[:1, :])
    r1, r2 = grid_first[:, 0], grid_second[0]
    assert len(set(r1)) == 10 and len(set(r2)) == 18
    assert r1.min() >= 0 and r2.max() < 32
    np.testing.assert_array_equal(mask, (first < second).astype(np.float32))
    assert mask.dtype == np.float32


def test_subset_pairs_same_seed_same_pairs_different_seed_different():
    a = similarity.subset_pairs(32, (10, 18), seed=tf.constant([1, 2]))
    b = similarity.subset_pairs(32, (10, 18), seed=tf.constant([1, 2], tf.int64))
    c = similarity.subset_pairs(32, (10, 18), seed=tf.constant([1, 3]))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0]) or not np.array_equal(a[1], c[1])


def test_subset_pairs_same_under_xla_and_eagerly():
    seed = tf.constant([7, 11])
    eager = similarity.subset_pairs(24, (6, 9), seed=seed)
    compiled = tf.function(
        lambda s: similarity.subset_pairs(24, (6, 9), seed=s), jit_compile=True
    )(seed)
    for u, v in zip(eager, compiled, strict=True):
        np.testing.assert_array_equal(u, v)


def test_subset_pairs_draws_indices_uniformly_and_independently():
    draw = tf.function(lambda s: similarity.subset_pairs(32, (10, 18), seed=s))
    counts = np.zeros(32)
    overlap = pairs = 0.0
    trials = 300
    for t in range(trials):
        first, second, mask = draw(tf.constant([t, 99]))
        r1, r2 = np.unique(first.numpy()), np.unique(second.numpy())
        counts[r1] += 1
        overlap += len(np.intersect1d(r1, r2))
        pairs += float(tf.reduce_sum(mask))
    # Each index is in R1 with probability 10/32: expected 93.75 (sd ~8).
    assert counts.min() > 93.75 - 35 and counts.max() < 93.75 + 35
    # Independent subsets share 10 * 18 / 32 = 5.625 indices on average,
    # and the i < j mask keeps 180 * (31/32) / 2 = 87.2 pairs.
    assert abs(overlap / trials - 5.625) < 0.4
    assert abs(pairs / trials - 87.19) < 2.0


def test_subset_pairs_accepts_tensor_batch_size():
    first, second, mask = similarity.subset_pairs(tf.constant(12), (3, 4), seed=[0, 1])
    assert first.shape == (12,)
    assert int(tf.reduce_max(tf.concat([first, second], 0))) < 12


@pytest.mark.parametrize("sizes", [(10, 33), (33, 2), (0, 5), (3,), (2.0, 3)])
def test_subset_pairs_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match=r"subset_sizes=\("):
        similarity.subset_pairs(32, sizes, seed=[1, 2])


def test_subset_pairs_requires_seed():
    with pytest.raises(ValueError, match="seed=None"):
        similarity.subset_pairs(32, (10, 18))
