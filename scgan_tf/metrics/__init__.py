"""Evaluation metrics: pure functions of activations and representations."""

from scgan_tf.metrics.classifier_score import classifier_score
from scgan_tf.metrics.factor_vae import (
    active_dimensions,
    factor_vae_score,
    majority_vote_classifier,
    vote_accuracy,
)
from scgan_tf.metrics.frechet import fid_from_activations, frechet_distance
from scgan_tf.metrics.kid import kid_from_activations
from scgan_tf.metrics.parzen import parzen_log_likelihood

__all__ = [
    "active_dimensions",
    "factor_vae_score",
    "majority_vote_classifier",
    "vote_accuracy",
    "classifier_score",
    "fid_from_activations",
    "frechet_distance",
    "kid_from_activations",
    "parzen_log_likelihood",
]
