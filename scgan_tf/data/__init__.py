"""Datasets: MNIST and Fashion-MNIST from offline sources, as `tf.data` pipelines."""

from scgan_tf.data.catalog import DATASETS, SPLITS
from scgan_tf.data.errors import DataIntegrityError, DataNotFoundError
from scgan_tf.data.ground_truth import GroundTruthData, check_random_state
from scgan_tf.data.loading import SOURCES, describe_sources, load, load_numpy
from scgan_tf.data.sprites import ProceduralSprites
from scgan_tf.data.tfds_factors import TFDSDSprites, TFDSShapes3D
from scgan_tf.data.transformed import TransformedImages, affine_transform_images

__all__ = [
    "DATASETS",
    "SOURCES",
    "SPLITS",
    "DataIntegrityError",
    "DataNotFoundError",
    "GroundTruthData",
    "ProceduralSprites",
    "TFDSDSprites",
    "TFDSShapes3D",
    "TransformedImages",
    "affine_transform_images",
    "check_random_state",
    "describe_sources",
    "load",
    "load_numpy",
]
