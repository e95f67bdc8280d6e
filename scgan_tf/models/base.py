"""`GAN`: what all models of this library share (latents, steps, saving, replicas)."""

import keras
import numpy as np
import tensorflow as tf

from scgan_tf import losses
from scgan_tf.latents import LatentSpec

_serialize = keras.saving.serialize_keras_object
_deserialize = keras.saving.deserialize_keras_object


@keras.saving.register_keras_serializable(package="scgan_tf")
class GAN(keras.Model):
    """A GAN trained by `fit()`: one discriminator step, then one generator step.

    Subclasses change what the discriminator sees (`CGAN`) and add generator
    losses (`InfoGAN`, `SCGAN`). Every step draws its latents from the model's
    `seed` and the step number with stateless random ops, so a run is
    reproducible, resumes identically from a checkpoint, and draws the same
    latents on any number of replicas: each replica takes its slice of the
    global batch's latents, as it takes its slice of the global batch of images.

    Under `tf.distribute`, every loss is divided by the number of replicas before
    differentiation, because the optimizers sum the replicas' gradients.

    Args:
        generator: Keras model mapping `(batch, latent_spec.dim)` to images.
        discriminator: Keras model mapping images to one logit per image.
        latent_spec: `LatentSpec` of the generator's input.
        seed: integer seed of all the model's randomness.
        **kwargs: passed to `keras.Model`.
    """

    def __init__(self, generator, discriminator, latent_spec, *, seed=0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(latent_spec, LatentSpec):
            raise ValueError(
                f"latent_spec must be a LatentSpec. Received: latent_spec={latent_spec!r}"
            )
        if generator.input_shape[-1] != latent_spec.dim:
            raise ValueError(
                f"The generator takes inputs of size {generator.input_shape[-1]} but "
                f"latent_spec describes {latent_spec.dim}. Received: "
                f"latent_spec={latent_spec!r}"
            )
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed must be an integer. Received: seed={seed!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_spec = latent_spec
        self.seed = int(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        # The sub-models are functional and already built.
        self.built = True

    @property
    def image_shape(self):
        return tuple(self.generator.output_shape[1:])

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, latent_vectors, training=False):
        return self.generator(latent_vectors, training=training)

    # ----------------------------------------------------------- compile / save

    def compile(
        self, d_optimizer=None, g_optimizer=None, *, jit_compile="auto", **kwargs
    ):
        """Configures training.

        Under the `mixed_float16` dtype policy both optimizers are wrapped in
        `keras.optimizers.LossScaleOptimizer`; the losses are computed in float32
        whatever the policy (the networks' last layers are float32).

        Args:
            d_optimizer: optimizer of the discriminator; default Adam(2e-4,
                beta_1=0.5, beta_2=0.999), the paper's.
            g_optimizer: optimizer of the generator (and of InfoGAN's code
                network); default Adam(1e-3, beta_1=0.5, beta_2=0.999).
            jit_compile: compile the training step with XLA. `"auto"` (default)
                turns it on with one replica, where it was measured 1.3x to 1.6x
                faster on CPU (see the docs, "Performance"), and off under several
                replicas, where it has not been measured.
            **kwargs: passed to `keras.Model.compile`, e.g. `steps_per_execution`.
        """
        self.d_optimizer = keras.optimizers.get(
            d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999)
        )
        self.g_optimizer = keras.optimizers.get(
            g_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.999)
        )
        if self.dtype_policy.name == "mixed_float16":
            self.d_optimizer, self.g_optimizer = (
                o
                if isinstance(o, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(o)
                for o in (self.d_optimizer, self.g_optimizer)
            )
        if jit_compile == "auto":
            jit_compile = tf.distribute.get_strategy().num_replicas_in_sync == 1
        # Keras's own `optimizer` slot holds the generator's, so that Keras does not
        # create (and save) a third, unused optimizer.
        super().compile(
            optimizer=self.g_optimizer,
            jit_compile=jit_compile,
            auto_scale_loss=False,
            **kwargs,
        )
        # Built now so that checkpoints restore into existing slots.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator_variables)

    def get_compile_config(self):
        return {
            "d_optimizer": _serialize(self.d_optimizer),
            "g_optimizer": _serialize(self.g_optimizer),
            "jit_compile": bool(self.jit_compile),
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=_deserialize(config["d_optimizer"]),
            g_optimizer=_deserialize(config["g_optimizer"]),
            jit_compile=config.get("jit_compile", "auto"),
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            generator=_serialize(self.generator),
            discriminator=_serialize(self.discriminator),
            latent_spec=_serialize(self.latent_spec),
            seed=self.seed,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "code_network", "latent_spec"):
            if key in config:
                config[key] = _deserialize(config[key])
        return cls(**config)

    # ---------------------------------------------------------------- sampling

    @property
    def generator_variables(self):
        """Variables updated by the generator step."""
        return self.generator.trainable_variables

    def generate(self, num=None, *, seed=0, latents=None, batch_size=500):
        """Generates images from seeded random latents or from given latents.

        Args:
            num: number of images (with `seed`).
            seed: integer seed of the latents; the same seed gives the same images.
            latents: a `Latents` tuple to generate from instead.
            batch_size: images per generator call.

        Returns:
            float32 numpy array `(num, height, width, channels)`.
        """
        if latents is None:
            if not isinstance(num, int) or num < 1:
                raise ValueError(
                    f"num must be a positive integer. Received: num={num!r}"
                )
            latents = self.latent_spec.sample(num, [int(seed), 1])
        vectors = self.latent_spec.to_vector(latents)
        return np.concatenate(
            [
                keras.ops.convert_to_numpy(self.generator(batch, training=False))
                for batch in tf.split(vectors, _chunks(len(vectors), batch_size))
            ]
        )

    # ---------------------------------------------------------------- training

    def _step_latents(self, local_batch):
        """This step's latents for this replica's slice of the global batch."""
        context = tf.distribute.get_replica_context()
        replicas = context.num_replicas_in_sync
        step = tf.cast(self.d_optimizer.iterations, tf.int32)
        seed = tf.random.experimental.stateless_fold_in([self.seed, 0], step)
        everyone = self.latent_spec.sample(local_batch * replicas, seed)
        start = tf.cast(context.replica_id_in_sync_group, tf.int32) * local_batch
        return type(everyone)(*(t[start : start + local_batch] for t in everyone)), seed

    def _unpack(self, data):
        if isinstance(data, (tuple, list)):
            images, labels = data[0], (data[1] if len(data) > 1 else None)
        else:
            images, labels = data, None
        images = tf.convert_to_tensor(images)
        if tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(
                f"The training images have shape {tuple(images.shape[1:])} but this "
                f"model's generator makes images of shape {self.image_shape}. "
                f"Received: x with shape {tuple(images.shape)}"
            )
        if not images.dtype.is_floating:
            raise ValueError(
                "The training images must be floats in the generator's output range "
                f"(scgan_tf.data.load gives them). Received: x with dtype {images.dtype}"
            )
        return tf.cast(images, tf.float32), labels

    def condition_latents(self, latents, labels):
        """Hook: the latents the generator uses this step (CGAN uses the labels)."""
        return latents

    def discriminate(self, images, latents, training):
        """Hook: discriminator logits for `images` generated from / paired with `latents`."""
        return self.discriminator(images, training=training)

    def generator_extra_losses(self, fake, latents, step_seed):
        """Hook: extra generator losses `{name: weighted value}` (mean over the batch)."""
        return {}

    def train_step(self, data):
        real, labels = self._unpack(data)
        replicas = tf.distribute.get_replica_context().num_replicas_in_sync
        latents, step_seed = self._step_latents(tf.shape(real)[0])
        latents = self.condition_latents(latents, labels)
        vectors = self.latent_spec.to_vector(latents)

        fake = self.generator(vectors, training=True)
        with tf.GradientTape() as tape:
            d_loss = losses.discriminator_loss(
                self.discriminate(real, latents, training=True),
                self.discriminate(fake, latents, training=True),
            )
            scaled = self.d_optimizer.scale_loss(d_loss / replicas)
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(scaled, d_vars), d_vars))

        with tf.GradientTape() as tape:
            fake = self.generator(vectors, training=True)
            g_adversarial = losses.generator_loss(
                self.discriminate(fake, latents, training=True)
            )
            extra = self.generator_extra_losses(fake, latents, step_seed)
            g_loss = g_adversarial + sum(extra.values())
            scaled = self.g_optimizer.scale_loss(g_loss / replicas)
        g_vars = self.generator_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(scaled, g_vars), g_vars))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        for tracker in self.metrics[2:]:
            tracker.update_state(extra[tracker.name])
        return {m.name: m.result() for m in self.metrics}


def _chunks(total, size):
    return [size] * (total // size) + ([total % size] if total % size else [])
