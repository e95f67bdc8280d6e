"""Tests for scgan_tf.metrics.domain_classifier."""

import json
import os

import numpy as np
import pytest

from scgan_tf.metrics import domain_classifier as dc

MIN_ACCURACY = {"mnist": 0.99, "fashion_mnist": 0.90}


def test_architecture_is_small_with_named_layers():
    model = dc.build_domain_classifier()
    assert tuple(model.input.shape) == (None, 28, 28, 1)
    assert tuple(model.get_layer("features").output.shape) == (None, 128)
    assert tuple(model.get_layer("logits").output.shape) == (None, 10)
    assert model.count_params() < 400_000  # float32 weights well under 2 MB
    assert tuple(dc.build_domain_classifier(num_classes=3).output.shape) == (None, 3)


def test_build_is_seeded():
    first = dc.build_domain_classifier(seed=3).get_weights()
    again = dc.build_domain_classifier(seed=3).get_weights()
    other = dc.build_domain_classifier(seed=4).get_weights()
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("bad", [1, 2.5, True, "10"])
def test_build_rejects_bad_num_classes(bad):
    with pytest.raises(ValueError, match=r"num_classes=") as info:
        dc.build_domain_classifier(num_classes=bad)
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_shipped_weights_exist_are_small_and_recorded(dataset):
    path = dc.default_weights_path(dataset)
    assert os.path.isfile(path)
    assert os.path.getsize(path) < 2 * 1024 * 1024
    record = dc.classifier_record(dataset)
    assert record["weights_bytes"] == os.path.getsize(path)
    assert record["weights_sha256"] == dc.file_sha256(path)
    assert record["command"].startswith(
        f"python -m scgan_tf.metrics.domain_classifier --dataset {dataset}"
    )
    assert record["num_test_images"] == 10000


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_shipped_classifier_reaches_recorded_test_accuracy(dataset):
    model = dc.load_domain_classifier(dataset)
    accuracy = dc.evaluate_domain_classifier(model, dataset, "test")
    recorded = dc.classifier_record(dataset)["test_accuracy"]
    assert accuracy >= recorded - 1e-4
    assert accuracy >= MIN_ACCURACY[dataset]


def test_missing_weights_give_clear_error(tmp_path):
    missing = tmp_path / "none.weights.h5"
    with pytest.raises(dc.WeightsNotFoundError, match="--dataset mnist"):
        dc.load_domain_classifier("mnist", weights_path=missing)
    assert issubclass(dc.WeightsNotFoundError, FileNotFoundError)


def test_unknown_dataset():
    for call in (
        lambda: dc.load_domain_classifier("cifar10"),
        lambda: dc.default_weights_path("digits"),
        lambda: dc.classifier_record("digits"),
        lambda: dc.train_domain_classifier("digits", epochs=1),
    ):
        with pytest.raises(ValueError, match=r"dataset="):
            call()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"epochs": 0}, "epochs"),
        ({"epochs": 1, "batch_size": 0}, "batch_size"),
        ({"epochs": 1, "seed": -1}, "seed"),
        ({"epochs": 1, "learning_rate": 0.0}, "learning_rate"),
        ({"epochs": 1, "out_path": "model.h5"}, "out_path"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"{name}="):
        dc.train_domain_classifier("mnist", **kwargs)


def test_main_records_accuracy_and_command(tmp_path, monkeypatch):
    calls = []

    def fake_train(dataset, *, epochs, batch_size, seed, out_path, learning_rate):
        calls.append((dataset, epochs, batch_size, seed, learning_rate))
        dc.build_domain_classifier().save_weights(out_path)
        return 0.5

    monkeypatch.setattr(dc, "train_domain_classifier", fake_train)
    out = tmp_path / "mnist_classifier.weights.h5"
    argv = ["--dataset", "mnist", "--epochs", "2", "--seed", "7", "--out", str(out)]
    assert dc.main(argv) == 0.5
    assert dc.main(["--dataset", "fashion_mnist", "--out", str(out)]) == 0.5
    assert calls[0] == ("mnist", 2, 128, 7, 1e-3)
    records = json.loads((tmp_path / "classifiers.json").read_text())
    assert set(records) == {"mnist", "fashion_mnist"}
    record = records["mnist"]
    assert record["test_accuracy"] == 0.5
    assert (record["epochs"], record["seed"]) == (2, 7)
    assert record["command"] == (
        "python -m scgan_tf.metrics.domain_classifier " + " ".join(argv)
    )
    assert record["weights_sha256"] == dc.file_sha256(out)
