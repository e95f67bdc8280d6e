"""Tests for scgan_tf.evaluation and the `evaluate` and `sample` commands."""

import json
import math
import os
import shutil

import keras
import numpy as np
import pytest

from scgan_tf import cli, data, evaluation, training
from scgan_tf.latents import LatentSpec

# Every test here needs two short training runs (about a minute on 2 CPU cores).
pytestmark = pytest.mark.slow

# Small settings: every metric in seconds on a CPU.
SMALL = {
    "num_samples": 200,
    "num_test": 200,
    "kid_subset_size": 50,
    "kid_num_subsets": 10,
    "encoder_steps": 20,
    "factorvae_num_train": 40,
    "factorvae_num_eval": 30,
    "factorvae_num_variance_estimate": 200,
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    common = {"epochs": 1, "steps_per_epoch": 3, "batch_size": 16, "verbose": 0}
    ssim = str(root / "ssim_scgan")
    training.train("ssim_scgan", "mnist", out=ssim, subset_sizes=(8, 12), **common)
    # InfoGAN with a 10-way and two continuous codes: three codes to traverse.
    info = str(root / "infogan")
    spec = LatentSpec(88, categorical=(10,), continuous=2)
    training.train("infogan", "mnist", out=info, latent_spec=spec, **common)
    return {"ssim_scgan": ssim, "infogan": info}


@pytest.fixture(scope="module")
def evaluated(runs, tmp_path_factory):
    cache = str(tmp_path_factory.mktemp("cache"))
    result = evaluation.evaluate_run(runs["ssim_scgan"], cache_dir=cache, **SMALL)
    return result, cache


def _finite(value):
    return isinstance(value, float) and math.isfinite(value)


def test_evaluate_run_writes_every_metric(runs, evaluated):
    result, _ = evaluated
    with open(os.path.join(runs["ssim_scgan"], "metrics.json")) as f:
        written = json.load(f)
    assert written == result
    assert set(result["metrics"]) == set(evaluation.METRICS)
    assert result["evaluated"] == list(evaluation.METRICS)
    assert result["model"] == "ssim_scgan" and result["dataset"] == "mnist"
    assert result["scgan_tf_version"] == "0.1.0"
    assert result["extractor"] == "mnist_classifier"
    assert result["num_samples"] == 200 and result["seed"] == 0
    assert result["elapsed_seconds"] > 0
    for name, entry in result["metrics"].items():
        assert _finite(entry["value"]), name
        assert entry["seed"] == 0 and entry["scgan_tf_version"] == "0.1.0"
        assert entry["seconds"] >= 0
    metrics = result["metrics"]
    for name in ("fid", "kid", "classifier_score"):
        assert metrics[name]["extractor"] == "mnist_classifier"
        assert metrics[name]["num_samples"] == 200
    assert metrics["fid"]["num_real"] == 200 and metrics["fid"]["value"] >= 0
    assert metrics["kid"]["subset_size"] == 50 and metrics["kid"]["num_subsets"] == 10
    assert _finite(metrics["kid"]["std"])
    assert 1.0 <= metrics["classifier_score"]["value"] <= 10.0
    assert metrics["classifier_score"]["num_splits"] == 10
    parzen = metrics["parzen"]
    assert parzen["num_samples"] == 200 and parzen["num_test"] == 200
    assert parzen["num_validation"] == 1000 and parzen["validation"] == "train[-1000:]"
    assert parzen["standard_error"] > 0 and parzen["sigma"] in parzen["sigmas"]
    factorvae = metrics["factorvae"]
    assert factorvae["representation"] == "encoder(steps=20)"
    assert factorvae["factors"] == ["class", "rotation", "scale", "shift_x", "shift_y"]
    assert factorvae["num_train"] == 40 and factorvae["num_eval"] == 30
    assert 0.0 <= factorvae["value"] <= 1.0
    assert 0.0 <= factorvae["class_accuracy"] <= 1.0
    assert np.asarray(factorvae["eval_votes"]).sum() == 30


def test_fid_and_kid_use_the_generated_samples_and_the_real_test_subset(
    runs, evaluated
):
    from scgan_tf.metrics import features, fid_from_activations

    result, cache = evaluated
    model, _ = evaluation.load_run(runs["ssim_scgan"])
    extractor = features.get_extractor("mnist_classifier")
    fake = extractor(model.generate(200, seed=0))
    real = features.real_activations(
        "mnist", "test", extractor, num_samples=200, seed=0, cache_dir=cache
    )
    expected = fid_from_activations(real, fake)["fid"]
    assert result["metrics"]["fid"]["value"] == pytest.approx(expected, rel=1e-6)


def test_parzen_uses_the_last_training_images_and_the_first_test_images(
    runs, monkeypatch
):
    import scgan_tf.metrics

    seen = {}

    def spy(samples, test_data, validation_data, **kwargs):
        seen.update(samples=samples, test=test_data, validation=validation_data)
        n = len(test_data)
        return {
            "log_likelihood": 1.0,
            "standard_error": 0.5,
            "sigma": 0.2,
            "sigmas": [0.2],
            "validation_log_likelihoods": [0.0],
            "num_samples": len(samples),
            "num_test": n,
            "num_validation": len(validation_data),
        }

    monkeypatch.setattr(scgan_tf.metrics, "parzen_log_likelihood", spy)
    result = evaluation.evaluate_run(
        runs["infogan"], "parzen", num_samples=30, num_test=50, seed=3
    )
    train_images, _ = data.load_numpy("mnist", "train")
    test_images, _ = data.load_numpy("mnist", "test")
    np.testing.assert_array_equal(seen["validation"], train_images[-1000:])
    np.testing.assert_array_equal(seen["test"], test_images[:50])
    model, _ = evaluation.load_run(runs["infogan"])
    np.testing.assert_allclose(seen["samples"], model.generate(30, seed=3), atol=1e-6)
    assert result["metrics"]["parzen"]["seed"] == 3


def test_infogan_is_scored_with_its_code_network_and_entries_are_merged(runs):
    run = runs["infogan"]
    first = evaluation.evaluate_run(run, "classifier_score", num_samples=20)
    result = evaluation.evaluate_run(
        run,
        ["factorvae"],
        seed=1,
        factorvae_num_train=20,
        factorvae_num_eval=20,
        factorvae_num_variance_estimate=100,
    )
    factorvae = result["metrics"]["factorvae"]
    assert factorvae["representation"] == "code_network"
    assert len(factorvae["representation_dims"]) == 12  # 10 + 2 continuous
    assert len(factorvae["code_accuracy"]) == 1 and _finite(factorvae["code_mse"])
    # The earlier entry is kept, with its own settings.
    assert result["evaluated"] == ["factorvae"]
    assert result["metrics"]["classifier_score"] == first["metrics"]["classifier_score"]
    assert result["metrics"]["classifier_score"]["num_samples"] == 20


def test_bad_inputs_raise_clear_errors(runs, tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        evaluation.evaluate_run(str(tmp_path / "missing"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="without model.keras"):
        evaluation.evaluate_run(str(empty))
    no_history = tmp_path / "no_history"
    no_history.mkdir()
    shutil.copy(os.path.join(runs["infogan"], "model.keras"), no_history)
    with pytest.raises(FileNotFoundError, match="without history.json"):
        evaluation.evaluate_run(str(no_history))
    with pytest.raises(ValueError, match="metrics='fid,bleu'") as info:
        evaluation.evaluate_run(runs["infogan"], "fid,bleu")
    for name in evaluation.METRICS:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="num_samples=1"):
        evaluation.evaluate_run(runs["infogan"], "fid", num_samples=1)
    with pytest.raises(ValueError, match="num_test=10001"):
        evaluation.evaluate_run(runs["infogan"], "parzen", num_test=10001)
    with pytest.raises(ValueError, match="name='vgg'"):
        evaluation.evaluate_run(runs["infogan"], "fid", extractor="vgg")


def test_cli_evaluate_prints_the_table(runs, evaluated, capsys, monkeypatch):
    _, cache = evaluated
    monkeypatch.setenv("SCGAN_TF_CACHE_DIR", cache)
    code = cli.main(
        [
            "evaluate",
            runs["ssim_scgan"],
            "--metrics",
            "fid,kid,parzen",
            "--num-samples",
            "200",
            "--num-test",
            "100",
            "--seed",
            "0",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == ["metric", "value", "±", "samples", "extractor"]
    rows = {line.split()[0]: line.split() for line in lines[2:5]}
    assert set(rows) == {"fid", "kid", "parzen"}
    assert rows["fid"][2] == "-" and rows["fid"][3:] == ["200", "mnist_classifier"]
    assert rows["kid"][3:] == ["200", "mnist_classifier"]
    assert rows["parzen"][3:] == ["200", "pixels"]
    with open(os.path.join(runs["ssim_scgan"], "metrics.json")) as f:
        written = json.load(f)
    assert float(rows["parzen"][1]) == pytest.approx(
        written["metrics"]["parzen"]["value"], abs=1e-3
    )
    assert written["metrics"]["parzen"]["num_test"] == 100
    assert "metrics.json" in out


def test_cli_evaluate_reports_bad_metrics(runs, capsys):
    assert cli.main(["evaluate", runs["infogan"], "--metrics", "fid,xyz"]) == 2
    err = capsys.readouterr().err
    assert "metrics='fid,xyz'" in err and "factorvae" in err


def test_cli_sample_writes_a_grid(runs, tmp_path, capsys):
    out = str(tmp_path / "grid.png")
    assert cli.main(["sample", runs["infogan"], "--num", "23", "--out", out]) == 0
    assert capsys.readouterr().out.strip() == out
    # 23 images, 10 per row: 3 rows of 28 + 1 pixels, plus the outer padding.
    width, height = keras.utils.load_img(out).size
    assert (width, height) == (10 * 29 + 1, 3 * 29 + 1)
    assert cli.main(["sample", runs["infogan"], "--num", "0"]) == 2
    assert "--num 0" in capsys.readouterr().err


def test_cli_sample_traverse_writes_one_png_per_code(runs, tmp_path, capsys):
    out = tmp_path / "traversals"
    assert cli.main(["sample", runs["infogan"], "--traverse", "--out", str(out)]) == 0
    names = sorted(os.listdir(out))
    assert names == [f"traversal_code{k}.png" for k in range(3)]
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / name) for name in names]
    # 10 rows; 10 columns for the 10-way code and for each continuous code.
    for name in names:
        assert keras.utils.load_img(str(out / name)).size == (291, 291)
    assert cli.main(["sample", str(tmp_path / "nothing")]) == 2
    assert "not a folder" in capsys.readouterr().err
