"""The library's protocol for scoring a GAN's disentanglement, the same for all models.

Neither paper publishes how its FactorVAE score on MNIST and Fashion-MNIST was
computed, so the library defines one, applies it to CGAN,
InfoGAN, SCGAN and SSIM-SCGAN alike, and documents it here.

**Representation.** An image is represented by the code the model infers from it:

- InfoGAN: its own code network Q (`model.code_network`, called with
  `training=False`), as trained with the GAN.
- CGAN, SCGAN, SSIM-SCGAN: an *encoder* with Q's architecture
  (`scgan_tf.networks.mnist_code_network`) trained after the GAN, on the
  generator's own samples only, to recover the codes they were generated from:
  for `steps` Adam steps (learning rate 1e-3, beta_1 0.5) on batches of
  `batch_size` fresh latents `spec.sample(batch_size, fold_in([seed, 3], step))`,
  with the generator frozen (`training=False`), minimising the softmax
  cross-entropy of each categorical code plus the squared error of the
  continuous codes (InfoGAN's information loss). Its kernels are drawn from
  seeded truncated normals (std 0.02, as the builder's) and, because 2,000
  steps leave batch norm's moving averages (momentum 0.997) unconverged, its
  batch-norm statistics are then set to those of 1,024 fresh samples. The real
  images are never seen. CGAN's code is the class label it was conditioned on
  during training, so for CGAN the encoder recovers a code that was tied to the
  classes by supervision, for free; the other three had to discover it.

The representation has one dimension per code value: the softmax probabilities
of each categorical code (10 for the paper's layout), then the continuous
outputs (codes are uniform in `[0, 1]`). It is **not standardised**. The vote of
the FactorVAE score divides each dimension's variance by its global variance,
so rescaling a dimension changes nothing but pruning, and pruning
(`prune_threshold=0.05` on the standard deviation) is meaningful on this fixed
scale: a probability's standard deviation is below 0.05 only when that code
value is (almost) never predicted, i.e. the dimension is dead, and its votes
would be noise. Standardising would revive such dimensions; logits or
log-probabilities have no fixed scale (they grow with the network's confidence)
and would make the absolute threshold arbitrary.

**Ground truth.** `TransformedImages.from_dataset(dataset, split="test")`: the
real test images under known affine transforms, with five factors: `class`
(10), `rotation` (7 angles in [-45, 45] degrees), `scale` (5 in [0.7, 1.1]),
`shift_x` and `shift_y` (5 each in [-4, 4] pixels). The score is
`factor_vae_score` (Kim & Mnih 2018, disentanglement_lib's procedure) with
vote batches of 64, by default 10,000 training votes, 5,000 evaluation votes
and 10,000 images for the global variances; the reported value is
`eval_accuracy`.

**What the number means here.** The FactorVAE score asks whether *each* factor
is captured by its own dimensions. With the paper's layout (one 10-way
categorical code, no continuous code) at most `class` can be, so the four
transform factors have no dimension of their own and their votes (4/5 of all
votes) land wherever the noise puts them. The score is therefore far below 1
for every model of the paper's layout: chance is `1 / 5 = 0.2`, and in a
simulation on the same factor grid a *perfect* class-only code (one-hot
probabilities of the true class, invariant to the transforms) scores about
0.36, the same code with softened probabilities about 0.23. Scores above that
come from code dimensions that respond, each on its own, to a transform (the
classic InfoGAN outcome of a categorical value capturing slant instead of
identity): they are rewarded, although such a code does not capture "class and
only class". A model with continuous codes can score near 1 if they capture
the transforms. So this score is *not* comparable with the papers' 0.77 to
0.91, and for the paper's layout read it with the two diagnostics returned
alongside it:

- `class_accuracy`: how well the categorical code captures class on the real,
  untransformed images: the accuracy of predicting each image's label from the
  argmax of the code, each code value mapped to the most frequent label among
  the images assigned to it (cluster purity; 0.1 to 1 for 10 balanced classes).
- `code_accuracy` (and `code_mse` for continuous codes): how well the
  representation recovers the codes of 1,000 fresh generated images (1.0 for
  a generator whose code is recoverable, about 1/10 for one that ignores it).

`factor_accuracies` gives each factor's share of correctly classified
evaluation votes, so the class factor's can be told apart from the rest.

Example:

>>> from scgan_tf import models
>>> model = models.build("infogan", "mnist")
>>> fn = representation_fn_for(model)
>>> fn.name, fn.dim
('code_network', 10)
>>> fn(np.zeros((3, 28, 28, 1), "float32")).shape
(3, 10)

Reference: Kim & Mnih 2018, "Disentangling by Factorising" (arXiv:1802.05983);
Locatello et al. 2019 (disentanglement_lib); Chen et al. 2016 ("InfoGAN") for
the code network; Yazdanpanah & Eslamian, arXiv 2310.12262 (the score on MNIST).
"""

import numbers

import keras
import numpy as np
import tensorflow as tf

from scgan_tf.checks import check_int
from scgan_tf.data import TransformedImages
from scgan_tf.data.ground_truth import check_random_state
from scgan_tf.metrics.factor_vae import factor_vae_score

DEFAULT_ENCODER_STEPS = 2000
DEFAULT_ENCODER_BATCH_SIZE = 64
# Fresh generated images whose batch statistics become the encoder's.
_BN_CALIBRATION_SAMPLES = 1024
_CODE_CHECK_SAMPLES = 1000
_BATCH = 500

__all__ = [
    "CodeRepresentation",
    "class_accuracy",
    "code_recovery",
    "disentanglement_score",
    "encoder_for_model",
    "representation_fn_for",
]


def _check_model(model):
    spec = getattr(model, "latent_spec", None)
    if spec is None or not hasattr(model, "generator"):
        raise ValueError(
            "`model` must be a scgan_tf GAN (with `generator` and `latent_spec`). "
            f"Received: model={model!r}"
        )
    if spec.num_codes == 0:
        raise ValueError(
            "`model` has no structured code to infer, so it has no code "
            f"representation. Received: model with latent_spec={spec!r}"
        )
    return spec


def _split_outputs(outputs, spec):
    sizes = list(spec.categorical) + [spec.continuous]
    *logits, continuous = tf.split(outputs, sizes, axis=-1)
    return logits, continuous


class CodeRepresentation:
    """Maps images to a model's inferred code: the representation of the protocol.

    The network's outputs (the logits of each categorical code, then one value
    per continuous code) become the softmax probabilities of each categorical
    code followed by the continuous outputs, unstandardised (see the module
    docstring).

    Args:
        network: Keras model mapping `(batch, 28, 28, 1)` images to
            `sum(latent_spec.categorical) + latent_spec.continuous` outputs.
        latent_spec: the `LatentSpec` whose codes the network infers.
        name: the name reported with scores, e.g. `"code_network"`.
        batch_size: images per forward pass.

    Attributes:
        network, latent_spec, name, batch_size, dim, dim_names.
    """

    def __init__(self, network, latent_spec, name, batch_size=_BATCH):
        self.network = network
        self.latent_spec = latent_spec
        self.name = name
        self.batch_size = check_int(batch_size, "batch_size", 1)
        self._forward = tf.function(
            lambda x: self._represent(network(x, training=False)),
            reduce_retracing=True,
        )

    @property
    def dim(self):
        return self.latent_spec.code_dim

    @property
    def dim_names(self):
        """Dimension names, `code{i}={v}` (probabilities) then `cont{j}`."""
        names = [
            f"code{i}={v}"
            for i, k in enumerate(self.latent_spec.categorical)
            for v in range(k)
        ]
        return names + [f"cont{j}" for j in range(self.latent_spec.continuous)]

    def _represent(self, outputs):
        logits, continuous = _split_outputs(outputs, self.latent_spec)
        return tf.concat([tf.nn.softmax(x, axis=-1) for x in logits] + [continuous], -1)

    def __call__(self, images):
        """Represents images.

        Args:
            images: float array `(num, 28, 28, 1)` in `[0, 1]`.

        Returns:
            float32 numpy array `(num, dim)`.
        """
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or images.shape[0] < 1:
            raise ValueError(
                "`images` must have shape (num, height, width, channels) with "
                f"num >= 1. Received: images.shape={images.shape}"
            )
        return np.concatenate(
            [
                np.asarray(self._forward(images[i : i + self.batch_size]))
                for i in range(0, len(images), self.batch_size)
            ]
        )

    def __repr__(self):
        return f"CodeRepresentation(name={self.name!r}, dim={self.dim})"


def _seeded_init(network, seed):
    # The builder's initialisers are unseeded; redraw every kernel from seeded
    # truncated normals of the same std so that the encoder is reproducible.
    for index, layer in enumerate(network.layers):
        kernel = getattr(layer, "kernel", None)
        if kernel is not None:
            init = keras.initializers.TruncatedNormal(
                stddev=0.02, seed=seed * 1009 + index
            )
            kernel.assign(init(kernel.shape))


def _code_loss(outputs, latents, spec):
    logits, continuous = _split_outputs(outputs, spec)
    total = 0.0
    for i, code_logits in enumerate(logits):
        total += tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(
                latents.categorical[:, i], code_logits
            )
        )
    if spec.continuous:
        total += tf.reduce_mean(
            tf.reduce_sum(tf.square(continuous - latents.continuous), axis=-1)
        )
    return total


def _calibrate_batch_norm(network, images):
    layers = [
        layer
        for layer in network.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    momenta = [layer.momentum for layer in layers]
    try:
        for layer in layers:
            layer.momentum = 0.0
        network(images, training=True)
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum


def encoder_for_model(
    model,
    *,
    steps=DEFAULT_ENCODER_STEPS,
    batch_size=DEFAULT_ENCODER_BATCH_SIZE,
    seed=0,
    learning_rate=1e-3,
):
    """Trains an encoder that recovers a model's codes from its own samples.

    The encoder has InfoGAN's Q architecture and is trained as described in the
    module docstring: `steps` Adam steps on batches of fresh generated images,
    cross-entropy on the categorical codes and squared error on the continuous
    ones, then batch-norm statistics from 1,024 fresh samples. The generator is
    not changed.

    Args:
        model: a trained `scgan_tf.models.GAN` with at least one code.
        steps: training steps, `>= 1`.
        batch_size: generated images per step, `>= 2`.
        seed: integer `>= 0`; seeds the weights and the latents.
        learning_rate: Adam's learning rate.

    Returns:
        A `CodeRepresentation` named `"encoder(steps=N)"`, mapping numpy images
        `(num, 28, 28, 1)` to numpy `(num, code_dim)`.

    Raises:
        ValueError: if `model` has no code, or an argument is out of range.

    Example:

    >>> from scgan_tf import models
    >>> fn = encoder_for_model(models.build("scgan"), steps=1, batch_size=4)
    >>> fn.name, fn(np.zeros((2, 28, 28, 1), "float32")).shape
    ('encoder(steps=1)', (2, 10))

    Reference: Chen et al., "InfoGAN", NeurIPS 2016 (the code network and loss).
    """
    from scgan_tf import networks

    spec = _check_model(model)
    steps = check_int(steps, "steps", 1)
    batch_size = check_int(batch_size, "batch_size", 2)
    seed = check_int(seed, "seed", 0)
    if not isinstance(learning_rate, numbers.Real) or not learning_rate > 0:
        raise ValueError(
            f"`learning_rate` must be a positive number. Received: "
            f"learning_rate={learning_rate!r}"
        )
    network = networks.mnist_code_network(spec.code_dim, name="code_encoder")
    _seeded_init(network, seed)
    optimizer = keras.optimizers.Adam(float(learning_rate), beta_1=0.5)
    optimizer.build(network.trainable_variables)
    generator = model.generator

    def fake_batch(num, seed_pair):
        latents = spec.sample(num, seed_pair)
        return generator(spec.to_vector(latents), training=False), latents

    @tf.function
    def train_step(step):
        images, latents = fake_batch(
            batch_size, tf.random.experimental.stateless_fold_in([seed, 3], step)
        )
        with tf.GradientTape() as tape:
            loss = _code_loss(network(images, training=True), latents, spec)
        variables = network.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    for step in range(steps):
        train_step(tf.constant(step, tf.int32))
    images, _ = fake_batch(_BN_CALIBRATION_SAMPLES, [seed, 5])
    _calibrate_batch_norm(network, images)
    return CodeRepresentation(network, spec, f"encoder(steps={steps})")


def representation_fn_for(
    model,
    *,
    encoder_steps=DEFAULT_ENCODER_STEPS,
    encoder_batch_size=DEFAULT_ENCODER_BATCH_SIZE,
    seed=0,
):
    """The protocol's representation of a model: Q where it has one, else an encoder.

    Args:
        model: a `scgan_tf.models.GAN`. A model with a `code_network` (InfoGAN)
            is represented by it; any other by `encoder_for_model`.
        encoder_steps, encoder_batch_size, seed: passed to `encoder_for_model`
            (unused for InfoGAN).

    Returns:
        A `CodeRepresentation` named `"code_network"` or `"encoder(steps=N)"`.

    Raises:
        ValueError: if `model` has no code.

    Example:

    >>> from scgan_tf import models
    >>> representation_fn_for(models.build("infogan")).name
    'code_network'
    """
    spec = _check_model(model)
    code_network = getattr(model, "code_network", None)
    if code_network is not None:
        return CodeRepresentation(code_network, spec, "code_network")
    return encoder_for_model(
        model, steps=encoder_steps, batch_size=encoder_batch_size, seed=seed
    )


def code_recovery(model, representation_fn, num=_CODE_CHECK_SAMPLES, seed=1):
    """How well a representation recovers the codes of a model's fresh samples.

    Args:
        model: a `scgan_tf.models.GAN`.
        representation_fn: a `CodeRepresentation` of the model's layout.
        num: generated images, `>= 1`.
        seed: integer seed of their latents (`[seed, 4]`).

    Returns:
        A dict: `"code_accuracy"` (list, one accuracy per categorical code:
        argmax of its probabilities against the code the image was generated
        from) and `"code_mse"` (mean squared error per continuous code, or
        `None` without continuous codes), `"num_samples"`.
    """
    spec = _check_model(model)
    num = check_int(num, "num", 1)
    latents = spec.sample(num, [int(seed), 4])
    representation = representation_fn(model.generate(latents=latents))
    categorical = np.asarray(latents.categorical)
    accuracies, start = [], 0
    for i, k in enumerate(spec.categorical):
        predicted = np.argmax(representation[:, start : start + k], axis=1)
        accuracies.append(float(np.mean(predicted == categorical[:, i])))
        start += k
    mse = None
    if spec.continuous:
        mse = float(
            np.mean(
                np.square(representation[:, start:] - np.asarray(latents.continuous))
            )
        )
    return {"code_accuracy": accuracies, "code_mse": mse, "num_samples": num}


def class_accuracy(representation_fn, images, labels, code=0):
    """Cluster purity of a categorical code against true labels.

    Each image is assigned the argmax of code `code`'s probabilities; each code
    value is mapped to the most frequent label among its images (ties: the
    smaller label); the accuracy of that mapping is returned.

    Args:
        representation_fn: a `CodeRepresentation`.
        images: float array `(num, 28, 28, 1)` in `[0, 1]`.
        labels: integer array `(num,)`.
        code: index of the categorical code.

    Returns:
        A float in `[0, 1]`; about `1 / num_classes` for a code unrelated to
        the labels (more with few images), 1 for a code that captures them.

    Example:

    >>> from scgan_tf import models
    >>> fn = representation_fn_for(models.build("infogan"))
    >>> x = np.zeros((4, 28, 28, 1), "float32")
    >>> class_accuracy(fn, x, np.array([0, 0, 0, 1]))
    0.75
    """
    spec = representation_fn.latent_spec
    if not 0 <= code < len(spec.categorical):
        raise ValueError(
            f"`code` must index one of the {len(spec.categorical)} categorical "
            f"codes. Received: code={code!r}"
        )
    labels = np.asarray(labels)
    if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"`labels` must be an integer array of shape ({len(images)},). "
            f"Received: labels.shape={labels.shape}, labels.dtype={labels.dtype}"
        )
    start = sum(spec.categorical[:code])
    probabilities = representation_fn(images)[:, start : start + spec.categorical[code]]
    assigned = np.argmax(probabilities, axis=1)
    table = np.zeros((spec.categorical[code], int(labels.max()) + 1), np.int64)
    np.add.at(table, (assigned, labels), 1)
    return float(table.max(axis=1).sum() / len(labels))


def disentanglement_score(
    model,
    dataset="mnist",
    *,
    random_state=0,
    num_train=10000,
    num_eval=5000,
    num_variance_estimate=10000,
    batch_size=64,
    prune_threshold=0.05,
    encoder_steps=DEFAULT_ENCODER_STEPS,
    encoder_batch_size=DEFAULT_ENCODER_BATCH_SIZE,
    ground_truth_data=None,
    representation_fn=None,
):
    """The FactorVAE score of a model under the library's protocol.

    See the module docstring for the protocol and how to read the number. The
    encoder (models without a code network) is trained first, with a seed drawn
    from `random_state`; then `factor_vae_score` runs with the same generator.

    Args:
        model: a trained `scgan_tf.models.GAN` with at least one code.
        dataset: `"mnist"` or `"fashion_mnist"`: the ground truth is
            `TransformedImages.from_dataset(dataset, split="test")`.
        random_state: integer seed or `np.random.Generator`.
        num_train, num_eval, num_variance_estimate, batch_size,
            prune_threshold: passed to `factor_vae_score`.
        encoder_steps, encoder_batch_size: for `encoder_for_model`.
        ground_truth_data: a `GroundTruthData` used instead of `dataset`'s.
        representation_fn: a `CodeRepresentation` used instead of the
            protocol's (then no encoder is trained).

    Returns:
        The dict of `factor_vae_score` (`train_accuracy`, `eval_accuracy`,
        `num_active_dims`, `active_dims`, `global_variances`, `train_votes`,
        `eval_votes`, `classifier`) plus: `"representation"` (its name),
        `"representation_dims"` (dimension names), `"factors"` (factor names),
        `"factor_accuracies"` (dict: factor -> share of its evaluation votes
        classified correctly, `None` without votes), `"chance_accuracy"`
        (`1 / num_factors`), `"code_accuracy"`, `"code_mse"` (see
        `code_recovery`), `"class_accuracy"` (see `class_accuracy`, on the
        ground truth's untransformed images; `None` where it has no labelled
        images or the model no categorical code) and the vote settings.

    Raises:
        ValueError: on a model without a code or invalid arguments.

    Reference:
        Kim & Mnih 2018, "Disentangling by Factorising" (arXiv:1802.05983).
    """
    spec = _check_model(model)
    rng = check_random_state(random_state)
    if ground_truth_data is None:
        ground_truth_data = TransformedImages.from_dataset(dataset, split="test")
    encoder_seed = int(rng.integers(0, 2**31 - 1))
    if representation_fn is None:
        representation_fn = representation_fn_for(
            model,
            encoder_steps=encoder_steps,
            encoder_batch_size=encoder_batch_size,
            seed=encoder_seed,
        )
    result = factor_vae_score(
        ground_truth_data,
        representation_fn,
        rng,
        batch_size=batch_size,
        num_train=num_train,
        num_eval=num_eval,
        num_variance_estimate=num_variance_estimate,
        prune_threshold=prune_threshold,
    )
    factors = list(ground_truth_data.factor_names)
    votes, classifier = result["eval_votes"], result["classifier"]
    factor_accuracies = {}
    for k, name in enumerate(factors):
        total = int(votes[k].sum())
        correct = int(votes[k, classifier == k].sum())
        factor_accuracies[name] = correct / total if total else None
    recovery = code_recovery(model, representation_fn, seed=encoder_seed)
    purity = None
    images = getattr(ground_truth_data, "images", None)
    labels = getattr(ground_truth_data, "labels", None)
    if spec.categorical and images is not None and labels is not None:
        purity = class_accuracy(representation_fn, images, labels)
    result.update(
        representation=representation_fn.name,
        representation_dims=representation_fn.dim_names,
        factors=factors,
        factor_accuracies=factor_accuracies,
        chance_accuracy=1.0 / ground_truth_data.num_factors,
        code_accuracy=recovery["code_accuracy"],
        code_mse=recovery["code_mse"],
        class_accuracy=purity,
        num_train=num_train,
        num_eval=num_eval,
        num_variance_estimate=num_variance_estimate,
        batch_size=batch_size,
        prune_threshold=prune_threshold,
    )
    return result
