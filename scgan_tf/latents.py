"""Latent specification: noise and structured codes, sampling and traversal grids."""

import collections

import keras
import tensorflow as tf

NOISE_DISTRIBUTIONS = ("uniform", "normal")

Latents = collections.namedtuple("Latents", ["noise", "categorical", "continuous"])
Latents.__doc__ = """A batch of latents.

`noise`: float32 `(N, noise_dim)`; `categorical`: int32 `(N, num_categorical)` class
indices, one column per categorical code; `continuous`: float32 `(N, num_continuous)`
in `[0, 1]`.
"""


@keras.saving.register_keras_serializable(package="scgan_tf")
class LatentSpec:
    """Layout of a generator's input `[z, c]`: noise `z` and structured codes `c`.

    The generator sees `concat([z, one_hot(c_1), ..., one_hot(c_k), c_cont])`.

    Args:
        noise_dim: size of the noise vector `z`.
        noise: `"uniform"` (in `[-1, 1]`) or `"normal"` (standard normal).
        categorical: number of classes of each categorical code, e.g. `(10,)`.
        continuous: number of continuous codes, each uniform in `[0, 1]`.

    Example:

    >>> spec = LatentSpec(90, "uniform", categorical=(10,))
    >>> spec.dim
    100
    >>> latents = spec.sample(4, seed=[1, 2])
    >>> spec.to_vector(latents).shape
    TensorShape([4, 100])

    Reference: Li et al., "SCGAN", IEEE Access 2019 (latent layouts per dataset).
    """

    def __init__(self, noise_dim, noise="uniform", categorical=(), continuous=0):
        if not isinstance(noise_dim, int) or noise_dim < 0:
            raise ValueError(
                f"noise_dim must be a non-negative integer. Received: noise_dim={noise_dim!r}"
            )
        if noise not in NOISE_DISTRIBUTIONS:
            raise ValueError(
                f"noise must be one of {NOISE_DISTRIBUTIONS}. Received: noise={noise!r}"
            )
        categorical = tuple(int(k) for k in categorical)
        if any(k < 2 for k in categorical):
            raise ValueError(
                "Each categorical code needs at least 2 classes. "
                f"Received: categorical={categorical}"
            )
        if not isinstance(continuous, int) or continuous < 0:
            raise ValueError(
                f"continuous must be a non-negative integer. Received: continuous={continuous!r}"
            )
        self.noise_dim = noise_dim
        self.noise = noise
        self.categorical = categorical
        self.continuous = continuous

    @property
    def num_codes(self):
        """Number of structured codes (categorical codes plus continuous dimensions)."""
        return len(self.categorical) + self.continuous

    @property
    def code_dim(self):
        return sum(self.categorical) + self.continuous

    @property
    def dim(self):
        return self.noise_dim + self.code_dim

    def sample(self, num, seed):
        """Draws `num` latents with stateless random ops.

        Args:
            num: number of latents (int or scalar tensor).
            seed: shape-`(2,)` integer seed; the same seed gives the same latents.

        Returns:
            A `Latents` tuple.
        """
        seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
        noise_seed, cat_seed, cont_seed = (
            tf.random.experimental.stateless_fold_in(seed, i) for i in range(3)
        )
        if self.noise == "uniform":
            noise = tf.random.stateless_uniform(
                (num, self.noise_dim), noise_seed, -1.0, 1.0
            )
        else:
            noise = tf.random.stateless_normal((num, self.noise_dim), noise_seed)
        columns = [
            tf.random.stateless_uniform(
                (num,),
                tf.random.experimental.stateless_fold_in(cat_seed, i),
                0,
                k,
                dtype=tf.int32,
            )
            for i, k in enumerate(self.categorical)
        ]
        categorical = (
            tf.stack(columns, axis=1) if columns else tf.zeros((num, 0), tf.int32)
        )
        continuous = tf.random.stateless_uniform((num, self.continuous), cont_seed)
        return Latents(noise, categorical, continuous)

    def to_vector(self, latents):
        """Concatenates a `Latents` tuple into the generator's input `(N, dim)`."""
        parts = [tf.cast(latents.noise, tf.float32)]
        for i, k in enumerate(self.categorical):
            parts.append(tf.one_hot(latents.categorical[:, i], k, dtype=tf.float32))
        parts.append(tf.cast(latents.continuous, tf.float32))
        return tf.concat(parts, axis=1)

    def code_vector(self, latents):
        """The structured part `c` of the generator input, `(N, code_dim)`."""
        return self.to_vector(latents)[:, self.noise_dim :]

    def traversal(self, code, num_rows=10, num_values=10, seed=(0, 0)):
        """A grid of latents sweeping one code with everything else fixed per row.

        Row `r` keeps the noise and the other codes of one random latent; column `v`
        sets code `code` to its `v`-th value: class `v` for a categorical code
        (`num_values` is then its class count), or `v / (num_values - 1)` for a
        continuous one.

        Args:
            code: index of the swept code: categorical codes first, then
                continuous dimensions.
            num_rows: rows of the grid.
            num_values: values per row (continuous codes only).
            seed: shape-`(2,)` seed of the fixed parts.

        Returns:
            A `Latents` tuple of `num_rows * num_values` latents, row-major.
        """
        if not 0 <= code < self.num_codes:
            raise ValueError(
                f"code must index one of the {self.num_codes} codes of this spec "
                f"(categorical first, then continuous). Received: code={code!r}"
            )
        if code < len(self.categorical):
            num_values = self.categorical[code]
        base = self.sample(num_rows, seed)
        repeat = lambda t: tf.repeat(t, num_values, axis=0)  # noqa: E731
        noise, categorical, continuous = (repeat(t) for t in base)
        values = tf.tile(tf.range(num_values), [num_rows])
        if code < len(self.categorical):
            column = tf.one_hot(code, len(self.categorical), dtype=tf.int32)
            categorical = categorical * (1 - column) + values[:, None] * column
        else:
            column = tf.one_hot(code - len(self.categorical), self.continuous)
            swept = tf.cast(values, tf.float32) / max(num_values - 1, 1)
            continuous = continuous * (1.0 - column) + swept[:, None] * column
        return Latents(noise, categorical, continuous)

    def get_config(self):
        return {
            "noise_dim": self.noise_dim,
            "noise": self.noise,
            "categorical": list(self.categorical),
            "continuous": self.continuous,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return (
            f"LatentSpec(noise_dim={self.noise_dim}, noise={self.noise!r}, "
            f"categorical={self.categorical}, continuous={self.continuous})"
        )

    def __eq__(self, other):
        return isinstance(other, LatentSpec) and self.get_config() == other.get_config()


def default_latent_spec(dataset):
    """The paper's latent layout for `dataset` (the SCGAN paper; see the docs, "The method")."""
    if dataset in ("mnist", "fashion_mnist"):
        return LatentSpec(90, "uniform", categorical=(10,))
    raise ValueError(
        "No default latent layout for this dataset. Expected 'mnist' or "
        f"'fashion_mnist'. Received: dataset={dataset!r}"
    )
