"""Tests for scgan_tf.metrics.disentanglement: the library's FactorVAE protocol."""

import keras
import numpy as np
import pytest

from scgan_tf import models, networks
from scgan_tf.data.ground_truth import GroundTruthData
from scgan_tf.latents import LatentSpec
from scgan_tf.metrics import disentanglement as dis
from scgan_tf.metrics.factor_vae import factor_vae_score

# Toy models: 4 noise dimensions, one 10-way code and one continuous code.
SPEC = LatentSpec(4, "uniform", categorical=(10,), continuous=1)
LEVELS = np.linspace(0.0, 1.0, 5)


def _drawing_weights(informative):
    """Weights of a linear "generator" that draws its latent into pixels.

    Informative: class k lights the 2-pixel-wide column block k of the top
    half, the continuous code sets the brightness of the bottom band; noise is
    ignored. Blind: the code is ignored, the noise sets the brightness of the
    four quarters of the top half.
    """
    weights = np.zeros((SPEC.dim, 28, 28), np.float32)
    if informative:
        for k in range(10):
            weights[SPEC.noise_dim + k, 2:12, 4 + 2 * k : 6 + 2 * k] = 1.0
        weights[SPEC.noise_dim + 10, 20:26, 2:26] = 1.0
    else:
        for j in range(SPEC.noise_dim):
            weights[j, 2:12, 4 + 6 * j : 8 + 6 * j] = 0.5
    return weights.reshape(SPEC.dim, 28 * 28)


def _toy_model(informative):
    latent = keras.Input((SPEC.dim,))
    dense = keras.layers.Dense(28 * 28, use_bias=False, trainable=False)
    x = dense(latent)
    x = keras.layers.Lambda(lambda t: keras.ops.clip(t, 0.0, 1.0))(x)
    generator = keras.Model(latent, keras.layers.Reshape((28, 28, 1))(x))
    dense.kernel.assign(_drawing_weights(informative))
    return models.GAN(generator, networks.mnist_discriminator(), SPEC)


class DrawnFactors(GroundTruthData):
    """Ground truth drawn exactly as the informative toy generator draws it."""

    factors_num_values = [10, 5]
    factor_names = ["class", "brightness"]
    observation_shape = (28, 28, 1)

    def _observations_from_factors(self, factors, random_state):
        codes = np.zeros((len(factors), SPEC.dim), np.float32)
        codes[np.arange(len(factors)), SPEC.noise_dim + factors[:, 0]] = 1.0
        codes[:, -1] = LEVELS[factors[:, 1]]
        images = np.clip(codes @ _drawing_weights(True), 0.0, 1.0)
        return images.reshape(-1, 28, 28, 1)


@pytest.fixture(scope="module")
def encoders():
    informative, blind = _toy_model(True), _toy_model(False)
    kwargs = {"steps": 100, "batch_size": 64, "seed": 0}
    return {
        "informative": (informative, dis.encoder_for_model(informative, **kwargs)),
        "blind": (blind, dis.encoder_for_model(blind, **kwargs)),
    }


def test_infogan_is_represented_by_its_code_network():
    spec = LatentSpec(88, categorical=(10,), continuous=2)
    model = models.build("infogan", latent_spec=spec)
    fn = dis.representation_fn_for(model, encoder_steps=1)
    assert fn.name == "code_network" and fn.network is model.code_network
    assert fn.dim == 12
    assert fn.dim_names[:2] == ["code0=0", "code0=1"]
    assert fn.dim_names[-2:] == ["cont0", "cont1"]
    images = np.random.default_rng(0).uniform(size=(7, 28, 28, 1)).astype("float32")
    outputs = np.asarray(model.code_network(images, training=False))
    expected = np.concatenate(
        [np.asarray(keras.ops.softmax(outputs[:, :10])), outputs[:, 10:]], axis=1
    )
    np.testing.assert_allclose(fn(images), expected, rtol=1e-5, atol=1e-6)


def test_other_models_get_a_trained_encoder():
    fn = dis.representation_fn_for(models.build("cgan"), encoder_steps=2)
    assert fn.name == "encoder(steps=2)"
    assert fn.network.name == "code_encoder"
    out = fn(np.zeros((3, 28, 28, 1), np.float32))
    assert out.shape == (3, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_encoder_is_reproducible_from_its_seed():
    model = _toy_model(True)
    images = DrawnFactors().sample_observations(16, 0)
    first = dis.encoder_for_model(model, steps=3, batch_size=8, seed=5)(images)
    second = dis.encoder_for_model(model, steps=3, batch_size=8, seed=5)(images)
    other = dis.encoder_for_model(model, steps=3, batch_size=8, seed=6)(images)
    np.testing.assert_allclose(first, second, rtol=1e-5, atol=1e-6)
    assert not np.allclose(first, other, atol=1e-4)


@pytest.mark.slow
def test_encoder_recovers_a_used_code_but_not_an_ignored_one(encoders):
    model, fn = encoders["informative"]
    used = dis.code_recovery(model, fn, num=500)
    model, fn = encoders["blind"]
    ignored = dis.code_recovery(model, fn, num=500)
    assert used["num_samples"] == 500
    assert used["code_accuracy"][0] > 0.95
    assert used["code_mse"] < 0.02
    # Chance is 1/10 for the class and 1/12 (the variance of U[0, 1]) for the MSE.
    assert ignored["code_accuracy"][0] < 0.25
    assert ignored["code_mse"] > 0.06


@pytest.mark.slow
def test_protocol_scores_a_model_whose_code_is_the_factors_high(encoders):
    model, fn = encoders["informative"]
    result = dis.disentanglement_score(
        model,
        ground_truth_data=DrawnFactors(),
        representation_fn=fn,
        random_state=0,
        num_train=300,
        num_eval=200,
        num_variance_estimate=500,
    )
    assert result["eval_accuracy"] > 0.95
    assert result["factors"] == ["class", "brightness"]
    assert result["chance_accuracy"] == 0.5
    assert result["representation"] == "encoder(steps=100)"
    assert set(result["factor_accuracies"]) == {"class", "brightness"}
    assert min(result["factor_accuracies"].values()) > 0.9
    # The continuous dimension carries the brightness votes.
    assert result["classifier"][-1] == 1
    assert result["class_accuracy"] is None  # no labelled images in this data


@pytest.mark.slow
def test_protocol_trains_the_encoder_itself():
    result = dis.disentanglement_score(
        _toy_model(True),
        ground_truth_data=DrawnFactors(),
        random_state=1,
        num_train=100,
        num_eval=100,
        num_variance_estimate=200,
        encoder_steps=60,
        encoder_batch_size=32,
    )
    assert result["representation"] == "encoder(steps=60)"
    assert result["code_accuracy"][0] > 0.95
    # Chance is 0.5; 60 steps regress the brightness only roughly.
    assert result["eval_accuracy"] > 0.6


class _FactorVectors(GroundTruthData):
    """The observation is the factor vector itself (TransformedImages' grid)."""

    factors_num_values = [10, 7, 5, 5, 5]
    factor_names = ["class", "rotation", "scale", "shift_x", "shift_y"]
    observation_shape = (5,)

    def _observations_from_factors(self, factors, random_state):
        return factors.astype(np.float64)


def test_documented_ceiling_of_a_class_only_code_on_five_factors():
    # The module docstring's claim: on the five factors of TransformedImages a
    # perfect class-only code scores far below 1, near chance (0.2).
    one_hot = lambda x: np.eye(10)[x[:, 0].astype(int)]  # noqa: E731
    noise = lambda x: np.random.default_rng(len(x)).uniform(size=(len(x), 10))  # noqa: E731
    kwargs = {"num_train": 2000, "num_eval": 1000, "num_variance_estimate": 2000}
    perfect = factor_vae_score(_FactorVectors(), one_hot, 0, **kwargs)
    chance = factor_vae_score(_FactorVectors(), noise, 0, **kwargs)
    assert 0.3 < perfect["eval_accuracy"] < 0.45
    assert 0.15 < chance["eval_accuracy"] < 0.25


class _StubRepresentation:
    latent_spec = LatentSpec(2, categorical=(3,))

    def __call__(self, images):
        # Code value = the image's first pixel.
        return np.eye(3)[np.asarray(images)[:, 0, 0, 0].astype(int)]


def test_class_accuracy_is_cluster_purity():
    codes = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    labels = np.array([4, 4, 1, 2, 2, 0, 1, 1])
    images = np.zeros((8, 28, 28, 1), np.float32)
    images[:, 0, 0, 0] = codes
    # Code 0 -> label 4 (2 of 3), code 1 -> 2 (2 of 2), code 2 -> 1 (2 of 3).
    assert dis.class_accuracy(_StubRepresentation(), images, labels) == 6 / 8
    with pytest.raises(ValueError, match="code=1"):
        dis.class_accuracy(_StubRepresentation(), images, labels, code=1)
    with pytest.raises(ValueError, match="labels.shape"):
        dis.class_accuracy(_StubRepresentation(), images, labels[:3])


def test_bad_arguments_are_named():
    no_code = models.GAN(
        networks.mnist_generator(10), networks.mnist_discriminator(), LatentSpec(10)
    )
    with pytest.raises(ValueError, match="no structured code"):
        dis.representation_fn_for(no_code)
    with pytest.raises(ValueError, match="model="):
        dis.encoder_for_model("not a model")
    model = models.build("scgan")
    with pytest.raises(ValueError, match="steps=0"):
        dis.encoder_for_model(model, steps=0)
    with pytest.raises(ValueError, match="batch_size=1"):
        dis.encoder_for_model(model, batch_size=1)
    with pytest.raises(ValueError, match="learning_rate=-1"):
        dis.encoder_for_model(model, learning_rate=-1)
    fn = dis.representation_fn_for(models.build("infogan"))
    with pytest.raises(ValueError, match="images.shape"):
        fn(np.zeros((28, 28, 1), np.float32))
