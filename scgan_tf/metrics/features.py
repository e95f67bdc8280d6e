"""Feature extractors for FID, KID and the classifier score, and real-data statistics.

The metric maths (`fid_from_activations`, `kid_from_activations`,
`classifier_score`) takes activations; this module produces them. The extractor
is always a parameter:

- `"mnist_classifier"`, `"fashion_mnist_classifier"`: the 128-d `features` layer
  (and the 10 logits) of the small CNN shipped for each dataset
  (`scgan_tf.metrics.domain_classifier`). These are the defaults for MNIST-like
  data (`default_extractor_name`), as in TF-GAN's MNIST examples: Inception-v3 was
  trained on colour photographs and sees little of what distinguishes digits.
- `"inception"`: the 2048-d average-pooled output of Keras's `InceptionV3` with
  ImageNet weights, the usual FID network. FIDs computed with one extractor are
  not comparable with FIDs computed with another, nor with published numbers
  unless the network, resizing and sample counts all match.
"""

import hashlib
import os
import re
import warnings
import zipfile

import numpy as np

from scgan_tf.metrics import domain_classifier as _dc
from scgan_tf.metrics.domain_classifier import WeightsNotFoundError

INCEPTION_SIZE = 299
INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
EXTRACTOR_NAMES = ("mnist_classifier", "fashion_mnist_classifier", "inception")
# Images may exceed [0, 1] by this much (round-off of a generator's output);
# they are clipped to [0, 1] before extraction.
VALUE_TOLERANCE = 1e-3
CACHE_ENV_VAR = "SCGAN_TF_CACHE_DIR"
# Bumped whenever the cached arrays would change for the same key.
_CACHE_FORMAT = 1

__all__ = [
    "EXTRACTOR_NAMES",
    "FeatureExtractor",
    "WeightsNotFoundError",
    "default_cache_dir",
    "default_extractor_name",
    "get_extractor",
    "inception_preprocess",
    "real_activations",
    "real_statistics",
]


def _check_images(images, image_shape=None, name="images"):
    """Validates a batch of images and returns it as float32 clipped to [0, 1]."""
    arr = np.asarray(images)
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be a float array with values in [0, 1] (divide uint8 "
            f"images by 255). Received: {name}.dtype={arr.dtype}"
        )
    if arr.ndim != 4 or arr.shape[0] < 1 or arr.shape[-1] not in (1, 3):
        raise ValueError(
            f"`{name}` must be 4-D of shape (num_images, height, width, channels) "
            f"with num_images >= 1 and 1 or 3 channels. Received: "
            f"{name}.shape={arr.shape}"
        )
    if image_shape is not None and tuple(arr.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"`{name}` must have shape (num_images, {', '.join(map(str, image_shape))})"
            f" for this extractor. Received: {name}.shape={arr.shape}"
        )
    arr = arr.astype(np.float32, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"`{name}` must contain only finite values (no NaN or inf). Received: "
            f"{name} with {int(np.sum(~np.isfinite(arr)))} non-finite entries, "
            f"{name}.shape={arr.shape}"
        )
    low, high = float(arr.min()), float(arr.max())
    if low < -VALUE_TOLERANCE or high > 1.0 + VALUE_TOLERANCE:
        raise ValueError(
            f"`{name}` must have values in [0, 1] (tolerance {VALUE_TOLERANCE}); map "
            f"[-1, 1] images with (x + 1) / 2. Received: {name} with min={low:.6g}, "
            f"max={high:.6g}"
        )
    return np.clip(arr, 0.0, 1.0)


def _check_batch_size(batch_size):
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int | np.integer)
        or batch_size < 1
    ):
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    return int(batch_size)


def inception_preprocess(images):
    """Maps images in `[0, 1]` to the input InceptionV3 expects.

    Three steps, in this order:

    1. Resize to 299x299 with `tf.image.resize(..., method="bilinear",
       antialias=False)`: bilinear interpolation with half-pixel centres, the
       TensorFlow 2 default. Upsampling 28x28 images is smooth either way, but
       other resizers (nearest, bicubic, antialiased, `align_corners=True`, or
       PIL's) give different pixels and therefore different FIDs; FIDs are only
       comparable when computed with the same resizing (Parmar et al., 2022).
    2. Repeat a single grey channel to 3 (RGB) channels; 3-channel input is
       kept.
    3. Scale values from `[0, 1]` to `[-1, 1]` (`2 x - 1`), the range of
       `keras.applications.inception_v3.preprocess_input`.

    Args:
        images: float array or tensor of shape `(num_images, height, width,
            channels)`, `channels` 1 or 3, values in `[0, 1]`.

    Returns:
        A float32 `tf.Tensor` of shape `(num_images, 299, 299, 3)` with values in
        `[-1, 1]`.

    Example:

    >>> import numpy as np
    >>> x = inception_preprocess(np.full((2, 28, 28, 1), 0.5, np.float32))
    >>> x.shape, float(np.abs(x).max())
    (TensorShape([2, 299, 299, 3]), 0.0)

    Reference:
        Parmar et al., 2022, "On Aliased Resizing and Surprising Subtleties in
        GAN Evaluation" (https://arxiv.org/abs/2104.11222).
    """
    import tensorflow as tf

    x = tf.convert_to_tensor(images, dtype=tf.float32)
    x = tf.image.resize(
        x, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear", antialias=False
    )
    if x.shape[-1] == 1:
        x = tf.repeat(x, 3, axis=-1)
    return 2.0 * x - 1.0


class FeatureExtractor:
    """Maps batches of images to feature vectors (and logits) with a Keras model.

    Use `get_extractor` to make one. Images are validated (4-D float, finite,
    values in `[0, 1]` up to `VALUE_TOLERANCE`) and processed in batches of
    `batch_size`.

    Args:
        name: str, the extractor's name as reported with scores (also part of
            the cache key).
        model: a Keras model returning `[features, logits]` when
            `num_classes` is set, else `features`.
        feature_dim: int, the feature length.
        batch_size: int >= 1, images per forward pass.
        image_shape: the required `(height, width, channels)` of the images, or
            `None` to accept any size with 1 or 3 channels.
        preprocess: a function applied to each batch (a tensor) before the
            model, or `None`.
        num_classes: the number of logits, or `None` if the model has none.
        fingerprint: str identifying the weights, used in cache keys.
        cacheable: whether statistics of this extractor may be cached (not for
            randomly initialised weights, which differ between builds).

    Attributes:
        name, feature_dim, num_classes, batch_size, fingerprint, cacheable.
    """

    def __init__(
        self,
        name,
        model,
        feature_dim,
        *,
        batch_size,
        image_shape=None,
        preprocess=None,
        num_classes=None,
        fingerprint="",
        cacheable=True,
    ):
        import tensorflow as tf

        self.name = name
        self.model = model
        self.feature_dim = int(feature_dim)
        self.batch_size = _check_batch_size(batch_size)
        self.image_shape = None if image_shape is None else tuple(image_shape)
        self.num_classes = num_classes
        self.fingerprint = fingerprint
        self.cacheable = cacheable
        self._preprocess = preprocess

        # Only the model is compiled into a graph: the preprocessing runs
        # eagerly, so inputs of other sizes or channel counts reuse one trace.
        self._predict = tf.function(
            lambda x: model(x, training=False), reduce_retracing=True
        )

    def __repr__(self):
        return (
            f"FeatureExtractor(name={self.name!r}, feature_dim={self.feature_dim}, "
            f"num_classes={self.num_classes}, batch_size={self.batch_size})"
        )

    @property
    def cache_key(self):
        """A short digest of the name, weights and preprocessing, for cache files."""
        text = f"{self.name}|{self.fingerprint}|{self.image_shape}|{_CACHE_FORMAT}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _run(self, images):
        images = _check_images(images, self.image_shape)
        features, logits = [], []
        for start in range(0, images.shape[0], self.batch_size):
            batch = images[start : start + self.batch_size]
            if self._preprocess is not None:
                batch = self._preprocess(batch)
            out = self._predict(batch)
            if self.num_classes is None:
                features.append(np.asarray(out, dtype=np.float32))
            else:
                features.append(np.asarray(out[0], dtype=np.float32))
                logits.append(np.asarray(out[1], dtype=np.float32))
        features = np.concatenate(features, axis=0)
        logits = np.concatenate(logits, axis=0) if logits else None
        return features, logits

    def __call__(self, images):
        """Computes the features of images.

        Args:
            images: float array of shape `(num_images, height, width,
                channels)` with values in `[0, 1]`.

        Returns:
            float32 array of shape `(num_images, feature_dim)`.

        Raises:
            ValueError: if `images` is not 4-D float, has the wrong shape for
                this extractor, contains NaN or inf, or has values outside
                `[0, 1]` by more than `VALUE_TOLERANCE`.
        """
        return self._run(images)[0]

    def features_and_logits(self, images):
        """Computes features and class logits of images in one pass.

        Args:
            images: float array, as for `__call__`.

        Returns:
            `(features, logits)`: float32 arrays of shapes
            `(num_images, feature_dim)` and `(num_images, num_classes)`; the
            logits are `None` for an extractor without classes (Inception).

        Raises:
            ValueError: as for `__call__`.
        """
        return self._run(images)

    def logits(self, images):
        """Computes class logits (for `classifier_score`) of images.

        Args:
            images: float array, as for `__call__`.

        Returns:
            float32 array of shape `(num_images, num_classes)`.

        Raises:
            ValueError: as for `__call__`, or if this extractor has no class
                logits (`"inception"` is built without its ImageNet top).
        """
        if self.num_classes is None:
            raise ValueError(
                f"The extractor {self.name!r} has no class logits; use a domain "
                "classifier extractor (`mnist_classifier` or "
                f"`fashion_mnist_classifier`). Received: extractor={self.name!r}"
            )
        return self._run(images)[1]


def _check_weights_path(weights):
    if not isinstance(weights, str | os.PathLike) or not os.path.isfile(
        os.fspath(weights)
    ):
        raise ValueError(
            "`weights` must be 'default', None, or the path of an existing weights "
            f"file. Received: weights={weights!r}"
        )
    return os.fspath(weights)


def _classifier_extractor(dataset, weights, batch_size):
    import keras

    base = f"{dataset}_classifier"
    if weights is None:
        model = _dc.build_domain_classifier(seed=0)
        name, fingerprint = f"{base}(random)", "random-seed0"
    elif isinstance(weights, str) and weights == "default":
        model = _dc.load_domain_classifier(dataset)
        name = base
        fingerprint = _dc.file_sha256(_dc.default_weights_path(dataset))
    else:
        path = _check_weights_path(weights)
        model = _dc.load_domain_classifier(dataset, weights_path=path)
        fingerprint = _dc.file_sha256(path)
        name = f"{base}({os.path.basename(path)})"
    sub = keras.Model(
        model.inputs,
        [
            model.get_layer(_dc.FEATURE_LAYER).output,
            model.get_layer(_dc.LOGITS_LAYER).output,
        ],
        name=f"{dataset}_classifier_features",
    )
    return FeatureExtractor(
        name,
        sub,
        sub.outputs[0].shape[-1],
        batch_size=batch_size,
        image_shape=_dc.IMAGE_SHAPE,
        num_classes=sub.outputs[1].shape[-1],
        fingerprint=fingerprint,
        # A seeded random initialisation is reproducible, so it may be cached.
        cacheable=True,
    )


def _inception_extractor(weights, batch_size):
    import keras

    def build(weights_arg):
        return keras.applications.InceptionV3(
            include_top=False,
            weights=weights_arg,
            input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3),
            pooling="avg",
        )

    cacheable = True
    if weights is None:
        model, name, fingerprint = build(None), "inception(random)", "random"
        cacheable = False
    elif isinstance(weights, str) and weights in ("default", "imagenet"):
        try:
            model = build("imagenet")
        except Exception as error:  # get_file raises a bare Exception offline.
            raise WeightsNotFoundError(
                "Could not load the ImageNet weights of InceptionV3 (they are "
                "downloaded on first use, which needs internet). Pass "
                f"`weights='/path/to/{INCEPTION_WEIGHTS_FILE}'`, or run once where "
                "the weights can be fetched (Keras caches them in ~/.keras/models). "
                f"Original error: {error}"
            ) from error
        name, fingerprint = "inception", "imagenet"
    else:
        path = _check_weights_path(weights)
        model = build(path)
        name = f"inception({os.path.basename(path)})"
        fingerprint = _dc.file_sha256(path)
    return FeatureExtractor(
        name,
        model,
        model.output.shape[-1],
        batch_size=batch_size,
        preprocess=inception_preprocess,
        num_classes=None,
        fingerprint=fingerprint,
        cacheable=cacheable,
    )


def get_extractor(name, *, weights="default", batch_size=None):
    """Builds a feature extractor by name.

    Args:
        name: one of `EXTRACTOR_NAMES`:
            `"mnist_classifier"`, `"fashion_mnist_classifier"`: the 128-d
            `features` layer of the shipped domain classifier, with 10 class
            logits (for `classifier_score`); images must be `(N, 28, 28, 1)`.
            `"inception"`: InceptionV3 without its top, average-pooled, 2048-d,
            no logits; images of any size with 1 or 3 channels, preprocessed
            by `inception_preprocess` (bilinear resize to 299x299, grey
            repeated to RGB, `[0, 1]` mapped to `[-1, 1]`).
        weights: `"default"` (the shipped classifier weights; for
            `"inception"` the ImageNet weights, also accepted as
            `"imagenet"`), the path of a weights file (for `"inception"`, e.g.
            `inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`), or
            `None` for random initialisation, for tests only: the extractor's
            name then ends in `"(random)"` (the classifiers' random weights are
            seeded; Inception's are not, and are never cached).
        batch_size: images per forward pass; `None` means 500 for the
            classifiers and 32 for Inception.

    Returns:
        A `FeatureExtractor` with `.name`, `.feature_dim`, `__call__(images)`,
        `features_and_logits(images)` and `logits(images)`.

    Raises:
        ValueError: if `name` is unknown, `batch_size` is not a positive
            integer, or `weights` is neither `"default"`, `None` nor an
            existing file.
        WeightsNotFoundError: if the default weights are missing (shipped
            classifier weights absent, or ImageNet weights not downloadable).

    Example:

    >>> extractor = get_extractor("mnist_classifier")
    >>> extractor.name, extractor.feature_dim
    ('mnist_classifier', 128)
    """
    if name not in EXTRACTOR_NAMES:
        raise ValueError(
            f"Unknown feature extractor. Expected one of {EXTRACTOR_NAMES}. "
            f"Received: name={name!r}"
        )
    if name == "inception":
        batch_size = 32 if batch_size is None else _check_batch_size(batch_size)
        return _inception_extractor(weights, batch_size)
    batch_size = 500 if batch_size is None else _check_batch_size(batch_size)
    return _classifier_extractor(name[: -len("_classifier")], weights, batch_size)


def default_extractor_name(dataset):
    """Returns the extractor used by default to score a dataset's images.

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.

    Returns:
        `"mnist_classifier"` or `"fashion_mnist_classifier"`.

    Raises:
        ValueError: if `dataset` is unknown.

    Example:

    >>> default_extractor_name("fashion_mnist")
    'fashion_mnist_classifier'
    """
    if dataset not in _dc.DATASET_NAMES:
        raise ValueError(
            f"`dataset` must be one of {_dc.DATASET_NAMES}. Received: dataset={dataset!r}"
        )
    return f"{dataset}_classifier"


def default_cache_dir():
    """Returns the folder for cached real-data activations and statistics.

    Returns:
        `$SCGAN_TF_CACHE_DIR` if that environment variable is set and not
        empty, else `~/.cache/scgan_tf/stats`.
    """
    override = os.environ.get(CACHE_ENV_VAR)
    if override:
        return os.path.expanduser(override)
    return os.path.join(os.path.expanduser("~"), ".cache", "scgan_tf", "stats")


def _resolve_extractor(extractor):
    if isinstance(extractor, FeatureExtractor):
        return extractor
    if isinstance(extractor, str):
        return get_extractor(extractor)
    raise ValueError(
        "`extractor` must be a FeatureExtractor or one of "
        f"{EXTRACTOR_NAMES}. Received: extractor={extractor!r}"
    )


def _check_num_samples(num_samples, total, dataset, split):
    """Returns the number of images used: the split size for `None`."""
    if num_samples is None:
        return total
    if (
        isinstance(num_samples, bool)
        or not isinstance(num_samples, int | np.integer)
        or not 2 <= num_samples <= total
    ):
        raise ValueError(
            f"`num_samples` must be None or an integer in [2, {total}] for "
            f"{dataset!r} {split!r}. Received: num_samples={num_samples!r}"
        )
    return int(num_samples)


def _subset(dataset, split, count, seed):
    """The split's images, or a seeded random subset of `count` in dataset order."""
    from scgan_tf import data

    images, _ = data.load_numpy(dataset, split)
    if count == images.shape[0]:
        return images
    rng = np.random.default_rng(seed)
    index = np.sort(rng.choice(images.shape[0], size=count, replace=False))
    return images[index]


def _cache_path(cache_dir, kind, dataset, split, extractor, count, seed, total):
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", extractor.name).strip("-")
    subset = "all" if count == total else f"{count}_seed{seed}"
    filename = f"{dataset}_{split}_{subset}_{slug}_{extractor.cache_key}.{kind}.npz"
    return os.path.join(cache_dir, filename)


def _read_cache(path, expected):
    """Returns the cached arrays, or None when missing, unreadable or stale."""
    if not os.path.isfile(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        warnings.warn(
            f"Ignoring the unreadable cache file {path!r} and rebuilding it: {error}",
            UserWarning,
            stacklevel=3,
        )
        return None
    for key, shape in expected.items():
        if key not in arrays or arrays[key].shape != shape:
            warnings.warn(
                f"Ignoring the stale cache file {path!r} (missing or misshaped "
                f"{key!r}) and rebuilding it.",
                UserWarning,
                stacklevel=3,
            )
            return None
    return arrays


def _write_cache(path, **arrays):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp_path = f"{path}.{os.getpid()}.tmp.npz"
    np.savez(tmp_path, **arrays)
    os.replace(tmp_path, path)


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"`seed` must be an integer >= 0. Received: seed={seed!r}")
    return int(seed)


def _prepare(dataset, split, extractor, cache_dir, num_samples, seed):
    from scgan_tf.data import catalog

    spec = catalog.get_spec(dataset)
    catalog.check_split(split)
    extractor = _resolve_extractor(extractor)
    seed = _check_seed(seed)
    total = spec.num_examples[split]
    count = _check_num_samples(num_samples, total, dataset, split)
    cache_dir = default_cache_dir() if cache_dir is None else os.fspath(cache_dir)
    return extractor, seed, total, count, cache_dir


def real_activations(
    dataset, split, extractor, *, cache_dir=None, num_samples=None, seed=0
):
    """Computes (or loads from the cache) the features of real images.

    These are the reference activations for `kid_from_activations`, and
    `real_statistics` fits its Gaussian to them. The result is cached as a
    `.npz` file under `cache_dir`, keyed by dataset, split, sample count (and
    subset seed), extractor name and a digest of the extractor's weights; an
    unreadable or stale file is rebuilt with a warning. Extractors with
    unseeded random weights (`"inception(random)"`) are never cached. The
    Inception activations of a 60,000-image split take about 0.5 GB.

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.
        split: `"train"` or `"test"`.
        extractor: a `FeatureExtractor` or a name accepted by `get_extractor`
            (then built with its default weights).
        cache_dir: folder for the cache; `None` means `default_cache_dir()`
            (`$SCGAN_TF_CACHE_DIR` or `~/.cache/scgan_tf/stats`).
        num_samples: `None` for the whole split, or an integer in
            `[2, split size]`: a random subset of that size drawn without
            replacement with `seed` (kept in dataset order).
        seed: int >= 0, the subset seed (unused for the whole split).

    Returns:
        float32 array of shape `(num_samples, extractor.feature_dim)`.

    Raises:
        ValueError: if an argument is invalid.

    Example:

    >>> act = real_activations("mnist", "test", "mnist_classifier", num_samples=100)
    >>> act.shape
    (100, 128)
    """
    extractor, seed, total, count, cache_dir = _prepare(
        dataset, split, extractor, cache_dir, num_samples, seed
    )
    path = _cache_path(cache_dir, "acts", dataset, split, extractor, count, seed, total)
    if extractor.cacheable:
        cached = _read_cache(path, {"activations": (count, extractor.feature_dim)})
        if cached is not None:
            return cached["activations"].astype(np.float32, copy=False)
    activations = extractor(_subset(dataset, split, count, seed))
    if extractor.cacheable:
        _write_cache(
            path,
            activations=activations,
            dataset=np.asarray(dataset),
            split=np.asarray(split),
            extractor=np.asarray(extractor.name),
            seed=np.asarray(seed),
        )
    return activations


def real_statistics(
    dataset, split, extractor, *, cache_dir=None, num_samples=None, seed=0
):
    """Computes (or loads from the cache) the FID statistics of real images.

    The mean and the unbiased covariance (`np.cov(..., rowvar=False)`) of
    `real_activations(...)`, in float64, as `fid_from_activations` fits them;
    compare with generated images through `frechet_distance(mu, sigma,
    mu_gen, sigma_gen)`. Both the statistics and the activations are cached
    under `cache_dir` (see `real_activations`). FID is biased upwards with fewer
    samples, so use the same `num_samples` for real and generated images, and
    at least several times `feature_dim` (10,000 is customary; 128-d classifier
    features need far fewer than 2048-d Inception ones).

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.
        split: `"train"` or `"test"`.
        extractor: a `FeatureExtractor` or a name accepted by `get_extractor`.
        cache_dir: folder for the cache; `None` means `default_cache_dir()`.
        num_samples: `None` for the whole split, or the size of a seeded
            random subset (see `real_activations`).
        seed: int >= 0, the subset seed.

    Returns:
        A dict with keys:
            `"mu"`: float64 `(feature_dim,)`, the mean.
            `"sigma"`: float64 `(feature_dim, feature_dim)`, the covariance.
            `"num_samples"`: the number of images used.
            `"extractor"`: the extractor's name.
            `"dataset"`, `"split"`: as given.

    Raises:
        ValueError: if an argument is invalid.

    Example:

    >>> stats = real_statistics("mnist", "test", "mnist_classifier")
    >>> stats["mu"].shape, stats["sigma"].shape, stats["num_samples"]
    ((128,), (128, 128), 10000)

    Reference:
        Heusel et al., 2017, "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium" (https://arxiv.org/abs/1706.08500).
    """
    extractor, seed, total, count, cache_dir = _prepare(
        dataset, split, extractor, cache_dir, num_samples, seed
    )
    path = _cache_path(
        cache_dir, "stats", dataset, split, extractor, count, seed, total
    )
    dim = extractor.feature_dim
    result = {
        "num_samples": count,
        "extractor": extractor.name,
        "dataset": dataset,
        "split": split,
    }
    if extractor.cacheable:
        cached = _read_cache(path, {"mu": (dim,), "sigma": (dim, dim)})
        if cached is not None:
            return {
                "mu": cached["mu"].astype(np.float64),
                "sigma": cached["sigma"].astype(np.float64),
                **result,
            }
    activations = real_activations(
        dataset,
        split,
        extractor,
        cache_dir=cache_dir,
        num_samples=num_samples,
        seed=seed,
    ).astype(np.float64)
    mu = np.mean(activations, axis=0)
    sigma = np.atleast_2d(np.cov(activations, rowvar=False))
    if extractor.cacheable:
        _write_cache(
            path,
            mu=mu,
            sigma=sigma,
            dataset=np.asarray(dataset),
            split=np.asarray(split),
            extractor=np.asarray(extractor.name),
            num_samples=np.asarray(count),
        )
    return {"mu": mu, "sigma": sigma, **result}
