"""Procedurally rendered dSprites-style images with known factors."""

import numpy as np

from scgan_tf.data.ground_truth import GroundTruthData

# Area centroid (y, pointing up) and largest distance from it, of the heart region
# (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0; measured once on a 4001 x 4001 grid. The
# farthest point is the bottom tip (0, -1).
_HEART_CENTROID_Y = 0.2935
_HEART_RADIUS = 1.2935

SHAPE_NAMES = ("square", "ellipse", "heart")


def _inside(shape, x, y):
    """Returns where the unit-radius `shape` covers local coordinates `(x, y)`.

    `x` points right and `y` points up; every shape is centred on its area
    centroid and its farthest point from it lies at distance 1.
    """
    if shape == 0:
        half_side = np.float32(1.0 / np.sqrt(2.0))
        return (np.abs(x) <= half_side) & (np.abs(y) <= half_side)
    if shape == 1:
        return x * x + 4.0 * y * y <= 1.0
    hx = x * np.float32(_HEART_RADIUS)
    hy = y * np.float32(_HEART_RADIUS) + np.float32(_HEART_CENTROID_Y)
    r2 = hx * hx + hy * hy - 1.0
    return r2 * r2 * r2 - hx * hx * hy * hy * hy <= 0.0


class ProceduralSprites(GroundTruthData):
    """dSprites-style 64x64 binary sprites rendered from five factors.

    A stand-in for dSprites (Matthey et al. 2017) that needs no download: every
    image is rendered deterministically by NumPy from its factors, vectorised
    over the batch (tens of thousands of images per second on one CPU core).

    Factors, in order (`factor_names`):

    - `shape` (3): square, ellipse (axes 2:1, long axis horizontal at
      orientation 0), heart (the algebraic heart
      `(x^2 + y^2 - 1)^3 - x^2 y^3 <= 0`, lobes up, tip down at orientation 0).
    - `scale` (6): `linspace(0.5, 1, 6)`; at scale 1 the farthest point of every
      shape lies `0.15 * image_size` (9.6 px) from its area centroid.
    - `orientation` (40): `2 * pi * k / 40`, counter-clockwise as displayed,
      about the shape's area centroid.
    - `position_x` (32) and `position_y` (32): the centroid moves over
      `[0.2, 0.8]` of the image width/height in 32 equal steps; `position_x`
      moves right, `position_y` moves down (increasing row index). Sprites never
      touch the border.

    Images are float32 in `{0, 1}`, shape `(64, 64, 1)`; a pixel is 1 when its
    centre lies inside the shape.

    As in the real dSprites, orientation is not identifiable from the image for
    the symmetric shapes: a square looks the same after 90 degrees (orientation
    `k` and `k + 10` give identical images) and an ellipse after 180 degrees (`k`
    and `k + 20`). Only the heart shows all 40 orientations. A perfect encoder
    therefore cannot recover orientation for two thirds of the images; keep
    this in mind when reading scores that involve the orientation factor.

    Args:
        image_size: height and width in pixels (default 64, as dSprites).

    Example:

    >>> data = ProceduralSprites()
    >>> factors, images = data.sample(4, random_state=0)
    >>> factors.shape, images.shape, images.dtype
    ((4, 5), (4, 64, 64, 1), dtype('float32'))

    Reference:
        Matthey et al. 2017, "dSprites: Disentanglement testing Sprites dataset";
        Kim & Mnih 2018, "Disentangling by Factorising".
    """

    _NUM_VALUES = (3, 6, 40, 32, 32)
    _NAMES = ("shape", "scale", "orientation", "position_x", "position_y")

    def __init__(self, image_size=64):
        if (
            not isinstance(image_size, (int, np.integer))
            or isinstance(image_size, bool)
            or image_size < 16
        ):
            raise ValueError(
                f"`image_size` must be an integer >= 16. Received: "
                f"image_size={image_size!r}"
            )
        self.image_size = int(image_size)

    @property
    def factors_num_values(self):
        return list(self._NUM_VALUES)

    @property
    def factor_names(self):
        return list(self._NAMES)

    @property
    def observation_shape(self):
        return (self.image_size, self.image_size, 1)

    @property
    def scale_values(self):
        """float array `(6,)`: the scale of each `scale` index."""
        return np.linspace(0.5, 1.0, 6)

    @property
    def orientation_values(self):
        """float array `(40,)`: the angle in radians of each orientation index."""
        return 2.0 * np.pi * np.arange(40) / 40.0

    @property
    def position_values(self):
        """float array `(32,)`: centroid position (fraction of the image size)."""
        return np.linspace(0.2, 0.8, 32)

    def canonical_factors(self, factors):
        """Maps factors to the representative of their visual equivalence class.

        Orientation is reduced modulo 10 for squares (90 degrees) and modulo 20
        for ellipses (180 degrees); every other factor is unchanged. Two factor
        vectors with the same canonical form render the same image.

        Args:
            factors: integer array-like `(num, 5)`.

        Returns:
            `int64` array `(num, 5)`.
        """
        factors = self.validate_factors(factors).copy()
        period = np.array([10, 20, 40])[factors[:, 0]]
        factors[:, 2] = factors[:, 2] % period
        return factors

    def _observations_from_factors(self, factors, random_state):
        del random_state  # Rendering is deterministic.
        num = factors.shape[0]
        size = self.image_size
        # Half the image: the largest sprite reaches 0.22 of the image side
        # (about 14 pixels at 64x64) from its centroid, the window 0.25.
        window = min(size, -(-size // 2))
        images = np.zeros((num, size, size), dtype=np.float32)
        pixel = (np.arange(size, dtype=np.float32) + 0.5) / size
        radius = (0.15 * self.scale_values[factors[:, 1]]).astype(np.float32)
        angle = self.orientation_values[factors[:, 2]]
        cos, sin = np.cos(angle).astype(np.float32), np.sin(angle).astype(np.float32)
        centre_x = self.position_values[factors[:, 3]].astype(np.float32)
        centre_y = self.position_values[factors[:, 4]].astype(np.float32)
        # Only a window around each centroid can be inside a sprite, so only the
        # window's pixels are tested (15x faster than the whole image).
        offsets = np.arange(window)

        def window_indices(centre):
            start = np.floor(centre * size).astype(np.int64) - window // 2
            return np.clip(start, 0, size - window)[:, None] + offsets

        columns, rows = window_indices(centre_x), window_indices(centre_y)
        for shape in range(3):
            (index,) = np.nonzero(factors[:, 0] == shape)
            if index.size == 0:
                continue
            # Offsets from the centroid with y pointing up (rows point down).
            dx = pixel[columns[index]][:, None, :] - centre_x[index, None, None]
            dy = centre_y[index, None, None] - pixel[rows[index]][:, :, None]
            c = cos[index, None, None]
            s = sin[index, None, None]
            r = radius[index, None, None]
            # Inverse rotation of the pixel grid turns the shape counter-clockwise.
            local_x = (c * dx + s * dy) / r
            local_y = (c * dy - s * dx) / r
            images[
                index[:, None, None],
                rows[index][:, :, None],
                columns[index][:, None, :],
            ] = _inside(shape, local_x, local_y)
        return images[..., None]
