"""`train()`: a complete, resumable training run that writes its results to a folder."""

import json
import os
import time

import keras
import tensorflow as tf

from scgan_tf import callbacks, data, distribute, models, visualize

RUN_FILES = {
    "model": "model.keras",
    "history": "history.json",
    "samples": "samples",
    "traversal": "traversal.png",
    "logs": "logs",
    "backup": "backup",
}


class TimeHistory(keras.callbacks.Callback):
    """Records the training steps per second of every epoch (tracing excluded from
    epochs after the first)."""

    def __init__(self):
        super().__init__()
        self.steps_per_second = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._steps = time.perf_counter(), 0

    def on_train_batch_end(self, batch, logs=None):
        self._steps += 1

    def on_epoch_end(self, epoch, logs=None):
        self.steps_per_second.append(self._steps / (time.perf_counter() - self._start))


def train(
    model="ssim_scgan",
    dataset="mnist",
    *,
    out,
    epochs=25,
    batch_size=32,
    steps_per_epoch=None,
    strategy="auto",
    seed=0,
    jit_compile="auto",
    mixed_precision=None,
    batch_norm="local",
    verbose=1,
    **model_overrides,
):
    """Trains a model and writes everything a run produces under `out`.

    Writes `model.keras`, `samples/epoch_NNN.png`, `traversal.png`, `history.json`
    and TensorBoard logs (`logs/`). A checkpoint is kept in `backup/` at the end of
    every epoch: running the same command again after an interruption resumes from
    it (Keras's `BackupAndRestore`); it is removed when training completes.

    Args:
        model: `"cgan"`, `"infogan"`, `"scgan"` or `"ssim_scgan"`.
        dataset: `"mnist"` or `"fashion_mnist"`.
        out: output folder.
        epochs: training epochs (the paper: 25).
        batch_size: global batch size (the paper: 32).
        steps_per_epoch: if set, epochs of this many steps over the repeated data.
        strategy: `"auto"`, `"one-device"`, `"mirrored"`, or a `tf.distribute`
            strategy.
        seed: seed of the data order, the weights and the latents.
        jit_compile: compile the training step with XLA: `"auto"` (on with one
            replica), `True` or `False`. XLA draws different random numbers from
            the same seeds, so resume a run with the setting it started with.
        mixed_precision: `None`, `"bfloat16"` or `"float16"`: sets Keras's global
            dtype policy to `mixed_<value>` before building the model.
        batch_norm: `"local"`, `"sync"` or `"none"` (see `scgan_tf.models.build`).
        verbose: Keras's progress bar setting.
        **model_overrides: passed to `scgan_tf.models.build`.

    Returns:
        The trained model and the dict written to `history.json`.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(
            f"epochs must be a positive integer. Received: epochs={epochs!r}"
        )
    if not isinstance(batch_size, int) or batch_size < 2:
        raise ValueError(
            f"batch_size must be an integer >= 2. Received: batch_size={batch_size!r}"
        )
    if steps_per_epoch is not None and steps_per_epoch < 1:
        raise ValueError(
            f"steps_per_epoch must be positive. Received: steps_per_epoch={steps_per_epoch}"
        )
    strategy = distribute.get_strategy(strategy)
    if batch_size % strategy.num_replicas_in_sync:
        raise ValueError(
            f"batch_size must be divisible by the {strategy.num_replicas_in_sync} "
            f"replicas. Received: batch_size={batch_size}"
        )
    subsets = model_overrides.get("subset_sizes", (10, 18))
    per_replica = batch_size // strategy.num_replicas_in_sync
    pairs = model_overrides.get(
        "pairs", "subsets" if models._normalise(model) == "ssim_scgan" else "all"
    )
    if pairs == "subsets" and per_replica < max(subsets):
        raise ValueError(
            f"The similarity constraint draws index subsets of sizes {tuple(subsets)} "
            f"from each replica's batch of {per_replica} images: batch_size must be at "
            f"least {max(subsets) * strategy.num_replicas_in_sync}, or pass smaller "
            f"subset_sizes. Received: batch_size={batch_size}"
        )
    os.makedirs(out, exist_ok=True)
    paths = {key: os.path.join(out, name) for key, name in RUN_FILES.items()}
    if mixed_precision not in (None, "bfloat16", "float16"):
        raise ValueError(
            "mixed_precision must be None, 'bfloat16' or 'float16'. "
            f"Received: mixed_precision={mixed_precision!r}"
        )
    if mixed_precision:
        keras.mixed_precision.set_global_policy(f"mixed_{mixed_precision}")
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        gan = models.build(
            model,
            dataset,
            batch_norm=batch_norm,
            seed=seed,
            **model_overrides,
        )
        gan.compile(jit_compile=jit_compile)
    ds = data.load(
        dataset,
        "train",
        batch_size=batch_size,
        shuffle=True,
        seed=seed,
        drop_remainder=True,
    )
    if steps_per_epoch is not None:
        ds = ds.repeat()
    timer = TimeHistory()
    stopper = callbacks.TerminateOnNonFinite()
    history = gan.fit(
        ds,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself
        callbacks=[
            keras.callbacks.BackupAndRestore(paths["backup"]),
            callbacks.SampleGrid(paths["samples"], seed=seed, log_dir=paths["logs"]),
            keras.callbacks.TensorBoard(paths["logs"]),
            stopper,
            timer,
        ],
    )
    gan.save(paths["model"])
    spec = gan.latent_spec
    visualize.save_image_grid(
        visualize.traversal_images(gan, 0, 10, 10, seed),
        paths["traversal"],
        spec.categorical[0] if spec.categorical else 10,
    )
    record = {
        "model": models._normalise(model),
        "dataset": dataset,
        "epochs": epochs,
        "batch_size": batch_size,
        "steps_per_epoch": steps_per_epoch,
        "seed": seed,
        "strategy": type(strategy).__name__,
        "replicas": strategy.num_replicas_in_sync,
        "jit_compile": bool(gan.jit_compile),
        "mixed_precision": mixed_precision,
        "stopped_early": stopper.message,
        "steps_per_second": timer.steps_per_second,
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }
    with open(paths["history"], "w") as f:
        json.dump(record, f, indent=2)
    return gan, record
