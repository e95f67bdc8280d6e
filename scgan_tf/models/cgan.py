"""CGAN: the discriminator sees each image with its latent vector `[z, c]`."""

import keras
import tensorflow as tf

from scgan_tf.models.base import GAN


@keras.saving.register_keras_serializable(package="scgan_tf")
class CGAN(GAN):
    """Conditional GAN whose code `c` is the real batch's labels.

    As in the authors' code, `c` (one-hot labels) conditions both the real images
    and the generator for that step, the same noise `z` goes to both branches,
    and the discriminator receives the whole latent vector `[z, c]` concatenated
    to its flattened conv features. Fit it on `(image, label)` pairs.

    Args:
        generator: see `GAN`.
        discriminator: a model taking `[image, latent_vector]`.
        latent_spec: `LatentSpec` with exactly one categorical code (the labels).
        **kwargs: passed to `GAN`.

    Reference: Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014.
    """

    def __init__(self, generator, discriminator, latent_spec, **kwargs):
        if len(latent_spec.categorical) != 1:
            raise ValueError(
                "CGAN conditions on the labels, so latent_spec needs exactly one "
                f"categorical code. Received: latent_spec={latent_spec!r}"
            )
        super().__init__(generator, discriminator, latent_spec, **kwargs)

    def condition_latents(self, latents, labels):
        if labels is None:
            raise ValueError(
                "CGAN trains on labelled images: pass (image, label) pairs to fit(). "
                "Received: x without labels"
            )
        labels = tf.reshape(tf.cast(labels, tf.int32), (-1, 1))
        return type(latents)(latents.noise, labels, latents.continuous)

    def discriminate(self, images, latents, training):
        condition = self.latent_spec.to_vector(latents)
        return self.discriminator([images, condition], training=training)
