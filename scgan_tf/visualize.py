"""Image grids: tiling generated images and writing them as PNG files."""

import os

import keras
import numpy as np


def image_grid(images, num_columns, padding=1):
    """Tiles `(N, H, W, C)` images in `[0, 1]` into one `(rows*H', cols*W', C)` image.

    Args:
        images: float array of images in `[0, 1]`.
        num_columns: images per row; the last row is padded with blank cells.
        padding: blank pixels between cells.

    Returns:
        A float32 numpy array in `[0, 1]`.
    """
    images = np.clip(np.asarray(images, dtype=np.float32), 0.0, 1.0)
    if images.ndim != 4:
        raise ValueError(
            f"images must be 4-D (num, height, width, channels). Received: images.shape={images.shape}"
        )
    if not isinstance(num_columns, int) or num_columns < 1:
        raise ValueError(
            f"num_columns must be a positive integer. Received: num_columns={num_columns!r}"
        )
    num, height, width, channels = images.shape
    rows = -(-num // num_columns)
    cell_h, cell_w = height + padding, width + padding
    grid = np.ones(
        (rows * cell_h + padding, num_columns * cell_w + padding, channels), np.float32
    )
    for index, image in enumerate(images):
        r, c = divmod(index, num_columns)
        top, left = padding + r * cell_h, padding + c * cell_w
        grid[top : top + height, left : left + width] = image
    return grid


def save_image_grid(images, path, num_columns, padding=1):
    """Writes `image_grid(images, num_columns)` as a PNG file (folders created)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    grid = image_grid(images, num_columns, padding)
    keras.utils.save_img(path, grid * 255.0, data_format="channels_last", scale=False)
    return path


def traversal_images(model, code=0, num_rows=10, num_values=10, seed=0):
    """Images of a latent traversal: one row per random latent, one code swept."""
    latents = model.latent_spec.traversal(code, num_rows, num_values, seed=[seed, 2])
    return model.generate(latents=latents)
