"""InfoGAN: a code network Q recovers the codes, maximising mutual information."""

import keras
import tensorflow as tf

from scgan_tf import losses
from scgan_tf.models.base import GAN


@keras.saving.register_keras_serializable(package="scgan_tf")
class InfoGAN(GAN):
    """InfoGAN: the generator and Q minimise `L_adv - info_weight * E[log Q(c | G(z, c))]`.

    Q is a separate network (the discriminator's trunk shape) whose outputs are
    the logits of each categorical code followed by one value per continuous code
    (a fixed-variance Gaussian, so its term is a squared error). Q and the
    generator are updated together by the generator's optimizer.

    Args:
        generator, discriminator, latent_spec: see `GAN`.
        code_network: Keras model mapping images to
            `sum(latent_spec.categorical) + latent_spec.continuous` outputs.
        info_weight: weight `lambda` of the information term (the paper's 1).
        **kwargs: passed to `GAN`.

    Reference: Chen et al., "InfoGAN", NeurIPS 2016.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_spec,
        code_network,
        info_weight=1.0,
        **kwargs,
    ):
        super().__init__(generator, discriminator, latent_spec, **kwargs)
        expected = sum(latent_spec.categorical) + latent_spec.continuous
        if code_network.output_shape[-1] != expected:
            raise ValueError(
                f"code_network must output {expected} values for {latent_spec!r}. "
                f"Received: code_network with output shape {code_network.output_shape}"
            )
        if info_weight < 0:
            raise ValueError(
                f"info_weight must be >= 0. Received: info_weight={info_weight}"
            )
        self.code_network = code_network
        self.info_weight = float(info_weight)
        self.info_loss_tracker = keras.metrics.Mean(name="info_loss")

    @property
    def metrics(self):
        return super().metrics + [self.info_loss_tracker]

    @property
    def generator_variables(self):
        return (
            self.generator.trainable_variables + self.code_network.trainable_variables
        )

    def information_loss(self, images, latents, training=False):
        """`-E[log Q(c | images)]` (up to constants for continuous codes)."""
        outputs = self.code_network(images, training=training)
        sizes = list(self.latent_spec.categorical) + [self.latent_spec.continuous]
        *logits, continuous = tf.split(outputs, sizes, axis=-1)
        total = 0.0
        for i, code_logits in enumerate(logits):
            total += losses.mutual_information_loss(
                code_logits, latents.categorical[:, i]
            )
        if self.latent_spec.continuous:
            total += tf.reduce_mean(
                tf.reduce_sum(tf.square(continuous - latents.continuous), axis=-1)
            )
        return total

    def generator_extra_losses(self, fake, latents, step_seed):
        return {
            "info_loss": self.info_weight * self.information_loss(fake, latents, True)
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            code_network=keras.saving.serialize_keras_object(self.code_network),
            info_weight=self.info_weight,
        )
        return config
