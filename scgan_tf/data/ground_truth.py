"""Base class for data sets generated from known, discrete factors of variation."""

import abc
import numbers

import numpy as np

from scgan_tf.checks import check_random_state


def check_positive_int(value, name, minimum=1):
    """Returns `value` as an `int` after checking that it is `>= minimum`.

    Args:
        value: the value to check.
        name: the argument name used in error messages.
        minimum: the smallest accepted value.

    Returns:
        `int(value)`.

    Raises:
        ValueError: if `value` is not an integer or is smaller than `minimum`.
    """
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )
    return int(value)


class GroundTruthData(abc.ABC):
    """Abstract data set whose observations are generated from discrete factors.

    A ground-truth data set is a two-step generative model: factors of variation
    are drawn (each factor `i` takes an integer value in
    `[0, factors_num_values[i])`), then an observation (an image) is generated
    from them, possibly with extra randomness (for example which photograph of
    a digit class is used). Disentanglement metrics such as
    `scgan_tf.metrics.factor_vae_score` only use this interface, which mirrors
    the one of `disentanglement_lib` with `np.random.Generator` random states.

    Subclasses implement `factors_num_values`, `observation_shape` and
    `_observations_from_factors`; `sample_factors` draws every factor uniformly
    and independently unless overridden.

    Reference:
        Kim & Mnih 2018, "Disentangling by Factorising" (arXiv:1802.05983).
    """

    @property
    @abc.abstractmethod
    def factors_num_values(self):
        """List of `int`: the number of values of each factor."""

    @property
    @abc.abstractmethod
    def observation_shape(self):
        """Tuple `(height, width, channels)` of one observation."""

    @property
    def num_factors(self):
        """Number of factors of variation."""
        return len(self.factors_num_values)

    @property
    def factor_names(self):
        """List of `str`: a name per factor (generic names unless overridden)."""
        return [f"factor_{i}" for i in range(self.num_factors)]

    @abc.abstractmethod
    def _observations_from_factors(self, factors, random_state):
        """Renders observations for validated `int64` factors `(num, num_factors)`.

        `random_state` is already a `np.random.Generator`. Must return float32
        images of shape `(num,) + observation_shape` in `[0, 1]`.
        """

    def validate_factors(self, factors):
        """Checks a factor array and returns it as `int64`.

        Args:
            factors: array-like of shape `(num, num_factors)` with integer values,
                column `i` in `[0, factors_num_values[i])`. Float arrays are
                accepted when every entry is a whole number.

        Returns:
            An `int64` array of shape `(num, num_factors)` (a copy).

        Raises:
            ValueError: if the shape is wrong, an entry is not a whole number, or
                a value is out of range for its factor.
        """
        array = np.asarray(factors)
        if array.ndim != 2 or array.shape[1] != self.num_factors:
            raise ValueError(
                f"`factors` must have shape (num, {self.num_factors}). "
                f"Received: factors.shape={array.shape}"
            )
        if array.dtype == bool or not (
            np.issubdtype(array.dtype, np.integer)
            or np.issubdtype(array.dtype, np.floating)
        ):
            raise ValueError(
                "`factors` must hold integers. "
                f"Received: factors with dtype={array.dtype}"
            )
        if np.issubdtype(array.dtype, np.floating):
            if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
                raise ValueError(
                    f"`factors` must hold whole numbers. Received: factors={array!r}"
                )
        array = array.astype(np.int64)
        num_values = np.asarray(self.factors_num_values, dtype=np.int64)
        bad = (array < 0) | (array >= num_values[None, :])
        if np.any(bad):
            row, column = np.argwhere(bad)[0]
            raise ValueError(
                f"`factors[:, {column}]` ({self.factor_names[column]}) must lie in "
                f"[0, {num_values[column]}). Received: factors[{row}]="
                f"{array[row].tolist()}"
            )
        return array

    def sample_factors(self, num, random_state):
        """Draws `num` factor vectors, each factor uniformly and independently.

        Args:
            num: number of factor vectors, a positive `int`.
            random_state: `np.random.Generator` or integer seed.

        Returns:
            `int64` array of shape `(num, num_factors)`.

        Raises:
            ValueError: if `num` is not a positive integer or `random_state` is
                invalid.
        """
        num = check_positive_int(num, "num")
        rng = check_random_state(random_state)
        return np.stack(
            [rng.integers(0, n, size=num) for n in self.factors_num_values], axis=1
        ).astype(np.int64)

    def sample_observations_from_factors(self, factors, random_state):
        """Generates one observation per factor vector.

        Args:
            factors: integer array-like of shape `(num, num_factors)`.
            random_state: `np.random.Generator` or integer seed, used by data
                sets whose observations are not a deterministic function of the
                factors.

        Returns:
            float32 array of shape `(num,) + observation_shape` in `[0, 1]`.

        Raises:
            ValueError: if `factors` is malformed or out of range.
        """
        factors = self.validate_factors(factors)
        rng = check_random_state(random_state)
        return self._observations_from_factors(factors, rng)

    def sample(self, num, random_state):
        """Draws factors and the observations generated from them.

        Args:
            num: number of samples, a positive `int`.
            random_state: `np.random.Generator` or integer seed.

        Returns:
            Tuple `(factors, observations)`: `int64` array `(num, num_factors)`
            and float32 array `(num,) + observation_shape` in `[0, 1]`.
        """
        rng = check_random_state(random_state)
        factors = self.sample_factors(num, rng)
        return factors, self.sample_observations_from_factors(factors, rng)

    def sample_observations(self, num, random_state):
        """Draws `num` observations (factors drawn by `sample_factors`).

        Args:
            num: number of samples, a positive `int`.
            random_state: `np.random.Generator` or integer seed.

        Returns:
            float32 array of shape `(num,) + observation_shape` in `[0, 1]`.
        """
        return self.sample(num, random_state)[1]
