"""Builders of the generator, discriminator and code network (functional Keras models).

The architectures and initialisation follow the authors' code (PAPER.md section 3):
truncated-normal weights with standard deviation 0.02, zero biases, "same" padding,
LeakyReLU slope 0.2, batch norm with momentum 0.997 and epsilon 1e-5, and no bias in
the layers that batch norm follows (slim drops them too; batch norm's offset replaces them).
"""

import keras
from keras import layers

MNIST_SHAPE = (28, 28, 1)


def _init():
    return keras.initializers.TruncatedNormal(stddev=0.02)


def _batch_norm(sync, name):
    # Synchronised batch norm computes statistics over the global batch under
    # tf.distribute, so several replicas train exactly like one device.
    return layers.BatchNormalization(
        momentum=0.997, epsilon=1e-5, synchronized=sync, name=name
    )


def _dense(units, name, use_bias=True):
    return layers.Dense(units, use_bias=use_bias, kernel_initializer=_init(), name=name)


def mnist_generator(latent_dim, *, sync_batch_norm=False, name="generator"):
    """The 28x28x1 generator: `[z, c]` -> image in `[0, 1]` (sigmoid output).

    dense 1024, BN, ReLU -> dense 7*7*128, BN, ReLU -> transposed conv 64 (4x4,
    stride 2), BN, ReLU -> transposed conv 1 (4x4, stride 2), sigmoid.

    Args:
        latent_dim: size of the input vector `[z, c]`.
        sync_batch_norm: synchronise batch norm across replicas.
        name: model name.

    Returns:
        A functional `keras.Model`.
    """
    latent = keras.Input((latent_dim,), name="latent")
    x = _dense(1024, "fc1", use_bias=False)(latent)
    x = layers.ReLU()(_batch_norm(sync_batch_norm, "bn1")(x))
    x = _dense(7 * 7 * 128, "fc2", use_bias=False)(x)
    x = layers.ReLU()(_batch_norm(sync_batch_norm, "bn2")(x))
    x = layers.Reshape((7, 7, 128))(x)
    x = layers.Conv2DTranspose(
        64,
        4,
        2,
        padding="same",
        use_bias=False,
        kernel_initializer=_init(),
        name="deconv1",
    )(x)
    x = layers.ReLU()(_batch_norm(sync_batch_norm, "bn3")(x))
    x = layers.Conv2DTranspose(
        1, 4, 2, padding="same", kernel_initializer=_init(), name="deconv2"
    )(x)
    # float32 output even under a mixed-precision policy: the losses need it.
    image = layers.Activation("sigmoid", dtype="float32", name="image")(x)
    return keras.Model(latent, image, name=name)


def _mnist_trunk(image, sync_batch_norm):
    x = layers.Conv2D(
        64, 4, 2, padding="same", kernel_initializer=_init(), name="conv1"
    )(image)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(
        128,
        4,
        2,
        padding="same",
        use_bias=False,
        kernel_initializer=_init(),
        name="conv2",
    )(x)
    x = layers.LeakyReLU(0.2)(_batch_norm(sync_batch_norm, "bn2")(x))
    return layers.Flatten()(x)


def _mnist_head(features, units, sync_batch_norm):
    x = _dense(1024, "fc1", use_bias=False)(features)
    x = layers.LeakyReLU(0.2)(_batch_norm(sync_batch_norm, "bn3")(x))
    return layers.Dense(
        units, kernel_initializer=_init(), dtype="float32", name="logits"
    )(x)


def mnist_discriminator(
    condition_dim=0, *, sync_batch_norm=False, name="discriminator"
):
    """The 28x28x1 discriminator: image (and condition) -> one logit.

    conv 64 (4x4, stride 2), LeakyReLU -> conv 128 (4x4, stride 2), BN, LeakyReLU ->
    flatten -> dense 1024, BN, LeakyReLU -> dense 1.

    Args:
        condition_dim: if positive (CGAN), a second input of this size is
            concatenated to the flattened conv features before the first dense
            layer, as in the authors' code.
        sync_batch_norm: synchronise batch norm across replicas.
        name: model name.

    Returns:
        A functional `keras.Model` taking `image` (or `[image, condition]`).
    """
    image = keras.Input(MNIST_SHAPE, name="image")
    features = _mnist_trunk(image, sync_batch_norm)
    inputs = image
    if condition_dim:
        condition = keras.Input((condition_dim,), name="condition")
        features = layers.Concatenate()([features, condition])
        inputs = [image, condition]
    return keras.Model(inputs, _mnist_head(features, 1, sync_batch_norm), name=name)


def mnist_code_network(num_classes, *, sync_batch_norm=False, name="code_network"):
    """InfoGAN's Q network: D's trunk shape ending in logits over a categorical code."""
    image = keras.Input(MNIST_SHAPE, name="image")
    features = _mnist_trunk(image, sync_batch_norm)
    return keras.Model(
        image, _mnist_head(features, num_classes, sync_batch_norm), name=name
    )
