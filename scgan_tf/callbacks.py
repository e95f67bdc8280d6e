"""Callbacks for training GANs with `fit()`."""

import math
import os

import keras
import numpy as np
import tensorflow as tf

from scgan_tf import visualize


class SampleGrid(keras.callbacks.Callback):
    """Writes a grid of images from fixed latents after every epoch.

    The latents are one traversal of the first code (each row one random noise,
    each column one value of the code), so the grids of successive epochs are
    comparable and show whether the code controls the images.

    Args:
        directory: folder of the PNG files `epoch_NNN.png`.
        num_rows: rows of the grid.
        seed: seed of the fixed latents.
        log_dir: if set, the grid is also written as a TensorBoard image summary
            under `log_dir/samples`.
    """

    def __init__(self, directory, num_rows=10, seed=0, log_dir=None):
        super().__init__()
        self.directory = directory
        self.num_rows = num_rows
        self.seed = seed
        self.log_dir = log_dir
        self._writer = None

    def on_train_begin(self, logs=None):
        if self.log_dir:
            self._writer = tf.summary.create_file_writer(
                os.path.join(self.log_dir, "samples")
            )

    def on_epoch_end(self, epoch, logs=None):
        spec = self.model.latent_spec
        num_values = spec.categorical[0] if spec.categorical else 10
        images = visualize.traversal_images(
            self.model, 0, self.num_rows, num_values, self.seed
        )
        path = os.path.join(self.directory, f"epoch_{epoch + 1:03d}.png")
        visualize.save_image_grid(images, path, num_values)
        if self._writer is not None:
            grid = visualize.image_grid(images, num_values)
            with self._writer.as_default():
                tf.summary.image("samples", grid[None], step=epoch + 1)
            self._writer.flush()


class TerminateOnNonFinite(keras.callbacks.Callback):
    """Stops training, with a message, as soon as a logged loss is NaN or infinite.

    Keras's `TerminateOnNaN` only watches a key named `loss`; GANs log several.
    """

    def __init__(self):
        super().__init__()
        self.message = None

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            value = float(np.asarray(value))
            if not math.isfinite(value):
                self.message = (
                    f"Training stopped at batch {batch}: {name} is {value}. Lower the "
                    "learning rates, check the data for NaNs, or resume from the last "
                    "checkpoint."
                )
                print(f"\n{self.message}")
                self.model.stop_training = True
                return
