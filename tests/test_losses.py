"""Tests for scgan_tf.losses against hand values and per-pair references."""

import math

import numpy as np
import pytest
import tensorflow as tf

from scgan_tf import losses, similarity

LOG2 = math.log(2.0)


def _softplus(v):
    return math.log1p(math.exp(v))


def test_discriminator_loss_at_zero_logits_is_two_log_two():
    got = losses.discriminator_loss(tf.zeros((4, 1)), tf.zeros((4, 1)))
    np.testing.assert_allclose(got, 2 * LOG2, rtol=1e-6)


def test_discriminator_loss_hand_values():
    # -log(sigmoid(r)) = softplus(-r); -log(1 - sigmoid(f)) = softplus(f).
    got = losses.discriminator_loss([2.0, -1.0], [0.5])
    want = (_softplus(-2.0) + _softplus(1.0)) / 2 + _softplus(0.5)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_generator_loss_is_non_saturating():
    np.testing.assert_allclose(losses.generator_loss(tf.zeros((3,))), LOG2, rtol=1e-6)
    got = losses.generator_loss([3.0, -2.0])
    np.testing.assert_allclose(got, (_softplus(-3.0) + _softplus(2.0)) / 2, rtol=1e-6)


def test_mutual_information_loss_uniform_logits_is_log_k():
    got = losses.mutual_information_loss(tf.zeros((5, 10)), tf.range(5))
    np.testing.assert_allclose(got, math.log(10.0), rtol=1e-6)


def test_mutual_information_loss_hand_values():
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 4.0]], np.float32)
    codes = np.array([2, 0])
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    want = -(log_softmax[0, 2] + log_softmax[1, 0]) / 2
    np.testing.assert_allclose(
        losses.mutual_information_loss(logits, codes), want, rtol=1e-6
    )


def test_mutual_information_loss_sums_over_several_codes():
    logits = tf.zeros((4, 3, 10))
    codes = tf.zeros((4, 3), tf.int32)
    got = losses.mutual_information_loss(logits, codes)
    np.testing.assert_allclose(got, 3 * math.log(10.0), rtol=1e-6)


def test_mutual_information_loss_rejects_mismatched_ranks():
    with pytest.raises(ValueError, match="code_logits.shape"):
        losses.mutual_information_loss(tf.zeros((4, 10)), tf.zeros((4, 2), tf.int32))


def test_wasserstein_losses_hand_values():
    np.testing.assert_allclose(
        losses.wasserstein_critic_loss([1.0, 3.0], [0.5, -1.5]), -2.5
    )
    np.testing.assert_allclose(losses.wasserstein_generator_loss([0.5, -1.5]), 0.5)


def _linear_critic(weight):
    return lambda v: tf.reduce_sum(v * weight, axis=[1, 2, 3])


def test_gradient_penalty_is_zero_for_unit_norm_linear_critic():
    w = tf.random.stateless_normal((4, 4, 2), seed=(1, 1))
    w = w / tf.norm(w)
    real = tf.random.stateless_uniform((3, 4, 4, 2), seed=(2, 2))
    fake = tf.random.stateless_uniform((3, 4, 4, 2), seed=(3, 3))
    eps = tf.random.stateless_uniform((3, 1, 1, 1), seed=(4, 4))
    got = losses.gradient_penalty(_linear_critic(w), real, fake, eps)
    np.testing.assert_allclose(got, 0.0, atol=1e-10)


def test_gradient_penalty_value_and_weight_gradient_for_linear_critic():
    # ||grad|| = ||w|| = 3, so the penalty is (3 - 1)^2 = 4 and its gradient
    # with respect to w is 2 (||w|| - 1) w / ||w||.
    w0 = tf.random.stateless_normal((2, 3, 1), seed=(5, 5))
    w = tf.Variable(3.0 * w0 / tf.norm(w0))
    real = tf.random.stateless_uniform((4, 2, 3, 1), seed=(6, 6))
    fake = tf.zeros_like(real)
    eps = tf.fill((4, 1, 1, 1), 0.3)
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(_linear_critic(w), real, fake, eps)
    grad = tape.gradient(penalty, w)
    np.testing.assert_allclose(penalty, 4.0, rtol=1e-5)
    np.testing.assert_allclose(grad, 2.0 * 2.0 * w / 3.0, rtol=1e-5, atol=1e-6)


def test_code_affinity_hand_example():
    categorical = tf.constant([[0, 3], [0, 1], [2, 1]])
    continuous = tf.constant([[0.1], [0.6], [1.0]])
    first, second = similarity.all_pairs(3)  # (0,1), (0,2), (1,2)
    got = losses.code_affinity(categorical, continuous, first, second)
    want = [
        [1.0, 0.0, 0.0],  # first categorical code
        [0.0, 0.0, 1.0],  # second categorical code
        [0.5, 0.1, 0.6],  # 1 - |c_i - c_j|
    ]
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_code_affinity_allows_empty_codes():
    first, second = [0, 1], [1, 2]
    got = losses.code_affinity(
        tf.zeros((3, 0), tf.int32), tf.constant([[0.0], [1.0], [1.0]]), first, second
    )
    np.testing.assert_allclose(got, [[0.0, 1.0]])
    assert losses.code_affinity(None, None, first, second).shape == (0, 2)


def test_code_affinity_rejects_rank_one_code():
    with pytest.raises(ValueError, match="categorical.shape"):
        losses.code_affinity(tf.constant([0, 1]), None, [0], [1])


def test_euclidean_constraint_divides_by_b_times_b_minus_one():
    # Three 1-pixel images at 0, 3 and 4: distances d01 = 3, d02 = 4, d12 = 1.
    images = tf.reshape(tf.constant([0.0, 3.0, 4.0]), (3, 1, 1, 1))
    categorical = tf.constant([[0], [0], [1]])
    got = losses.similarity_constraint(
        images, categorical, None, form="euclidean", epsilon=0.0
    )
    # Same code for (0, 1): a * d = 3; others: 1 / d = 1/4 and 1/1.
    np.testing.assert_allclose(got, (3.0 + 0.25 + 1.0) / (3 * 2), rtol=1e-6)


def test_euclidean_constraint_sums_code_rows_and_honours_mask():
    d = tf.constant([2.0, 4.0])
    a = tf.constant([[1.0, 0.0], [0.5, 1.0]])
    # Pair 0: 1*2 + 0 + 0.5*2 + 0.5/2 = 3.25; pair 1: 1/4 + 4 = 4.25.
    got = losses.euclidean_similarity_constraint(d, a, 4, epsilon=0.0)
    np.testing.assert_allclose(got, (3.25 + 4.25) / 12, rtol=1e-6)
    masked = losses.euclidean_similarity_constraint(
        d, a, 4, mask=[0.0, 1.0], epsilon=0.0
    )
    np.testing.assert_allclose(masked, 4.25 / 12, rtol=1e-6)


def test_ssim_constraint_hand_values_and_masked_mean():
    d = tf.constant([0.0, 1.5, 0.5])
    a = tf.constant([[1.0, 0.0, 0.25]])
    third = 0.25 * math.exp(0.5) + 0.75 * math.exp(1.0)
    got = losses.ssim_similarity_constraint(d, a)
    np.testing.assert_allclose(got, (1.0 + 1.0 + third) / 3, rtol=1e-6)
    masked = losses.ssim_similarity_constraint(d, a, mask=[0.0, 1.0, 1.0])
    np.testing.assert_allclose(masked, (1.0 + third) / 2, rtol=1e-6)
    empty = losses.ssim_similarity_constraint(d, a, mask=tf.zeros(3))
    np.testing.assert_allclose(empty, 0.0)


def _reference(images, categorical, continuous, pair_list, form, batch, max_val):
    """Plain per-pair loop of PAPER 1a / 1b."""
    terms = []
    for i, j in pair_list:
        a = [float(categorical[i, k] == categorical[j, k]) for k in range(2)]
        a += [1.0 - abs(float(continuous[i, 0]) - float(continuous[j, 0]))]
        if form == "euclidean":
            d = tf.sqrt(tf.reduce_sum(tf.square(images[i] - images[j])))
            terms += [ak * d + (1.0 - ak) / (d + 1e-5) for ak in a]
        else:
            d = 1.0 - tf.image.ssim(images[i], images[j], max_val)
            terms += [ak * tf.exp(d) + (1.0 - ak) * tf.exp(1.5 - d) for ak in a]
    total = tf.add_n(terms)
    if form == "euclidean":
        return total / (batch * (batch - 1))
    return total / len(pair_list)


def _codes(batch):
    categorical = tf.constant(np.arange(2 * batch).reshape(batch, 2) % [2, 3])
    continuous = tf.random.stateless_uniform((batch, 1), seed=(9, 9))
    return categorical, continuous


@pytest.mark.parametrize("form", ["euclidean", "ssim"])
@pytest.mark.parametrize("pairs", ["all", "subsets"])
def test_similarity_constraint_matches_per_pair_reference(form, pairs):
    batch, max_val = 6, 2.0
    images = tf.random.stateless_uniform((batch, 14, 13, 2), seed=(8, 8)) * max_val
    categorical, continuous = _codes(batch)
    seed = tf.constant([4, 2])
    if pairs == "all":
        pair_list = [(i, j) for i in range(batch) for j in range(i + 1, batch)]
    else:
        first, second, _ = similarity.subset_pairs(batch, (3, 4), seed=seed)
        r1, r2 = first.numpy()[::4], second.numpy()[:4]
        pair_list = [(i, j) for i in r1 for j in r2 if i < j]
        assert pair_list  # this seed must select at least one pair

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(images)
        got = losses.similarity_constraint(
            images,
            categorical,
            continuous,
            form=form,
            pairs=pairs,
            subset_sizes=(3, 4),
            seed=seed,
            max_val=max_val,
        )
        want = _reference(
            images, categorical, continuous, pair_list, form, batch, max_val
        )
    np.testing.assert_allclose(got, want, rtol=1e-5)
    got_grad = tf.convert_to_tensor(tape.gradient(got, images))
    want_grad = tf.convert_to_tensor(tape.gradient(want, images))
    scale = float(tf.reduce_max(tf.abs(want_grad)))
    assert scale > 0.0
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-4, atol=1e-5 * scale)


@pytest.mark.parametrize("form", ["euclidean", "ssim"])
def test_similarity_constraint_with_unknown_batch_size_matches_static(form):
    images = tf.random.stateless_uniform((5, 12, 12, 1), seed=(3, 1))
    categorical, continuous = _codes(5)

    def constraint(x, cat, cont):
        return losses.similarity_constraint(x, cat, cont, form=form)

    dynamic = tf.function(
        constraint,
        input_signature=[
            tf.TensorSpec((None, 12, 12, 1)),
            tf.TensorSpec((None, 2), tf.int64),
            tf.TensorSpec((None, 1)),
        ],
    )
    np.testing.assert_allclose(
        dynamic(images, categorical, continuous),
        constraint(images, categorical, continuous),
        rtol=1e-5,
    )


@pytest.mark.parametrize("form", ["euclidean", "ssim"])
def test_similarity_constraint_under_xla_matches_eager(form):
    images = tf.random.stateless_uniform((8, 16, 16, 1), seed=(2, 7))
    categorical, continuous = _codes(8)
    seed = tf.constant([5, 6])

    def constraint(x, s):
        return losses.similarity_constraint(
            x,
            categorical,
            continuous,
            form=form,
            pairs="subsets",
            subset_sizes=(4, 6),
            seed=s,
        )

    compiled = tf.function(constraint, jit_compile=True)
    np.testing.assert_allclose(
        compiled(images, seed), constraint(images, seed), rtol=1e-5
    )


def test_euclidean_constraint_gradient_finite_for_identical_images():
    images = tf.concat([tf.ones((2, 8, 8, 1)), tf.zeros((1, 8, 8, 1))], axis=0)
    categorical = tf.constant([[0], [1], [1]])
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = losses.similarity_constraint(images, categorical, None, form="euclidean")
    grad = tf.convert_to_tensor(tape.gradient(loss, images))
    # Images 0 and 1 coincide but have different codes: the 1 / (0 + 1e-5)
    # term is large but finite, and so is the gradient.
    np.testing.assert_allclose(loss, (1e5 + 8.0 + 1.0 / (8.0 + 1e-5)) / 6, rtol=1e-5)
    assert np.all(np.isfinite(grad.numpy()))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(form="l2"), r"form.*'euclidean', 'ssim'.*form='l2'"),
        (dict(form="ssim", pairs="random"), r"'all', 'subsets'.*pairs='random'"),
        (dict(form="ssim", pairs="subsets"), r"seed=None"),
    ],
)
def test_similarity_constraint_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        losses.similarity_constraint(tf.zeros((4, 12, 12, 1)), None, None, **kwargs)
