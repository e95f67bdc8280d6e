"""Training-step workloads shared by several benchmarks.

A workload is a callable that runs one training step of a compiled model on a
fixed in-memory batch and returns once the step has finished. It goes through
Keras's own train function (`model.make_train_function()`), i.e. exactly what
`model.fit` runs per step, minus callbacks and the progress bar.
"""

import tensorflow as tf

from scgan_tf import models, networks
from scgan_tf.latents import default_latent_spec

# name -> how to build the model. "ssim_scgan" is the paper's modified model
# (SSIM, random subsets of 10 and 18 indices redrawn every step); "ssim_all"
# uses every pair i < j; "gan" is the same G and D without any extra loss.
KINDS = ("gan", "ssim_scgan", "ssim_all", "scgan")


def build_model(kind, *, seed=0):
    """An uncompiled MNIST model of the given kind, with the paper's networks."""
    if kind == "gan":
        spec = default_latent_spec("mnist")
        return models.GAN(
            networks.mnist_generator(spec.dim),
            networks.mnist_discriminator(),
            spec,
            seed=seed,
        )
    if kind == "ssim_scgan":
        return models.build("ssim_scgan", "mnist", seed=seed)
    if kind == "ssim_all":
        return models.build("ssim_scgan", "mnist", seed=seed, pairs="all")
    if kind == "scgan":
        return models.build("scgan", "mnist", seed=seed)
    raise ValueError(
        f"Unknown workload kind. Expected one of {KINDS}. Received: {kind!r}"
    )


def fixed_batch(batch_size, seed=(1, 2)):
    """A fixed batch of MNIST-shaped images in [0, 1] and integer labels."""
    images = tf.random.stateless_uniform((batch_size, 28, 28, 1), seed)
    labels = tf.zeros((batch_size,), tf.int64)
    return images, labels


def train_step_fn(model, batch_size, *, jit_compile):
    """Compiles `model` and returns a callable running one synchronous step.

    The data is one fixed batch repeated, so that no input pipeline is timed.
    """
    model.compile(jit_compile=jit_compile)
    model.make_train_function()
    train_function = model.train_function
    iterator = iter(tf.data.Dataset.from_tensors(fixed_batch(batch_size)).repeat())

    def step():
        outputs = train_function(iterator)
        if isinstance(outputs, tf.experimental.Optional):
            outputs = outputs.get_value()
        # Reading a value back waits for the step to finish.
        return float(outputs["d_loss"])

    return step


class StepCache:
    """Builds each `(kind, batch_size, jit_compile)` step once per run."""

    def __init__(self):
        self._steps = {}

    def get(self, kind, batch_size, *, jit_compile=False):
        key = (kind, int(batch_size), bool(jit_compile))
        if key not in self._steps:
            model = build_model(kind)
            self._steps[key] = (
                model,
                train_step_fn(model, batch_size, jit_compile=jit_compile),
            )
        return self._steps[key][1]

    def model(self, kind, batch_size, *, jit_compile=False):
        self.get(kind, batch_size, jit_compile=jit_compile)
        return self._steps[(kind, int(batch_size), bool(jit_compile))][0]
