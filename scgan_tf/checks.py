"""Argument checks shared across the library, with errors that name the argument."""

import numbers

import numpy as np


def check_int(value, name, minimum):
    """Returns `value` as an `int`, or raises a `ValueError` naming `name`.

    Args:
        value: the argument's value; booleans are refused.
        name: the argument's name, for the message.
        minimum: the smallest value allowed.

    Raises:
        ValueError: if `value` is not an integer or is smaller than `minimum`.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < minimum
    ):
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )
    return int(value)


def check_real_array(x, name, ndim=None):
    """Returns `x` as a finite float64 array, or raises a `ValueError` naming `name`.

    Args:
        x: array-like of real numbers (booleans are refused).
        name: the argument's name, for the message.
        ndim: if set, the number of dimensions required (2 means
            `(num_samples, feature_dim)`).
    """
    arr = np.asarray(x)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(
            f"`{name}` must be a real numeric array. Received: {name}.dtype={arr.dtype}"
        )
    if ndim == 2 and arr.ndim != 2:
        raise ValueError(
            f"`{name}` must be 2-D of shape (num_samples, feature_dim). "
            f"Received: {name}.shape={arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"`{name}` must contain only finite values (no NaN or inf). "
            f"Received: {name} with {int(np.sum(~np.isfinite(arr)))} non-finite "
            f"entries, {name}.shape={arr.shape}"
        )
    return arr


def check_random_state(random_state, name="random_state"):
    """Returns a `np.random.Generator` for `random_state`.

    Args:
        random_state: a `np.random.Generator` (returned unchanged, so that
            successive calls draw from one stream) or a non-negative `int` seed
            (a fresh generator seeded with it).
        name: the argument name used in error messages.

    Returns:
        A `np.random.Generator`.

    Raises:
        ValueError: if `random_state` is neither a generator nor a non-negative
            integer. `None` is refused on purpose: there is no hidden global
            random state in this library.

    Example:

    >>> rng = check_random_state(0)
    >>> check_random_state(rng) is rng
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        if random_state < 0:
            raise ValueError(
                f"`{name}` must be a non-negative integer seed or a "
                f"np.random.Generator. Received: {name}={random_state}"
            )
        return np.random.default_rng(int(random_state))
    raise ValueError(
        f"`{name}` must be a np.random.Generator or a non-negative integer seed. "
        f"Received: {name}={random_state!r}"
    )
