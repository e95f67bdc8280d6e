"""Tests for scgan_tf.metrics.factor_vae."""

import numpy as np
import pytest

from scgan_tf.data.ground_truth import GroundTruthData
from scgan_tf.data.sprites import ProceduralSprites
from scgan_tf.metrics.factor_vae import (
    active_dimensions,
    factor_vae_score,
    majority_vote_classifier,
    vote_accuracy,
)

SMALL = dict(num_train=200, num_eval=200, num_variance_estimate=1000)


class FactorPixels(GroundTruthData):
    """Observations are 1 x F images holding the normalised factor values."""

    def __init__(self, num_values=(4, 5, 6, 7, 8)):
        self.num_values = list(num_values)

    @property
    def factors_num_values(self):
        return self.num_values

    @property
    def observation_shape(self):
        return (1, len(self.num_values), 1)

    def _observations_from_factors(self, factors, random_state):
        scaled = factors / (np.asarray(self.num_values) - 1.0)
        return scaled.astype(np.float32)[:, None, :, None]


def flatten(observations):
    return observations.reshape(len(observations), -1)


# --- Pure helpers against hand-computed values ---------------------------------


def test_hand_computed_vote_matrix():
    votes = np.array([[5, 0, 1, 0], [2, 3, 1, 0], [0, 4, 0, 0]])
    classifier = majority_vote_classifier(votes)
    # Column 2 ties 1-1 (lowest factor wins); column 3 has no votes (factor 0).
    np.testing.assert_array_equal(classifier, [0, 2, 0, 0])
    assert vote_accuracy(votes, classifier) == pytest.approx((5 + 4 + 1) / 16)
    # A different classifier: correct votes are votes[classifier[d], d].
    assert vote_accuracy(votes, [1, 1, 1, 2]) == pytest.approx((2 + 3 + 1 + 0) / 16)


def test_active_dimensions_threshold_on_standard_deviation():
    variances = np.array([1.0, 0.05**2, 0.0024, 0.0])
    np.testing.assert_array_equal(
        active_dimensions(variances, 0.05), [True, True, False, False]
    )
    # Threshold 0 keeps even a constant dimension (sqrt(0) >= 0).
    assert active_dimensions(variances, 0.0).all()


@pytest.mark.parametrize(
    "votes", [np.zeros((2, 0), int), [[1.5, 2.0]], [[-1, 2]], [1, 2, 3]]
)
def test_helpers_reject_bad_votes(votes):
    with pytest.raises(ValueError, match="Received: votes="):
        majority_vote_classifier(votes)


def test_vote_accuracy_rejects_bad_classifier_and_empty_votes():
    with pytest.raises(ValueError, match="Received: classifier="):
        vote_accuracy([[1, 2], [3, 4]], [0, 2])
    with pytest.raises(ValueError, match="no votes"):
        vote_accuracy([[0, 0], [0, 0]], [0, 1])


# --- Behaviour bounds -----------------------------------------------------------


def test_true_factor_representation_scores_one():
    result = factor_vae_score(FactorPixels(), flatten, 0, **SMALL)
    assert result["train_accuracy"] == 1.0
    assert result["eval_accuracy"] == 1.0
    assert result["num_active_dims"] == 5
    np.testing.assert_array_equal(result["classifier"], np.arange(5))
    # Every vote lands on the diagonal; counts add up to num_train / num_eval.
    votes = result["train_votes"]
    assert votes.shape == (5, 5)
    assert votes.sum() == 200 and result["eval_votes"].sum() == 200
    assert np.all(votes == np.diag(np.diag(votes)))


def test_score_invariant_to_permuting_and_rescaling_dimensions():
    permutation = np.array([3, 0, 4, 1, 2])
    gains = np.array([0.5, 5.0, 1.0, 30.0, 2.0])

    def representation(observations):
        return flatten(observations)[:, permutation] * gains - 7.0

    result = factor_vae_score(FactorPixels(), representation, 1, **SMALL)
    assert result["eval_accuracy"] == 1.0
    np.testing.assert_array_equal(result["classifier"], permutation)


def test_constant_representation_scores_zero():
    result = factor_vae_score(
        ProceduralSprites(), lambda x: np.ones((len(x), 4)), 0, **SMALL
    )
    assert result["train_accuracy"] == 0.0 and result["eval_accuracy"] == 0.0
    assert result["num_active_dims"] == 0
    assert result["train_votes"].sum() == 0
    np.testing.assert_array_equal(result["classifier"], [-1] * 4)


def test_noise_representation_scores_near_chance():
    data = FactorPixels()
    noise_rng = np.random.default_rng(123)

    def noise(observations):
        return noise_rng.normal(size=(len(observations), 5))

    result = factor_vae_score(
        data, noise, 0, num_train=500, num_eval=500, num_variance_estimate=500
    )
    # Chance is 1 / num_factors = 0.2; train accuracy is biased upwards.
    assert result["eval_accuracy"] < 0.3
    assert result["train_accuracy"] < 0.4
    assert result["num_active_dims"] == 5


def test_entangled_representation_matches_hand_computed_value():
    # dim 0 = factor 0; dim 1 = factor 0 + factor 1 (same spread each); factor 2
    # is not represented. Fixing factor 0 zeroes dim 0 (vote (0, 0)); fixing
    # factor 1 halves dim 1's variance but leaves dim 0's (vote (1, 1)); fixing
    # factor 2 votes at random, always losing the majority of both columns. So
    # the accuracy is 2/3.
    data = FactorPixels(num_values=(8, 8, 8))

    def representation(observations):
        values = flatten(observations)
        return np.stack([values[:, 0], values[:, 0] + values[:, 1]], axis=1)

    result = factor_vae_score(
        data, representation, 0, num_train=600, num_eval=600, num_variance_estimate=2000
    )
    assert result["eval_accuracy"] == pytest.approx(2 / 3, abs=0.05)
    np.testing.assert_array_equal(result["classifier"], [0, 1])
    assert result["train_votes"][0, 1] == 0 and result["train_votes"][1, 0] < 10


def test_ties_go_to_the_first_active_dimension():
    def duplicated(observations):
        values = flatten(observations)
        return np.concatenate([values[:, :1], values], axis=1)  # dims 0, 1 equal

    result = factor_vae_score(FactorPixels(), duplicated, 0, **SMALL)
    votes = result["train_votes"]
    assert votes[0, 0] > 0 and votes[:, 1].sum() == 0
    assert result["eval_accuracy"] == 1.0


def test_pruned_dimension_receives_no_votes():
    def shrunk(observations):
        return flatten(observations) * np.array([0.01, 1, 1, 1, 1])

    result = factor_vae_score(FactorPixels(), shrunk, 0, **SMALL)
    assert result["num_active_dims"] == 4
    np.testing.assert_array_equal(result["active_dims"], [0, 1, 1, 1, 1])
    assert result["train_votes"][:, 0].sum() == 0
    # Factor 0 has no dimension left, so its fifth of the votes is lost.
    assert 0.7 < result["eval_accuracy"] < 0.9


def test_reproducible_with_same_random_state():
    data = FactorPixels()
    rep_rng_seed = 5

    def run(random_state):
        noise_rng = np.random.default_rng(rep_rng_seed)
        return factor_vae_score(
            data,
            lambda x: flatten(x) + 0.3 * noise_rng.normal(size=(len(x), 5)),
            random_state,
            num_train=100,
            num_eval=100,
            num_variance_estimate=200,
        )

    first, second = run(7), run(np.random.default_rng(7))
    for key in ("train_votes", "eval_votes", "global_variances"):
        np.testing.assert_array_equal(first[key], second[key])
    assert first["eval_accuracy"] == second["eval_accuracy"]
    assert not np.array_equal(first["train_votes"], run(8)["train_votes"])


# --- ProceduralSprites with an encoder made of image moments --------------------


def _moment_encoder(data):
    """Builds a hand-made encoder that only looks at the pixels.

    Dimensions: centroid column and row (position x, y); largest distance of a
    pixel from the centroid (scale: every sprite's farthest point sits at
    `0.15 * scale * 64` px); eccentricity `|sum z^2| / sum |z|^2` (shape: about
    0.6 for the 2:1 ellipse, under 0.2 otherwise); and the 4-fold orientation
    `(cos 4t, sin 4t)`. Orientation is only identifiable modulo 90 degrees for
    squares, so the encoder reports it modulo 90 degrees for every shape, read
    from the phase of `sum z^4` (square), `sum z^2` (ellipse) or `sum |z|^2 z`
    (heart, detected by its lack of point symmetry). The phase offsets at
    orientation 0 are calibrated on one rendering per shape.
    """

    def moments(images):
        mask = images[..., 0] > 0.5
        weight = mask.astype(np.float64)
        num, height, width = mask.shape
        rows = np.arange(height, dtype=np.float64)[None, :, None]
        cols = np.arange(width, dtype=np.float64)[None, None, :]
        area = weight.sum((1, 2))
        cx = (weight * cols).sum((1, 2)) / area
        cy = (weight * rows).sum((1, 2)) / area
        z = (cols - cx[:, None, None]) - 1j * (rows - cy[:, None, None])
        r2 = np.abs(z) ** 2
        rr = np.clip(np.rint(2 * cy[:, None, None] - rows).astype(int), 0, height - 1)
        cc = np.clip(np.rint(2 * cx[:, None, None] - cols).astype(int), 0, width - 1)
        reflected = mask[np.arange(num)[:, None, None], rr, cc]
        return {
            "cx": cx,
            "cy": cy,
            "size": np.sqrt((r2 * weight).max((1, 2))),
            "m2": (weight * z**2).sum((1, 2)),
            "m3": (weight * r2 * z).sum((1, 2)),
            "m4": (weight * z**4).sum((1, 2)),
            "ecc": np.abs((weight * z**2).sum((1, 2))) / (weight * r2).sum((1, 2)),
            "asym": (mask & ~reflected).sum((1, 2)) / area,
        }

    reference = moments(
        data.sample_observations_from_factors(
            [[0, 5, 0, 16, 16], [1, 5, 0, 16, 16], [2, 5, 0, 16, 16]], 0
        )
    )
    offset4 = np.angle(reference["m4"][0])
    offset2 = np.angle(reference["m2"][1])
    offset3 = np.angle(reference["m3"][2])

    def encoder(images):
        m = moments(images)
        ellipse = m["ecc"] > 0.35
        heart = ~ellipse & (m["asym"] > 0.12)
        phase = np.angle(m["m4"]) - offset4
        phase = np.where(ellipse, 2 * (np.angle(m["m2"]) - offset2), phase)
        phase = np.where(heart, 4 * (np.angle(m["m3"]) - offset3), phase)
        return np.stack(
            [m["cx"], m["cy"], m["size"], m["ecc"], np.cos(phase), np.sin(phase)],
            axis=1,
        )

    return encoder


def test_moment_encoder_of_procedural_sprites_scores_high():
    data = ProceduralSprites()
    result = factor_vae_score(data, _moment_encoder(data), 0, **SMALL)
    assert result["train_accuracy"] >= 0.9
    assert result["eval_accuracy"] >= 0.9
    assert result["num_active_dims"] == 6
    # Dimensions cx, cy, size, ecc, cos, sin -> position x, position y, scale,
    # shape, orientation, orientation.
    np.testing.assert_array_equal(result["classifier"], [3, 4, 1, 0, 2, 2])


# --- Argument checking ----------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(batch_size=1), "batch_size"),
        (dict(num_train=0), "num_train"),
        (dict(num_eval=2.5), "num_eval"),
        (dict(num_variance_estimate=1), "num_variance_estimate"),
        (dict(prune_threshold=-0.1), "prune_threshold"),
    ],
)
def test_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"Received: {name}="):
        factor_vae_score(FactorPixels(), flatten, 0, **kwargs)


def test_rejects_bad_random_state_and_representation():
    with pytest.raises(ValueError, match="Received: random_state=None"):
        factor_vae_score(FactorPixels(), flatten, None)
    with pytest.raises(ValueError, match=r"Received: shape=\(10,\)"):
        factor_vae_score(
            FactorPixels(), lambda x: np.zeros(len(x)), 0, num_variance_estimate=10
        )
