"""Tests for scgan_tf.metrics.classifier_score."""

import math

import numpy as np
import pytest

from scgan_tf.metrics.classifier_score import classifier_score


def test_uniform_predictions_score_one():
    result = classifier_score(np.zeros((40, 10)), num_splits=4)
    assert result["score_mean"] == pytest.approx(1.0, abs=1e-12)
    assert result["score_std"] == pytest.approx(0.0, abs=1e-12)
    # Equal logits of any size are uniform predictions too.
    assert classifier_score(np.full((6, 3), 123.0), 2)["score_mean"] == pytest.approx(
        1.0, abs=1e-12
    )


@pytest.mark.parametrize("num_classes", [2, 5, 10])
def test_confident_and_evenly_spread_scores_num_classes(num_classes):
    labels = np.tile(np.arange(num_classes), 20)  # Every split sees each class.
    logits = 1000.0 * np.eye(num_classes)[labels]  # Saturates the softmax.
    result = classifier_score(logits, num_splits=10)
    assert result["score_mean"] == pytest.approx(num_classes, rel=1e-12)
    assert result["score_std"] == pytest.approx(0.0, abs=1e-9)
    assert (result["num_splits"], result["num_samples"]) == (10, 20 * num_classes)


def test_hand_computed_two_class_case():
    # p(y|x) = (0.8, 0.2) and (0.4, 0.6); p(y) = (0.6, 0.4).
    probs = np.array([[0.8, 0.2], [0.4, 0.6]])
    kl1 = 0.8 * math.log(0.8 / 0.6) + 0.2 * math.log(0.2 / 0.4)
    kl2 = 0.4 * math.log(0.4 / 0.6) + 0.6 * math.log(0.6 / 0.4)
    expected = math.exp((kl1 + kl2) / 2)
    # Logits are defined up to a per-row constant.
    logits = np.log(probs) + np.array([[3.0], [-7.0]])
    result = classifier_score(logits, num_splits=1)
    assert result["score_mean"] == pytest.approx(expected, rel=1e-12)
    assert result["score_std"] == 0.0


def test_split_mean_and_std():
    # First split uniform (score 1), second split confident over 2 classes
    # (score 2): mean 1.5, population std 0.5.
    uniform = np.zeros((4, 2))
    confident = 1000.0 * np.eye(2)[[0, 1, 0, 1]]
    result = classifier_score(np.concatenate([uniform, confident]), num_splits=2)
    assert result["score_mean"] == pytest.approx(1.5, rel=1e-12)
    assert result["score_std"] == pytest.approx(0.5, rel=1e-12)


def test_large_logits_are_stable_and_bounded():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=1e4, size=(100, 7)).astype(np.float32)
    result = classifier_score(logits, num_splits=5)
    assert np.isfinite(result["score_mean"]) and np.isfinite(result["score_std"])
    assert 1.0 <= result["score_mean"] <= 7.0 + 1e-9


@pytest.mark.parametrize(
    "logits, num_splits, match",
    [
        (np.zeros(10), 1, r"logits\.shape=\(10,\)"),
        (np.zeros((10, 1)), 1, r"logits\.shape=\(10, 1\)"),
        (np.zeros((0, 3)), 1, r"logits\.shape=\(0, 3\)"),
        (np.array([[0.0, np.nan]]), 1, "finite"),
        (np.zeros((5, 3)), 6, "num_splits=6"),
        (np.zeros((5, 3)), 0, "num_splits=0"),
        (np.zeros((5, 3)), 2.0, "num_splits=2.0"),
        (np.zeros((5, 3), dtype=complex), 1, "logits.dtype=complex128"),
    ],
)
def test_bad_input(logits, num_splits, match):
    with pytest.raises(ValueError, match=match):
        classifier_score(logits, num_splits=num_splits)
