"""Real images (e.g. MNIST) under controlled affine transformations."""

import numpy as np

from scgan_tf.data.ground_truth import GroundTruthData


def affine_transform_images(images, rotation, scale, shift_x, shift_y):
    """Rotates, scales and shifts a batch of images with bilinear interpolation.

    The transform acts about the image centre: the content is scaled by `scale`,
    rotated counter-clockwise (as displayed) by `rotation` degrees, then moved
    `shift_x` pixels right and `shift_y` pixels down. Each output pixel is
    inverse-mapped into the input and interpolated bilinearly; pixels mapped
    outside the input read 0. Rotation 0, scale 1 and integer shifts reproduce
    the input exactly (translated, with zeros shifted in).

    Args:
        images: float array `(batch, height, width, channels)`.
        rotation: float array-like `(batch,)` (or a scalar), degrees.
        scale: float array-like `(batch,)` (or a scalar), `> 0`.
        shift_x: float array-like `(batch,)` (or a scalar), pixels.
        shift_y: float array-like `(batch,)` (or a scalar), pixels.

    Returns:
        float32 array with the shape of `images`.

    Raises:
        ValueError: if `images` is not 4-D or a scale is not positive.

    Example:

    >>> images = np.zeros((1, 5, 5, 1), np.float32)
    >>> images[0, 2, 2, 0] = 1.0
    >>> moved = affine_transform_images(images, 0.0, 1.0, 1.0, 0.0)
    >>> [int(i) for i in np.argwhere(moved[0, ..., 0])[0]]
    [2, 3]
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4:
        raise ValueError(
            "`images` must have shape (batch, height, width, channels). "
            f"Received: images.shape={images.shape}"
        )
    batch, height, width, channels = images.shape
    params = [
        np.broadcast_to(np.asarray(p, dtype=np.float64), (batch,))
        for p in (rotation, scale, shift_x, shift_y)
    ]
    rotation, scale, shift_x, shift_y = params
    if np.any(~(scale > 0)):
        raise ValueError(f"`scale` must be positive. Received: scale={scale}")
    angle = np.deg2rad(rotation)
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    centre_y, centre_x = (height - 1) / 2.0, (width - 1) / 2.0
    rows = np.arange(height, dtype=np.float64)[None, :, None]
    cols = np.arange(width, dtype=np.float64)[None, None, :]
    # Output offsets from the centre after undoing the shift; y points up.
    ox = cols - centre_x - shift_x[:, None, None]
    oy = centre_y - rows + shift_y[:, None, None]
    s = scale[:, None, None]
    ix = (cos * ox + sin * oy) / s
    iy = (cos * oy - sin * ox) / s
    src_col = ix + centre_x
    src_row = centre_y - iy
    # Exact transforms can land a hair off an integer; snap so they stay exact.
    src_col = np.where(
        np.abs(src_col - np.round(src_col)) < 1e-9, np.round(src_col), src_col
    )
    src_row = np.where(
        np.abs(src_row - np.round(src_row)) < 1e-9, np.round(src_row), src_row
    )
    col0 = np.floor(src_col).astype(np.int64)
    row0 = np.floor(src_row).astype(np.int64)
    wc = (src_col - col0).astype(np.float32)[..., None]
    wr = (src_row - row0).astype(np.float32)[..., None]
    flat = images.reshape(batch, height * width, channels)
    batch_index = np.arange(batch)[:, None, None]

    def gather(r, c):
        valid = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        index = np.clip(r, 0, height - 1) * width + np.clip(c, 0, width - 1)
        values = flat[batch_index, index]
        return values * valid[..., None]

    top = gather(row0, col0) * (1 - wc) + gather(row0, col0 + 1) * wc
    bottom = gather(row0 + 1, col0) * (1 - wc) + gather(row0 + 1, col0 + 1) * wc
    # Convex weights keep [0, 1] inputs in range up to float rounding.
    return np.clip(top * (1 - wr) + bottom * wr, 0.0, 1.0).astype(np.float32)


def _check_values(values, name, default):
    values = np.asarray(default if values is None else values, dtype=np.float64)
    if values.ndim != 1 or values.size < 1 or not np.all(np.isfinite(values)):
        raise ValueError(
            f"`{name}` must be a non-empty 1-D sequence of finite numbers. "
            f"Received: {name}={values!r}"
        )
    return values


class TransformedImages(GroundTruthData):
    """Labelled images (MNIST, Fashion-MNIST, ...) under known affine transforms.

    The factors are the class and four transform parameters, each taking a
    small set of values:

    - `class` (`num_classes`, default `max(labels) + 1`),
    - `rotation` (default `linspace(-45, 45, 7)` degrees, counter-clockwise),
    - `scale` (default `linspace(0.7, 1.1, 5)`),
    - `shift_x` and `shift_y` (default `linspace(-4, 4, 5)` pixels; right and
      down).

    An observation of factors `(c, r, s, x, y)` is a uniformly chosen image of
    class `c` (drawn with `random_state`) passed through
    `affine_transform_images`. The class therefore does not determine the image:
    the within-class style (the writer of a digit) is nuisance variation that no
    factor describes. Besides class, every factor is identifiable from the
    image up to interpolation and clipping at the border.

    This gives a controlled ground truth for MNIST-like data sets (factors
    varied systematically, as the modified paper suggests): the FactorVAE score of a model can be measured
    against these five factors.

    Args:
        images: float array `(N, height, width, channels)` in `[0, 1]`.
        labels: integer array `(N,)`, class ids in `[0, num_classes)`.
        num_classes: number of classes; `None` means `max(labels) + 1`. Every
            class must have at least one image.
        rotations: 1-D sequence of angles in degrees, or `None` for the default.
        scales: 1-D sequence of positive scale factors, or `None`.
        shifts_x: 1-D sequence of horizontal shifts in pixels, or `None`.
        shifts_y: 1-D sequence of vertical shifts in pixels, or `None`.

    Raises:
        ValueError: on malformed images, labels or factor values.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> images = rng.uniform(size=(20, 28, 28, 1)).astype("float32")
    >>> data = TransformedImages(images, np.arange(20) % 10)
    >>> data.factors_num_values
    [10, 7, 5, 5, 5]
    >>> data.sample_observations(3, random_state=0).shape
    (3, 28, 28, 1)

    Reference:
        Kim & Mnih 2018, "Disentangling by Factorising"; controlled factors in
        the spirit of dSprites (Matthey et al. 2017).
    """

    def __init__(
        self,
        images,
        labels,
        num_classes=None,
        rotations=None,
        scales=None,
        shifts_x=None,
        shifts_y=None,
    ):
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[0] < 1:
            raise ValueError(
                "`images` must have shape (N, height, width, channels) with N >= 1. "
                f"Received: images.shape={images.shape}"
            )
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(
                "`images` must be floating point in [0, 1]. "
                f"Received: images.dtype={images.dtype}"
            )
        low, high = float(images.min()), float(images.max())
        if low < 0.0 or high > 1.0:
            raise ValueError(
                "`images` must lie in [0, 1]. "
                f"Received: images with min={low} and max={high}"
            )
        labels = np.asarray(labels)
        if labels.shape != (images.shape[0],) or not np.issubdtype(
            labels.dtype, np.integer
        ):
            raise ValueError(
                f"`labels` must be an integer array of shape ({images.shape[0]},). "
                f"Received: labels.shape={labels.shape}, labels.dtype={labels.dtype}"
            )
        if labels.min() < 0:
            raise ValueError(
                f"`labels` must be non-negative. Received: min(labels)={labels.min()}"
            )
        if num_classes is None:
            num_classes = int(labels.max()) + 1
        if (
            not isinstance(num_classes, (int, np.integer))
            or isinstance(num_classes, bool)
            or num_classes < 1
            or labels.max() >= num_classes
        ):
            raise ValueError(
                "`num_classes` must be a positive integer larger than every label. "
                f"Received: num_classes={num_classes!r} with max(labels)="
                f"{labels.max()}"
            )
        counts = np.bincount(labels, minlength=num_classes)
        if np.any(counts == 0):
            raise ValueError(
                "Every class needs at least one image. Received: labels without "
                f"classes {np.flatnonzero(counts == 0).tolist()}"
            )
        scales = _check_values(scales, "scales", np.linspace(0.7, 1.1, 5))
        if np.any(scales <= 0):
            raise ValueError(f"`scales` must be positive. Received: scales={scales}")
        self.images = images.astype(np.float32, copy=False)
        self.labels = labels.astype(np.int64)
        self.num_classes = int(num_classes)
        self.rotations = _check_values(rotations, "rotations", np.linspace(-45, 45, 7))
        self.scales = scales
        self.shifts_x = _check_values(shifts_x, "shifts_x", np.linspace(-4, 4, 5))
        self.shifts_y = _check_values(shifts_y, "shifts_y", np.linspace(-4, 4, 5))
        # Image indices grouped by class, so a class draw is one integer draw.
        self._order = np.argsort(self.labels, kind="stable")
        self._counts = counts
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]])

    @classmethod
    def from_dataset(cls, name, split="train", load_kwargs=None, **kwargs):
        """Builds the data set from a named image data set.

        Args:
            name: data set name understood by `scgan_tf.data.load_numpy`
                (e.g. `"mnist"`, `"fashion_mnist"`).
            split: split name passed to `load_numpy`.
            load_kwargs: optional dict of keyword arguments for `load_numpy`
                (`source`, `data_dir`, `download`).
            **kwargs: forwarded to the constructor (`rotations`, `scales`, ...).

        Returns:
            A `TransformedImages`.
        """
        from scgan_tf.data import load_numpy

        images, labels = load_numpy(name, split, **(load_kwargs or {}))
        return cls(images, labels, **kwargs)

    @property
    def factors_num_values(self):
        return [
            self.num_classes,
            self.rotations.size,
            self.scales.size,
            self.shifts_x.size,
            self.shifts_y.size,
        ]

    @property
    def factor_names(self):
        return ["class", "rotation", "scale", "shift_x", "shift_y"]

    @property
    def observation_shape(self):
        return tuple(self.images.shape[1:])

    def _observations_from_factors(self, factors, random_state):
        classes = factors[:, 0]
        pick = random_state.integers(0, self._counts[classes])
        index = self._order[self._starts[classes] + pick]
        return affine_transform_images(
            self.images[index],
            self.rotations[factors[:, 1]],
            self.scales[factors[:, 2]],
            self.shifts_x[factors[:, 3]],
            self.shifts_y[factors[:, 4]],
        )
