"""Small CNN classifiers for MNIST and Fashion-MNIST, used as feature extractors.

The shipped weights (`scgan_tf/weights/{dataset}_classifier.weights.h5`) are
what `scgan_tf.metrics.features` uses to score generated images with a domain
classifier instead of Inception-v3, as TF-GAN's MNIST examples did. Their test
accuracies, and the command that trained them, are recorded in
`scgan_tf/weights/classifiers.json`. Retrain with

```
python -m scgan_tf.metrics.domain_classifier --dataset mnist --epochs 10
```
"""

import argparse
import datetime
import hashlib
import importlib.resources
import json
import numbers
import os
import shlex
import sys
import time

import numpy as np

from scgan_tf.checks import check_int

DATASET_NAMES = ("mnist", "fashion_mnist")
IMAGE_SHAPE = (28, 28, 1)
FEATURE_LAYER = "features"
LOGITS_LAYER = "logits"
RECORD_FILE = "classifiers.json"


class WeightsNotFoundError(FileNotFoundError):
    """Weights a model needs are neither shipped, on disk, nor downloadable."""


def _check_dataset(dataset):
    if dataset not in DATASET_NAMES:
        raise ValueError(
            f"`dataset` must be one of {DATASET_NAMES}. Received: dataset={dataset!r}"
        )
    return dataset


def _initializer(seed):
    import keras

    return keras.initializers.GlorotUniform(seed=seed)


def build_domain_classifier(num_classes=10, *, seed=0):
    """Builds the small CNN classifier for 28x28 grey images.

    Architecture (about 198k parameters, a weights file of about 0.8 MB):
    two 3x3 convolutions with 32 filters, 2x2 max-pooling, two 3x3
    convolutions with 64 filters, 2x2 max-pooling (all convolutions `valid`,
    each followed by batch normalization and ReLU), a 128-unit ReLU dense layer
    named `"features"` (the penultimate layer, used as the feature space for
    FID and KID), dropout 0.5, and a dense layer named `"logits"` with
    `num_classes` unnormalised outputs.

    Args:
        num_classes: int >= 2, the number of classes.
        seed: int, seeds the weight initializers and the dropout layer, so two
            models built with the same seed have identical initial weights.

    Returns:
        An uncompiled functional `keras.Model` mapping float images of shape
        `(batch, 28, 28, 1)` in `[0, 1]` to logits `(batch, num_classes)`.

    Raises:
        ValueError: if `num_classes` is not an integer >= 2 or `seed` is not an
            integer >= 0.

    Example:

    >>> model = build_domain_classifier()
    >>> model.get_layer("features").output.shape
    (None, 128)

    Reference:
        LeCun et al., 1998, "Gradient-Based Learning Applied to Document
        Recognition"; TF-GAN's MNIST examples score GANs with such a classifier
        (https://github.com/tensorflow/gan).
    """
    import keras
    from keras import layers

    num_classes = check_int(num_classes, "num_classes", 2)
    seed = check_int(seed, "seed", 0)

    inputs = keras.Input(shape=IMAGE_SHAPE, name="images")
    x = inputs
    for index, filters in enumerate((32, 32, 64, 64), start=1):
        x = layers.Conv2D(
            filters,
            3,
            use_bias=False,
            kernel_initializer=_initializer(seed + index),
            name=f"conv{index}",
        )(x)
        x = layers.BatchNormalization(name=f"bn{index}")(x)
        x = layers.ReLU(name=f"relu{index}")(x)
        if index % 2 == 0:
            x = layers.MaxPooling2D(2, name=f"pool{index // 2}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(
        128,
        activation="relu",
        kernel_initializer=_initializer(seed + 5),
        name=FEATURE_LAYER,
    )(x)
    x = layers.Dropout(0.5, seed=seed + 6, name="dropout")(x)
    logits = layers.Dense(
        num_classes, kernel_initializer=_initializer(seed + 7), name=LOGITS_LAYER
    )(x)
    return keras.Model(inputs, logits, name="domain_classifier")


def weights_dir():
    """Returns the folder that holds the shipped classifier weights.

    Returns:
        A `pathlib.Path`-like object for `scgan_tf/weights` inside the
        installed package.
    """
    return importlib.resources.files("scgan_tf").joinpath("weights")


def default_weights_path(dataset):
    """Returns the path of the shipped weights of a dataset's classifier.

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.

    Returns:
        The path (a string) `scgan_tf/weights/{dataset}_classifier.weights.h5`
        inside the installed package; the file may be missing.

    Raises:
        ValueError: if `dataset` is unknown.
    """
    _check_dataset(dataset)
    return os.fspath(weights_dir().joinpath(f"{dataset}_classifier.weights.h5"))


def load_domain_classifier(dataset, weights_path=None):
    """Builds a dataset's classifier and loads its trained weights.

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.
        weights_path: a `.weights.h5` file written by `train_domain_classifier`;
            `None` loads the weights shipped with the package.

    Returns:
        The `keras.Model` of `build_domain_classifier` with trained weights.

    Raises:
        ValueError: if `dataset` is unknown.
        WeightsNotFoundError: if the weights file does not exist; the message
            says how to train it.

    Example:

    >>> model = load_domain_classifier("mnist")
    >>> model.output.shape
    (None, 10)
    """
    _check_dataset(dataset)
    path = default_weights_path(dataset) if weights_path is None else weights_path
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise WeightsNotFoundError(
            f"No classifier weights for dataset={dataset!r} at {path!r}. The package "
            "ships them in scgan_tf/weights/; if your copy lacks them, train them "
            f"with `python -m scgan_tf.metrics.domain_classifier --dataset {dataset}` "
            "(about 10 minutes on 2 CPU cores) or pass `weights_path=`."
        )
    model = build_domain_classifier()
    model.load_weights(path)
    return model


def classifier_record(dataset):
    """Returns what was recorded when a shipped classifier was trained.

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.

    Returns:
        A dict with `"test_accuracy"`, `"num_test_images"`, `"epochs"`,
        `"batch_size"`, `"seed"`, `"command"`, `"tensorflow_version"`,
        `"keras_version"`, `"weights_file"`, `"weights_sha256"` and more.

    Raises:
        ValueError: if `dataset` is unknown.
        WeightsNotFoundError: if `classifiers.json` or its entry is missing.
    """
    _check_dataset(dataset)
    path = weights_dir().joinpath(RECORD_FILE)
    try:
        records = json.loads(path.read_text())
    except FileNotFoundError:
        records = {}
    if dataset not in records:
        raise WeightsNotFoundError(
            f"No training record for dataset={dataset!r} in {os.fspath(path)!r}."
        )
    return records[dataset]


def evaluate_domain_classifier(model, dataset, split="test", *, batch_size=500):
    """Computes a classifier's accuracy on a whole split.

    Args:
        model: a Keras model mapping `(batch, 28, 28, 1)` images in `[0, 1]` to
            logits, such as `load_domain_classifier(dataset)`.
        dataset: `"mnist"` or `"fashion_mnist"`.
        split: `"train"` or `"test"`.
        batch_size: int >= 1, images per forward pass.

    Returns:
        The accuracy, a Python float in `[0, 1]`.

    Raises:
        ValueError: if `dataset`, `split` or `batch_size` is invalid.
    """
    from scgan_tf import data

    _check_dataset(dataset)
    batch_size = check_int(batch_size, "batch_size", 1)
    images, labels = data.load_numpy(dataset, split)
    correct = 0
    for start in range(0, len(images), batch_size):
        logits = model(images[start : start + batch_size], training=False)
        predictions = np.argmax(np.asarray(logits), axis=1)
        correct += int(np.sum(predictions == labels[start : start + batch_size]))
    return correct / len(images)


def train_domain_classifier(
    dataset, *, epochs, batch_size=128, seed=0, out_path=None, learning_rate=1e-3
):
    """Trains a dataset's classifier on its training split and saves the weights.

    Training: Adam with a cosine learning-rate decay to zero over all steps,
    sparse categorical cross-entropy on logits, the 60,000 training images
    reshuffled every epoch with `seed`, no augmentation and no early stopping
    (the test split is used only for the final accuracy). Calls
    `keras.utils.set_random_seed(seed)`, which seeds Python's, NumPy's and
    TensorFlow's global generators for the rest of the process. Results agree
    across runs on one machine up to non-deterministic floating-point reduction
    order in multi-threaded kernels.

    Args:
        dataset: `"mnist"` or `"fashion_mnist"`.
        epochs: int >= 1, passes over the training split.
        batch_size: int >= 1.
        seed: int >= 0, seeds initialization, dropout and shuffling.
        out_path: where to write the weights (must end in `.weights.h5`);
            `None` writes the package's `default_weights_path(dataset)`.
        learning_rate: positive float, the initial Adam learning rate.

    Returns:
        The accuracy on the 10,000 test images, a Python float.

    Raises:
        ValueError: if an argument is invalid.

    Reference:
        Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization"
        (https://arxiv.org/abs/1412.6980).
    """
    import keras

    from scgan_tf import data

    _check_dataset(dataset)
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    seed = check_int(seed, "seed", 0)
    if not isinstance(learning_rate, numbers.Real) or not learning_rate > 0:
        raise ValueError(
            "`learning_rate` must be a positive number. "
            f"Received: learning_rate={learning_rate!r}"
        )
    out_path = default_weights_path(dataset) if out_path is None else out_path
    out_path = os.fspath(out_path)
    if not out_path.endswith(".weights.h5"):
        raise ValueError(
            f"`out_path` must end in '.weights.h5'. Received: out_path={out_path!r}"
        )

    keras.utils.set_random_seed(seed)
    train = data.load(dataset, "train", batch_size=batch_size, shuffle=True, seed=seed)
    steps_per_epoch = -(-60000 // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        float(learning_rate), decay_steps=epochs * steps_per_epoch
    )
    model = build_domain_classifier(seed=seed)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(train, epochs=epochs, verbose=2)
    # A compiled model's weights file also holds the optimizer's state (twice
    # the model's size for Adam); an uncompiled copy saves the weights alone.
    inference_model = build_domain_classifier(seed=seed)
    inference_model.set_weights(model.get_weights())
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    inference_model.save_weights(out_path)
    return evaluate_domain_classifier(model, dataset, "test")


def file_sha256(path):
    """SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_record(record_path, dataset, record):
    records = {}
    if os.path.isfile(record_path):
        with open(record_path) as f:
            records = json.load(f)
    records[dataset] = record
    tmp_path = record_path + ".tmp"
    with open(tmp_path, "w") as f:
        json.dump(records, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp_path, record_path)


def main(argv=None):
    """Command-line entry: trains, evaluates and records one classifier.

    Args:
        argv: the arguments (without the program name); `None` reads
            `sys.argv`.

    Returns:
        The test accuracy, a Python float.
    """
    import keras
    import tensorflow as tf

    parser = argparse.ArgumentParser(
        prog="python -m scgan_tf.metrics.domain_classifier",
        description="Train a domain classifier and record its test accuracy.",
    )
    parser.add_argument("--dataset", required=True, choices=DATASET_NAMES)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument(
        "--out",
        default=None,
        help="weights file (default: the package's scgan_tf/weights/ file)",
    )
    args = parser.parse_args(argv)
    arg_list = sys.argv[1:] if argv is None else list(argv)

    out_path = default_weights_path(args.dataset) if args.out is None else args.out
    started = time.monotonic()
    accuracy = train_domain_classifier(
        args.dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        out_path=out_path,
        learning_rate=args.learning_rate,
    )
    seconds = time.monotonic() - started
    record = {
        "test_accuracy": accuracy,
        "num_test_images": 10000,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "learning_rate": args.learning_rate,
        "command": shlex.join(
            ["python", "-m", "scgan_tf.metrics.domain_classifier", *arg_list]
        ),
        "tensorflow_version": tf.__version__,
        "keras_version": keras.__version__,
        "weights_file": os.path.basename(out_path),
        "weights_bytes": os.path.getsize(out_path),
        "weights_sha256": file_sha256(out_path),
        "train_and_eval_seconds": round(seconds, 1),
        "date": datetime.date.today().isoformat(),
    }
    record_path = os.path.join(os.path.dirname(os.path.abspath(out_path)), RECORD_FILE)
    _write_record(record_path, args.dataset, record)
    print(
        f"{args.dataset}: test accuracy {accuracy:.4f} after {args.epochs} epochs "
        f"({seconds:.0f} s); weights {out_path}; record {record_path}"
    )
    return accuracy


if __name__ == "__main__":
    main()
