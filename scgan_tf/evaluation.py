"""`evaluate_run()`: every metric of the papers for a training run, written to its folder.

A run folder is what `scgan_tf.training.train` writes (`model.keras`,
`history.json`, ...). `evaluate_run` generates samples from the saved model and
scores them:

- `"fid"`, `"kid"`: against the real test split, in the feature space of an
  extractor (default: the dataset's domain classifier,
  `scgan_tf.metrics.features.default_extractor_name`). The real images are a
  seeded random subset of the test split of the same size as the generated set
  (all 10,000 when `num_samples >= 10000`): FID is biased by the sample count,
  so both sides use the same.
- `"classifier_score"`: the Inception-Score-style score of the generated
  images under the dataset's domain classifier (its logits).
- `"parzen"`: the Parzen-window log-likelihood of both papers (see the docs, "Evaluation"): kernel
  width chosen from 10 values log-spaced in [0.1, 1] on the **last 1,000
  images of the training split**, mean log-likelihood (nats, pixels in [0, 1])
  of the first `num_test` test images with its standard error. `train()` fits
  on the whole training split, so those 1,000 images are held out from the
  test set but not from the GAN (as far as can be told, the papers' were not
  either).
- `"factorvae"`: the library's disentanglement protocol,
  `scgan_tf.metrics.disentanglement.disentanglement_score` (read its module
  docstring before comparing the number with the papers').

Every number is recorded with what it depends on (sample counts, extractor or
representation, seed, library version) in `run_dir/metrics.json`.
"""

import json
import math
import os
import time
import warnings

import numpy as np

from scgan_tf.checks import check_int

METRICS = ("fid", "kid", "classifier_score", "parzen", "factorvae")
METRICS_FILE = "metrics.json"
MODEL_FILE = "model.keras"
HISTORY_FILE = "history.json"
NUM_PARZEN_VALIDATION = 1000

__all__ = [
    "METRICS",
    "METRICS_FILE",
    "evaluate_run",
    "load_model",
    "load_run",
    "parse_metrics",
]


def parse_metrics(metrics):
    """Validates metric names given as a sequence or a comma-separated string.

    Args:
        metrics: e.g. `("fid", "parzen")` or `"fid,parzen"`.

    Returns:
        A tuple of unique names in the order given.

    Raises:
        ValueError: on an unknown name (the message lists the valid ones) or
            an empty selection.

    Example:

    >>> parse_metrics("fid, kid,fid")
    ('fid', 'kid')
    """
    names = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    names = [str(name).strip().lower() for name in names if str(name).strip()]
    unknown = [name for name in names if name not in METRICS]
    if unknown or not names:
        raise ValueError(
            f"`metrics` must be a non-empty selection of {METRICS}. "
            f"Received: metrics={metrics!r}"
        )
    return tuple(dict.fromkeys(names))


def _run_file(run_dir, name):
    run_dir = os.fspath(run_dir)
    if not os.path.isdir(run_dir):
        raise FileNotFoundError(
            "`run_dir` must be a run folder written by `scgan-tf train`. "
            f"Received: run_dir={run_dir!r}, which is not a folder"
        )
    path = os.path.join(run_dir, name)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"`run_dir` must hold {name} (written by `scgan-tf train` when "
            f"training completes). Received: run_dir={run_dir!r} without {name}"
        )
    return path


def load_model(run_dir):
    """Loads the model of a run folder, uncompiled.

    Args:
        run_dir: a folder written by `scgan_tf.training.train`.

    Returns:
        The model saved in `run_dir/model.keras`.

    Raises:
        FileNotFoundError: if `run_dir` or its `model.keras` is missing.
    """
    import keras

    import scgan_tf  # noqa: F401  (registers the model classes for loading)

    path = _run_file(run_dir, MODEL_FILE)
    return keras.models.load_model(path, compile=False)


def load_run(run_dir):
    """Loads the model and the training record of a run folder.

    Args:
        run_dir: a folder written by `scgan_tf.training.train`.

    Returns:
        `(model, record)`: the uncompiled model from `model.keras` and the dict
        of `history.json` (with `"model"`, `"dataset"`, `"seed"`, ...).

    Raises:
        FileNotFoundError: if `run_dir`, its `model.keras` or its
            `history.json` is missing.
    """
    _run_file(run_dir, MODEL_FILE)
    with open(_run_file(run_dir, HISTORY_FILE)) as f:
        record = json.load(f)
    return load_model(run_dir), record


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _with_warnings(function, *args, **kwargs):
    """Calls `function`, re-issuing its warnings and returning their messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    for item in caught:
        warnings.warn(item.message, item.category, stacklevel=3)
    return result, [str(item.message) for item in caught]


def evaluate_run(
    run_dir,
    metrics=METRICS,
    *,
    num_samples=10000,
    extractor=None,
    seed=0,
    num_test=10000,
    kid_subset_size=1000,
    kid_num_subsets=100,
    classifier_num_splits=10,
    encoder_steps=2000,
    factorvae_num_train=10000,
    factorvae_num_eval=5000,
    factorvae_num_variance_estimate=10000,
    cache_dir=None,
):
    """Scores a training run and writes `run_dir/metrics.json`.

    Generates `num_samples` images with `model.generate(num_samples,
    seed=seed)` and computes the requested metrics (see the module docstring).
    `metrics.json` is updated, not replaced: entries of metrics not requested
    this time are kept (each entry records its own settings).

    Args:
        run_dir: a folder written by `scgan_tf.training.train`.
        metrics: names from `METRICS` (a sequence or a comma-separated string).
        num_samples: generated images, `>= 2` (the papers: 10,000).
        extractor: feature extractor for FID and KID: a name from
            `scgan_tf.metrics.features.EXTRACTOR_NAMES`, a `FeatureExtractor`,
            or `None` for the dataset's domain classifier.
        seed: seed of the generated latents, of the real subset, of KID's
            subsets and of the disentanglement protocol.
        num_test: test images for the Parzen log-likelihood, in `[1, 10000]`.
        kid_subset_size, kid_num_subsets: KID's subsets (the size is capped at
            `num_samples`).
        classifier_num_splits: splits of the classifier score (capped at
            `num_samples`).
        encoder_steps: training steps of the disentanglement encoder (models
            without a code network).
        factorvae_num_train, factorvae_num_eval,
            factorvae_num_variance_estimate: votes and variance sample of the
            FactorVAE score.
        cache_dir: cache of real-data activations (see
            `scgan_tf.metrics.features.real_activations`).

    Returns:
        The dict written to `metrics.json`: `"model"`, `"dataset"`,
        `"scgan_tf_version"`, the settings of this call (`"num_samples"`,
        `"extractor"`, `"seed"`, `"elapsed_seconds"`) and `"metrics"`, a dict
        from metric name to an entry with `"value"` (and `"std"` or
        `"standard_error"` where the metric has one), its own `num_samples`
        and `extractor` (`"pixels"` for Parzen), `seed`, `scgan_tf_version`,
        `seconds` and the metric's details. The `"factorvae"` entry scores
        real images and has no `num_samples`: it records `representation`,
        `num_train`, `num_eval` (votes) and the fields of
        `disentanglement_score` instead.

    Raises:
        FileNotFoundError: if `run_dir`, `model.keras` or `history.json` is
            missing.
        ValueError: on unknown metric names, `num_samples < 2` or another bad
            argument.

    Example:

    >>> result = evaluate_run("runs/ssim_scgan_mnist", "fid,parzen")  # doctest: +SKIP
    >>> result["metrics"]["fid"]["value"]  # doctest: +SKIP
    3.9
    """
    import scgan_tf
    from scgan_tf import data
    from scgan_tf.metrics import (
        classifier_score,
        fid_from_activations,
        kid_from_activations,
        parzen_log_likelihood,
    )
    from scgan_tf.metrics import features as feats

    started = time.perf_counter()
    names = parse_metrics(metrics)
    num_samples = check_int(num_samples, "num_samples", 2)
    seed = check_int(seed, "seed", 0)
    num_test = check_int(num_test, "num_test", 1)
    kid_subset_size = check_int(kid_subset_size, "kid_subset_size", 2)
    kid_num_subsets = check_int(kid_num_subsets, "kid_num_subsets", 1)
    classifier_num_splits = check_int(classifier_num_splits, "classifier_num_splits", 1)
    model, record = load_run(run_dir)
    dataset = record.get("dataset")
    if dataset not in data.DATASETS:
        raise ValueError(
            f"history.json of `run_dir` must name a dataset of {data.DATASETS}. "
            f"Received: run_dir={os.fspath(run_dir)!r} with dataset={dataset!r}"
        )
    test_size = data.catalog.get_spec(dataset).num_examples["test"]
    if num_test > test_size:
        raise ValueError(
            f"`num_test` must be at most the {test_size} test images of {dataset!r}. "
            f"Received: num_test={num_test}"
        )
    version = scgan_tf.__version__
    common = {"seed": seed, "scgan_tf_version": version}

    if extractor is None:
        extractor = feats.default_extractor_name(dataset)
    if isinstance(extractor, str) and {"fid", "kid", "classifier_score"} & set(names):
        extractor = feats.get_extractor(extractor)
    extractor_name = extractor if isinstance(extractor, str) else extractor.name

    # FactorVAE scores real images under the model's code and needs no samples.
    if set(names) - {"factorvae"}:
        samples = model.generate(num_samples, seed=seed)
    entries = {}

    if {"fid", "kid"} & set(names):
        tick = time.perf_counter()
        num_real = min(num_samples, test_size)
        real = feats.real_activations(
            dataset,
            "test",
            extractor,
            cache_dir=cache_dir,
            num_samples=num_real,
            seed=seed,
        )
        fake = extractor(samples)
        shared_seconds = time.perf_counter() - tick
        base = {
            "num_samples": num_samples,
            "num_real": num_real,
            "real_split": "test",
            "extractor": extractor.name,
            **common,
        }
        if "fid" in names:
            tick = time.perf_counter()
            fid = fid_from_activations(real, fake)
            entries["fid"] = {
                "value": fid["fid"],
                **base,
                "feature_dim": fid["feature_dim"],
                "seconds": shared_seconds + time.perf_counter() - tick,
            }
        if "kid" in names:
            tick = time.perf_counter()
            kid = kid_from_activations(
                real,
                fake,
                num_subsets=kid_num_subsets,
                subset_size=min(kid_subset_size, num_samples, num_real),
                random_state=seed,
            )
            entries["kid"] = {
                "value": kid["kid_mean"],
                "std": kid["kid_std"],
                **base,
                "num_subsets": kid["num_subsets"],
                "subset_size": kid["subset_size"],
                "seconds": shared_seconds + time.perf_counter() - tick,
            }

    if "classifier_score" in names:
        tick = time.perf_counter()
        classifier = extractor
        if getattr(classifier, "num_classes", None) is None:
            classifier = feats.get_extractor(feats.default_extractor_name(dataset))
        score = classifier_score(
            classifier.logits(samples),
            num_splits=min(classifier_num_splits, num_samples),
        )
        entries["classifier_score"] = {
            "value": score["score_mean"],
            "std": score["score_std"],
            "num_samples": num_samples,
            "extractor": classifier.name,
            "num_splits": score["num_splits"],
            **common,
            "seconds": time.perf_counter() - tick,
        }

    if "parzen" in names:
        tick = time.perf_counter()
        train_images, _ = data.load_numpy(dataset, "train")
        test_images, _ = data.load_numpy(dataset, "test")
        validation = train_images[-NUM_PARZEN_VALIDATION:]
        parzen, messages = _with_warnings(
            parzen_log_likelihood, samples, test_images[:num_test], validation
        )
        entries["parzen"] = {
            "value": parzen["log_likelihood"],
            "standard_error": parzen["standard_error"],
            "num_samples": num_samples,
            "extractor": "pixels",
            "num_test": parzen["num_test"],
            "num_validation": parzen["num_validation"],
            "validation": f"train[-{NUM_PARZEN_VALIDATION}:]",
            "sigma": parzen["sigma"],
            "sigmas": parzen["sigmas"],
            "validation_log_likelihoods": parzen["validation_log_likelihoods"],
            "warnings": messages,
            **common,
            "seconds": time.perf_counter() - tick,
        }

    if "factorvae" in names:
        from scgan_tf.metrics.disentanglement import disentanglement_score

        tick = time.perf_counter()
        score = disentanglement_score(
            model,
            dataset,
            random_state=seed,
            num_train=factorvae_num_train,
            num_eval=factorvae_num_eval,
            num_variance_estimate=factorvae_num_variance_estimate,
            encoder_steps=encoder_steps,
        )
        entries["factorvae"] = {
            "value": score.pop("eval_accuracy"),
            "representation": score.pop("representation"),
            "ground_truth": f"TransformedImages({dataset!r}, split='test')",
            **score,
            **common,
            "seconds": time.perf_counter() - tick,
        }

    path = os.path.join(os.fspath(run_dir), METRICS_FILE)
    previous = {}
    if os.path.isfile(path):
        try:
            with open(path) as f:
                old = json.load(f)
            if (
                old.get("model") == record.get("model")
                and old.get("dataset") == dataset
            ):
                previous = old.get("metrics", {})
        except (OSError, ValueError):
            previous = {}
    result = {
        "model": record.get("model"),
        "dataset": dataset,
        "training_seed": record.get("seed"),
        "scgan_tf_version": version,
        "num_samples": num_samples,
        "extractor": extractor_name,
        "seed": seed,
        "evaluated": list(names),
        "elapsed_seconds": time.perf_counter() - started,
        "metrics": {**previous, **_jsonable(entries)},
    }
    result = _jsonable(result)
    tmp_path = f"{path}.{os.getpid()}.tmp"
    with open(tmp_path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    os.replace(tmp_path, path)
    return result
