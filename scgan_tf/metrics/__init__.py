"""Evaluation metrics: pure functions of activations and representations."""

from scgan_tf.metrics.classifier_score import classifier_score
from scgan_tf.metrics.frechet import fid_from_activations, frechet_distance
from scgan_tf.metrics.kid import kid_from_activations
from scgan_tf.metrics.parzen import parzen_log_likelihood

__all__ = [
    "classifier_score",
    "fid_from_activations",
    "frechet_distance",
    "kid_from_activations",
    "parzen_log_likelihood",
]
