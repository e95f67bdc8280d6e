"""Builders of the generator, discriminator and code network (functional Keras models).

The architectures and initialisation follow the authors' code (see the docs, "The method"):
truncated-normal weights with standard deviation 0.02, zero biases, "same" padding,
LeakyReLU slope 0.2, batch norm with momentum 0.997 and epsilon 1e-5, and no bias in
the layers that batch norm follows (slim drops them too; batch norm's offset replaces them).
"""

import keras
from keras import layers

MNIST_SHAPE = (28, 28, 1)


def _init():
    return keras.initializers.TruncatedNormal(stddev=0.02)


BATCH_NORM_MODES = ("local", "sync", "none")


def check_batch_norm(batch_norm):
    if batch_norm not in BATCH_NORM_MODES:
        raise ValueError(
            f"batch_norm must be one of {BATCH_NORM_MODES}. "
            f"Received: batch_norm={batch_norm!r}"
        )
    return batch_norm


def _batch_norm(mode, name):
    # "sync" computes statistics over the global batch under tf.distribute;
    # "none" (an ablation, and for testing distribution without batch norm) keeps
    # the layer's place with an identity.
    if mode == "none":
        return layers.Identity(name=name)
    return layers.BatchNormalization(
        momentum=0.997, epsilon=1e-5, synchronized=mode == "sync", name=name
    )


def _dense(units, name, use_bias=True):
    return layers.Dense(units, use_bias=use_bias, kernel_initializer=_init(), name=name)


def mnist_generator(latent_dim, *, batch_norm="local", name="generator"):
    """The 28x28x1 generator: `[z, c]` -> image in `[0, 1]` (sigmoid output).

    dense 1024, BN, ReLU -> dense 7*7*128, BN, ReLU -> transposed conv 64 (4x4,
    stride 2), BN, ReLU -> transposed conv 1 (4x4, stride 2), sigmoid.

    Args:
        latent_dim: size of the input vector `[z, c]`.
        batch_norm: `"local"` (per replica), `"sync"` (over the global batch
            under `tf.distribute`) or `"none"`.
        name: model name.

    Returns:
        A functional `keras.Model`.
    """
    check_batch_norm(batch_norm)
    latent = keras.Input((latent_dim,), name="latent")
    x = _dense(1024, "fc1", use_bias=batch_norm == "none")(latent)
    x = layers.ReLU()(_batch_norm(batch_norm, "bn1")(x))
    x = _dense(7 * 7 * 128, "fc2", use_bias=batch_norm == "none")(x)
    x = layers.ReLU()(_batch_norm(batch_norm, "bn2")(x))
    x = layers.Reshape((7, 7, 128))(x)
    x = layers.Conv2DTranspose(
        64,
        4,
        2,
        padding="same",
        use_bias=batch_norm == "none",
        kernel_initializer=_init(),
        name="deconv1",
    )(x)
    x = layers.ReLU()(_batch_norm(batch_norm, "bn3")(x))
    x = layers.Conv2DTranspose(
        1, 4, 2, padding="same", kernel_initializer=_init(), name="deconv2"
    )(x)
    # float32 output even under a mixed-precision policy: the losses need it.
    image = layers.Activation("sigmoid", dtype="float32", name="image")(x)
    return keras.Model(latent, image, name=name)


def _mnist_trunk(image, batch_norm):
    x = layers.Conv2D(
        64, 4, 2, padding="same", kernel_initializer=_init(), name="conv1"
    )(image)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(
        128,
        4,
        2,
        padding="same",
        use_bias=batch_norm == "none",
        kernel_initializer=_init(),
        name="conv2",
    )(x)
    x = layers.LeakyReLU(0.2)(_batch_norm(batch_norm, "bn2")(x))
    return layers.Flatten()(x)


def _mnist_head(features, units, batch_norm):
    x = _dense(1024, "fc1", use_bias=batch_norm == "none")(features)
    x = layers.LeakyReLU(0.2)(_batch_norm(batch_norm, "bn3")(x))
    return layers.Dense(
        units, kernel_initializer=_init(), dtype="float32", name="logits"
    )(x)


def mnist_discriminator(condition_dim=0, *, batch_norm="local", name="discriminator"):
    """The 28x28x1 discriminator: image (and condition) -> one logit.

    conv 64 (4x4, stride 2), LeakyReLU -> conv 128 (4x4, stride 2), BN, LeakyReLU ->
    flatten -> dense 1024, BN, LeakyReLU -> dense 1.

    Args:
        condition_dim: if positive (CGAN), a second input of this size is
            concatenated to the flattened conv features before the first dense
            layer, as in the authors' code.
        batch_norm: `"local"` (per replica), `"sync"` (over the global batch
            under `tf.distribute`) or `"none"`.
        name: model name.

    Returns:
        A functional `keras.Model` taking `image` (or `[image, condition]`).
    """
    check_batch_norm(batch_norm)
    image = keras.Input(MNIST_SHAPE, name="image")
    features = _mnist_trunk(image, batch_norm)
    inputs = image
    if condition_dim:
        condition = keras.Input((condition_dim,), name="condition")
        features = layers.Concatenate()([features, condition])
        inputs = [image, condition]
    return keras.Model(inputs, _mnist_head(features, 1, batch_norm), name=name)


def mnist_code_network(num_classes, *, batch_norm="local", name="code_network"):
    """InfoGAN's Q network: D's trunk shape ending in logits over a categorical code."""
    check_batch_norm(batch_norm)
    image = keras.Input(MNIST_SHAPE, name="image")
    features = _mnist_trunk(image, batch_norm)
    return keras.Model(image, _mnist_head(features, num_classes, batch_norm), name=name)
