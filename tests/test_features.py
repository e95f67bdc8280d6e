"""Tests for scgan_tf.metrics.features."""

import os
import warnings

import keras
import numpy as np
import pytest

from scgan_tf import data
from scgan_tf.metrics import features
from scgan_tf.metrics.frechet import fid_from_activations


@pytest.fixture(scope="module")
def mnist_extractor():
    return features.get_extractor("mnist_classifier")


@pytest.fixture(scope="module")
def fashion_extractor():
    return features.get_extractor("fashion_mnist_classifier")


@pytest.fixture(scope="module")
def mnist_test_images():
    return data.load_numpy("mnist", "test")[0]


def test_unknown_extractor_lists_names():
    with pytest.raises(ValueError, match="name='vgg'") as info:
        features.get_extractor("vgg")
    for name in features.EXTRACTOR_NAMES:
        assert name in str(info.value)


def test_default_extractor_name():
    assert features.default_extractor_name("mnist") == "mnist_classifier"
    assert (
        features.default_extractor_name("fashion_mnist") == "fashion_mnist_classifier"
    )
    with pytest.raises(ValueError, match="dataset='cifar10'"):
        features.default_extractor_name("cifar10")


def test_classifier_extractor_shapes_and_batching(mnist_extractor, mnist_test_images):
    images = mnist_test_images[:23]
    assert mnist_extractor.name == "mnist_classifier"
    assert mnist_extractor.feature_dim == 128
    feats, logits = mnist_extractor.features_and_logits(images)
    assert feats.shape == (23, 128) and logits.shape == (23, 10)
    assert np.all(np.isfinite(feats)) and np.all(feats >= 0)  # ReLU features
    small = features.get_extractor("mnist_classifier", batch_size=5)
    np.testing.assert_allclose(small(images), feats, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(small.logits(images), logits, rtol=1e-5, atol=1e-5)
    # The logits are the shipped classifier's.
    model = features._dc.load_domain_classifier("mnist")
    np.testing.assert_allclose(
        np.asarray(model(images, training=False)), logits, rtol=1e-5, atol=1e-5
    )


def test_classifier_weights_options(tmp_path, mnist_test_images):
    random = features.get_extractor("fashion_mnist_classifier", weights=None)
    assert random.name == "fashion_mnist_classifier(random)"
    path = tmp_path / "mine.weights.h5"
    features._dc.build_domain_classifier(seed=0).save_weights(path)
    from_file = features.get_extractor("fashion_mnist_classifier", weights=str(path))
    assert from_file.name == "fashion_mnist_classifier(mine.weights.h5)"
    images = mnist_test_images[:4]
    np.testing.assert_allclose(random(images), from_file(images), rtol=1e-6)
    assert random.cache_key != from_file.cache_key
    for bad in (tmp_path / "missing.weights.h5", 3):
        with pytest.raises(ValueError, match="weights="):
            features.get_extractor("mnist_classifier", weights=bad)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="batch_size="):
        features.get_extractor("mnist_classifier", batch_size=bad)


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((2, 28, 28, 1), np.uint8), "dtype=uint8"),
        (np.zeros((28, 28, 1), np.float32), r"shape=\(28, 28, 1\)"),
        (np.zeros((0, 28, 28, 1), np.float32), r"shape=\(0, 28, 28, 1\)"),
        (np.zeros((2, 28, 28, 2), np.float32), r"shape=\(2, 28, 28, 2\)"),
        (np.zeros((2, 32, 32, 1), np.float32), r"shape=\(2, 32, 32, 1\)"),
        (np.full((2, 28, 28, 1), np.nan, np.float32), "non-finite"),
        (np.full((2, 28, 28, 1), -1.0, np.float32), "min=-1"),
        (np.full((2, 28, 28, 1), 255.0, np.float32), "max=255"),
    ],
)
def test_bad_images(mnist_extractor, images, match):
    with pytest.raises(ValueError, match=match) as info:
        mnist_extractor(images)
    assert "images" in str(info.value)


def test_values_within_tolerance_are_clipped(mnist_extractor, mnist_test_images):
    images = mnist_test_images[:3]
    nudged = images.copy()
    nudged[images == 1.0] += 5e-4
    nudged[images == 0.0] -= 5e-4
    np.testing.assert_allclose(mnist_extractor(nudged), mnist_extractor(images))


def test_inception_preprocess_grey_to_rgb_and_range():
    levels = np.array([0.0, 0.5, 1.0], np.float32)
    images = np.broadcast_to(levels[:, None, None, None], (3, 28, 28, 1))
    out = np.asarray(features.inception_preprocess(images))
    assert out.shape == (3, 299, 299, 3)
    for i, expected in enumerate((-1.0, 0.0, 1.0)):
        np.testing.assert_allclose(out[i], expected, atol=1e-6)
    # Three-channel input keeps its channels.
    rgb = np.broadcast_to(levels, (1, 20, 20, 3))
    out = np.asarray(features.inception_preprocess(rgb))
    np.testing.assert_allclose(out[0, 100, 50], [-1.0, 0.0, 1.0], atol=1e-6)


def test_inception_preprocess_is_half_pixel_bilinear():
    # A horizontal ramp: bilinear interpolation reproduces a linear function
    # exactly, sampled at the half-pixel-centre source coordinates and clamped
    # at the borders.
    ramp = (np.arange(28, dtype=np.float32) / 27.0)[None, None, :, None]
    images = np.broadcast_to(ramp, (1, 28, 28, 1))
    out = np.asarray(features.inception_preprocess(images))
    source_x = (np.arange(299) + 0.5) * 28 / 299 - 0.5
    expected = 2.0 * np.clip(source_x, 0.0, 27.0) / 27.0 - 1.0
    for channel in range(3):
        for row in (0, 150, 298):
            np.testing.assert_allclose(out[0, row, :, channel], expected, atol=1e-5)


def test_inception_random_weights_on_small_images():
    extractor = features.get_extractor("inception", weights=None, batch_size=2)
    assert extractor.name == "inception(random)"
    assert extractor.feature_dim == 2048
    assert not extractor.cacheable
    rng = np.random.default_rng(0)
    grey = rng.uniform(size=(2, 28, 28, 1)).astype(np.float32)
    feats = np.concatenate([extractor(grey), extractor(np.repeat(grey, 3, axis=-1))])
    assert feats.shape == (4, 2048)
    assert feats.dtype == np.float32 and np.all(np.isfinite(feats))
    # Grey input is the same as its RGB repetition.
    np.testing.assert_allclose(feats[:2], feats[2:], rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="no class logits"):
        extractor.logits(grey)


def test_inception_imagenet_offline_error(monkeypatch):
    def offline(**kwargs):
        raise Exception("URL fetch failure (offline)")

    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    with pytest.raises(features.WeightsNotFoundError) as info:
        features.get_extractor("inception")
    message = str(info.value)
    assert features.INCEPTION_WEIGHTS_FILE in message
    assert "weights=" in message and "offline" in message
    with pytest.raises(ValueError, match="weights='/no/such/file.h5'"):
        features.get_extractor("inception", weights="/no/such/file.h5")


def _files(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_stats_cache_written_reused_and_keyed(
    tmp_path, monkeypatch, mnist_extractor, fashion_extractor
):
    kwargs = {"cache_dir": tmp_path, "num_samples": 300, "seed": 1}
    stats = features.real_statistics("mnist", "test", mnist_extractor, **kwargs)
    assert stats["mu"].dtype == np.float64 and stats["sigma"].shape == (128, 128)
    assert stats["num_samples"] == 300 and stats["extractor"] == "mnist_classifier"
    written = _files(tmp_path)
    assert len(written) == 2  # activations and statistics
    assert all(n.startswith("mnist_test_300_seed1_mnist_classifier_") for n in written)
    act = features.real_activations("mnist", "test", mnist_extractor, **kwargs)
    np.testing.assert_allclose(stats["mu"], act.astype(np.float64).mean(axis=0))
    np.testing.assert_allclose(stats["sigma"], np.cov(act.astype(np.float64).T))

    def fail(images):
        raise AssertionError("recomputed despite the cache")

    with monkeypatch.context() as patch:
        patch.setattr(mnist_extractor, "_run", fail)
        again = features.real_statistics("mnist", "test", mnist_extractor, **kwargs)
        act_again = features.real_activations(
            "mnist", "test", mnist_extractor, **kwargs
        )
    np.testing.assert_array_equal(again["mu"], stats["mu"])
    np.testing.assert_array_equal(again["sigma"], stats["sigma"])
    np.testing.assert_array_equal(act_again, act)
    assert _files(tmp_path) == written

    other = features.real_statistics("mnist", "test", fashion_extractor, **kwargs)
    assert other["extractor"] == "fashion_mnist_classifier"
    assert len(_files(tmp_path)) == 4
    assert not np.allclose(other["mu"], stats["mu"])
    features.real_statistics("mnist", "test", mnist_extractor, cache_dir=tmp_path)
    assert len(_files(tmp_path)) == 6
    assert any(
        n.startswith("mnist_test_all_mnist_classifier") for n in _files(tmp_path)
    )


def test_unreadable_cache_is_rebuilt(tmp_path, mnist_extractor):
    kwargs = {"cache_dir": tmp_path, "num_samples": 50}
    stats = features.real_statistics("mnist", "test", mnist_extractor, **kwargs)
    for name in _files(tmp_path):
        (tmp_path / name).write_bytes(b"not an npz file")
    with pytest.warns(UserWarning, match="unreadable cache"):
        rebuilt = features.real_statistics("mnist", "test", mnist_extractor, **kwargs)
    np.testing.assert_allclose(rebuilt["mu"], stats["mu"], rtol=1e-6, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        features.real_statistics("mnist", "test", mnist_extractor, **kwargs)


def test_cache_dir_from_environment_and_uncacheable(tmp_path, monkeypatch):
    monkeypatch.setenv(features.CACHE_ENV_VAR, str(tmp_path / "env"))
    assert features.default_cache_dir() == str(tmp_path / "env")
    tiny = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    flat = features.FeatureExtractor(
        "flat", tiny, 784, batch_size=64, image_shape=(28, 28, 1)
    )
    act = features.real_activations("mnist", "test", flat, num_samples=20)
    assert act.shape == (20, 784)
    assert len(_files(tmp_path / "env")) == 1
    flat.cacheable = False
    features.real_statistics("mnist", "test", flat, num_samples=30)
    assert len(_files(tmp_path / "env")) == 1
    monkeypatch.delenv(features.CACHE_ENV_VAR)
    assert features.default_cache_dir().endswith(os.path.join("scgan_tf", "stats"))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_samples": 1}, "num_samples=1"),
        ({"num_samples": 10001}, "num_samples=10001"),
        ({"num_samples": True}, "num_samples=True"),
        ({"seed": -1}, "seed=-1"),
    ],
)
def test_real_statistics_bad_arguments(tmp_path, mnist_extractor, kwargs, match):
    with pytest.raises(ValueError, match=match):
        features.real_statistics(
            "mnist", "test", mnist_extractor, cache_dir=tmp_path, **kwargs
        )
    with pytest.raises(ValueError, match="extractor=42"):
        features.real_activations("mnist", "test", 42, cache_dir=tmp_path)


def test_fid_of_real_halves_is_small_against_noise(mnist_extractor, mnist_test_images):
    order = np.random.default_rng(0).permutation(len(mnist_test_images))
    act = mnist_extractor(mnist_test_images[order])
    noise = np.random.default_rng(1).uniform(size=(5000, 28, 28, 1))
    act_noise = mnist_extractor(noise.astype(np.float32))
    fid_real = fid_from_activations(act[:5000], act[5000:])["fid"]
    fid_noise = fid_from_activations(act[:5000], act_noise)["fid"]
    assert fid_real * 50 < fid_noise
