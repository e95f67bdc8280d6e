"""Datasets: MNIST and Fashion-MNIST from offline sources, as `tf.data` pipelines."""

from scgan_tf.data.catalog import DATASETS, SPLITS
from scgan_tf.data.errors import DataIntegrityError, DataNotFoundError
from scgan_tf.data.loading import SOURCES, describe_sources, load, load_numpy

__all__ = [
    "DATASETS",
    "SOURCES",
    "SPLITS",
    "DataIntegrityError",
    "DataNotFoundError",
    "describe_sources",
    "load",
    "load_numpy",
]
