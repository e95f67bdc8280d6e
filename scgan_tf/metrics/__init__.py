"""Evaluation metrics: pure functions of activations and representations."""

from scgan_tf.metrics.classifier_score import classifier_score
from scgan_tf.metrics.domain_classifier import (
    build_domain_classifier,
    classifier_record,
    evaluate_domain_classifier,
    load_domain_classifier,
    train_domain_classifier,
)
from scgan_tf.metrics.factor_vae import (
    active_dimensions,
    factor_vae_score,
    majority_vote_classifier,
    vote_accuracy,
)
from scgan_tf.metrics.features import (
    EXTRACTOR_NAMES,
    FeatureExtractor,
    WeightsNotFoundError,
    default_extractor_name,
    get_extractor,
    inception_preprocess,
    real_activations,
    real_statistics,
)
from scgan_tf.metrics.frechet import fid_from_activations, frechet_distance
from scgan_tf.metrics.kid import kid_from_activations
from scgan_tf.metrics.parzen import parzen_log_likelihood

__all__ = [
    "EXTRACTOR_NAMES",
    "FeatureExtractor",
    "WeightsNotFoundError",
    "build_domain_classifier",
    "classifier_record",
    "default_extractor_name",
    "evaluate_domain_classifier",
    "get_extractor",
    "inception_preprocess",
    "load_domain_classifier",
    "real_activations",
    "real_statistics",
    "train_domain_classifier",
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
