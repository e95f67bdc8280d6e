"""SCGAN and SSIM-SCGAN: a similarity constraint on the generator's images."""

import keras
import tensorflow as tf

from scgan_tf import distribute, losses
from scgan_tf.latents import Latents
from scgan_tf.models.base import GAN

SIMILARITY_SCOPES = ("global", "replica")


@keras.saving.register_keras_serializable(package="scgan_tf")
class SCGAN(GAN):
    """SCGAN: the generator also minimises a similarity constraint over image pairs.

    Pairs of generated images that share a code are pulled together and pairs that
    differ are pushed apart (see the docs, "The method"). `form="euclidean"` is SCGAN's
    constraint: `a*d + (1-a)/(d+eps)` with Euclidean `d`, summed and divided by
    `B(B-1)`; `form="ssim"` is the modified model's: `a*exp(d) + (1-a)*exp(margin-d)`
    with `d = 1 - SSIM`, averaged over the selected pairs.

    Under several replicas, `similarity_scope="global"` (default) gathers every
    replica's generated images and codes, so the pairs are formed over the global
    batch exactly as on one device. `"replica"` forms them inside each replica's
    batch: no communication, but a different objective: with R replicas each image
    has B/R - 1 partners instead of B - 1, and the random subsets are drawn from
    B/R images, so B/R must be at least the larger subset size.

    Args:
        generator, discriminator, latent_spec: see `GAN`.
        form: `"euclidean"` (SCGAN) or `"ssim"` (SSIM-SCGAN).
        similarity_weight: weight `lambda` of the constraint (the papers' 1).
        pairs: `"all"` pairs `i < j` or the paper's random `"subsets"`.
        subset_sizes: sizes of the two random index subsets for `"subsets"`.
        redraw_pairs: draw new subsets every step (default) or keep one draw for
            the whole run, as the authors' TF1 graph did.
        max_val: SSIM's dynamic range; default: the generator's output range
            (1 for sigmoid outputs). The authors' code used 1 even for tanh
            outputs (range 2).
        margin: soft margin of the SSIM form.
        similarity_scope: `"global"` or `"replica"`, see above.
        **kwargs: passed to `GAN`.

    Reference: Li et al., "SCGAN: Disentangled Representation Learning by Adding
    Similarity Constraint on Generative Adversarial Nets", IEEE Access 2019;
    Yazdanpanah & Eslamian, "Improving SCGAN's Similarity Constraint and Learning
    a Better Disentangled Representation", arXiv 2310.12262.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_spec,
        *,
        form="euclidean",
        similarity_weight=1.0,
        pairs="all",
        subset_sizes=(10, 18),
        redraw_pairs=True,
        max_val=None,
        margin=1.5,
        similarity_scope="global",
        **kwargs,
    ):
        super().__init__(generator, discriminator, latent_spec, **kwargs)
        if form not in ("euclidean", "ssim"):
            raise ValueError(
                f"form must be 'euclidean' or 'ssim'. Received: form={form!r}"
            )
        if pairs not in ("all", "subsets"):
            raise ValueError(
                f"pairs must be 'all' or 'subsets'. Received: pairs={pairs!r}"
            )
        subset_sizes = tuple(int(n) for n in subset_sizes)
        if len(subset_sizes) != 2 or min(subset_sizes) < 1:
            raise ValueError(
                "subset_sizes must be two positive integers. "
                f"Received: subset_sizes={subset_sizes}"
            )
        if similarity_scope not in SIMILARITY_SCOPES:
            raise ValueError(
                f"similarity_scope must be one of {SIMILARITY_SCOPES}. "
                f"Received: similarity_scope={similarity_scope!r}"
            )
        if similarity_weight < 0:
            raise ValueError(
                f"similarity_weight must be >= 0. Received: similarity_weight={similarity_weight}"
            )
        if latent_spec.num_codes == 0:
            raise ValueError(
                "The similarity constraint compares codes, but latent_spec has none. "
                f"Received: latent_spec={latent_spec!r}"
            )
        self.form = form
        self.similarity_weight = float(similarity_weight)
        self.pairs = pairs
        self.subset_sizes = subset_sizes
        self.redraw_pairs = bool(redraw_pairs)
        self.max_val = None if max_val is None else float(max_val)
        self.margin = float(margin)
        self.similarity_scope = similarity_scope
        self.similarity_loss_tracker = keras.metrics.Mean(name="similarity_loss")

    @property
    def metrics(self):
        return super().metrics + [self.similarity_loss_tracker]

    @property
    def ssim_max_val(self):
        """SSIM's dynamic range (`max_val`, or else the generator's output range)."""
        if self.max_val is not None:
            return self.max_val
        activation = getattr(self.generator.layers[-1], "activation", None)
        return 2.0 if getattr(activation, "__name__", "") == "tanh" else 1.0

    def similarity_loss(self, images, latents, pair_seed):
        """The unweighted constraint over `images` generated from `latents`."""
        return losses.similarity_constraint(
            images,
            latents.categorical,
            latents.continuous,
            form=self.form,
            pairs=self.pairs,
            subset_sizes=self.subset_sizes,
            seed=pair_seed,
            max_val=self.ssim_max_val,
            margin=self.margin,
        )

    def generator_extra_losses(self, fake, latents, step_seed):
        replicas = tf.distribute.get_replica_context().num_replicas_in_sync
        if self.similarity_scope == "global" and replicas > 1:
            fake, latents = _gather_images_and_codes(fake, latents)
        base = step_seed if self.redraw_pairs else tf.constant([self.seed, 0], tf.int32)
        pair_seed = tf.random.experimental.stateless_fold_in(base, 7)
        loss = self.similarity_loss(fake, latents, pair_seed)
        return {"similarity_loss": self.similarity_weight * loss}

    def get_config(self):
        config = super().get_config()
        config.update(
            form=self.form,
            similarity_weight=self.similarity_weight,
            pairs=self.pairs,
            subset_sizes=list(self.subset_sizes),
            redraw_pairs=self.redraw_pairs,
            max_val=self.max_val,
            margin=self.margin,
            similarity_scope=self.similarity_scope,
        )
        return config


@keras.saving.register_keras_serializable(package="scgan_tf")
class SSIMSCGAN(SCGAN):
    """The modified SCGAN: SSIM distance, exponential terms, random pair subsets.

    Same as `SCGAN` with the defaults `form="ssim"` and `pairs="subsets"` (subsets
    of 10 and 18 batch indices, redrawn every step).

    Reference: Yazdanpanah & Eslamian, "Improving SCGAN's Similarity Constraint
    and Learning a Better Disentangled Representation", arXiv 2310.12262.
    """

    def __init__(self, generator, discriminator, latent_spec, **kwargs):
        kwargs.setdefault("form", "ssim")
        kwargs.setdefault("pairs", "subsets")
        super().__init__(generator, discriminator, latent_spec, **kwargs)


def _gather_images_and_codes(images, latents):
    """Images and codes of the global batch, in one collective.

    One all-gather of a single float tensor: several concurrent all-gathers
    crashed TensorFlow 2.21's CPU collectives in our tests, and int32 tensors
    (host memory) cannot join a collective with float ones on the device.
    """
    shape = images.shape[1:]
    flat = tf.reshape(images, [tf.shape(images)[0], -1])
    codes = [tf.cast(latents.categorical, tf.float32), latents.continuous]
    everything = distribute.gather_replicas(tf.concat([flat] + codes, axis=1))
    sizes = [flat.shape[1], codes[0].shape[1], codes[1].shape[1]]
    flat, categorical, continuous = tf.split(everything, sizes, axis=1)
    images = tf.reshape(flat, [-1, *shape])
    return images, Latents(None, tf.cast(categorical, tf.int32), continuous)
