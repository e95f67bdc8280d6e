import keras
import numpy as np
import pytest
import tensorflow as tf

from scgan_tf import callbacks, data, models
from scgan_tf.latents import LatentSpec

EXPECTED_KEYS = {
    "cgan": {"d_loss", "g_loss"},
    "infogan": {"d_loss", "g_loss", "info_loss"},
    "scgan": {"d_loss", "g_loss", "similarity_loss"},
    "ssim_scgan": {"d_loss", "g_loss", "similarity_loss"},
}


def mnist_batches(batch_size=16, steps=2):
    return data.load("mnist", "test", batch_size=batch_size, drop_remainder=True).take(
        steps
    )


def built(name, optimizers=(), **overrides):
    keras.utils.set_random_seed(0)
    overrides.setdefault("seed", 1)
    if name == "ssim_scgan":
        overrides.setdefault("subset_sizes", (6, 8))
    model = models.build(name, "mnist", **overrides)
    model.compile(*optimizers)
    return model


def sgd():
    # Multithreaded float sums are not bitwise reproducible, and Adam turns tiny
    # differences in near-zero gradients into whole steps; SGD keeps them tiny.
    # Momentum gives the optimizers state that a checkpoint must restore.
    return (
        keras.optimizers.SGD(0.01, momentum=0.5),
        keras.optimizers.SGD(0.01, momentum=0.5),
    )


@pytest.mark.parametrize("name", models.MODELS)
def test_fit_step_logs_finite_losses(name):
    model = built(name)
    history = model.fit(mnist_batches(), epochs=1, verbose=0)
    assert set(history.history) == EXPECTED_KEYS[name]
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert int(model.d_optimizer.iterations) == 2
    assert int(model.g_optimizer.iterations) == 2


@pytest.mark.parametrize("name", models.MODELS)
def test_config_round_trip(name):
    model = built(name)
    clone = type(model).from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.latent_spec == model.latent_spec


@pytest.mark.parametrize("name", ["infogan", "ssim_scgan"])
def test_keras_file_round_trip_and_resume(name, tmp_path):
    model = built(name)
    model.fit(mnist_batches(), epochs=1, verbose=0)
    path = str(tmp_path / "run.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    latents = model.latent_spec.sample(8, [5, 6])
    np.testing.assert_allclose(
        loaded.generate(latents=latents), model.generate(latents=latents), atol=1e-6
    )
    # Optimizer state comes back, and training continues from it.
    assert int(loaded.d_optimizer.iterations) == 2
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(loaded.g_optimizer.learning_rate) == pytest.approx(1e-3)
    history = loaded.fit(mnist_batches(), epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 4
    assert np.isfinite(history.history["g_loss"][-1])


def test_paper_hyperparameters_by_default():
    model = built("ssim_scgan", subset_sizes=(10, 18))
    assert model.latent_spec == LatentSpec(90, "uniform", categorical=(10,))
    assert model.form == "ssim" and model.pairs == "subsets"
    assert model.subset_sizes == (10, 18) and model.redraw_pairs
    assert model.ssim_max_val == 1.0 and model.margin == 1.5
    assert model.d_optimizer.beta_1 == 0.5 and model.g_optimizer.beta_1 == 0.5
    scgan = built("scgan")
    assert scgan.form == "euclidean" and scgan.pairs == "all"


def test_seeded_runs_repeat():
    def run():
        model = built("ssim_scgan", sgd())
        model.fit(mnist_batches(), epochs=1, verbose=0)
        return model.generate(4, seed=3)

    # Equal up to the non-associativity of multithreaded float sums.
    np.testing.assert_allclose(run(), run(), atol=1e-5)


def test_generate_is_seeded():
    model = built("scgan")
    np.testing.assert_array_equal(model.generate(3, seed=1), model.generate(3, seed=1))
    assert not np.array_equal(model.generate(3, seed=1), model.generate(3, seed=2))
    assert model.generate(3).shape == (3, 28, 28, 1)


def test_backup_and_restore_resumes_interrupted_training(tmp_path):
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    def fit(model, extra):
        backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
        model.fit(
            mnist_batches(steps=2), epochs=3, verbose=0, callbacks=[backup] + extra
        )

    reference = built("ssim_scgan", sgd())
    reference.fit(mnist_batches(steps=2), epochs=3, verbose=0)

    interrupted = built("ssim_scgan", sgd())
    with pytest.raises(KeyboardInterrupt):
        fit(interrupted, [Interrupt()])
    resumed = built("ssim_scgan", sgd())
    epochs_run = []
    counter = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: epochs_run.append(epoch)
    )
    fit(resumed, [counter])
    assert epochs_run == [2]  # only the epoch the interruption lost
    assert int(resumed.g_optimizer.iterations) == 6
    for a, b in zip(reference.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_unknown_model_and_dataset():
    with pytest.raises(ValueError, match="name='gan9'"):
        models.build("gan9")
    with pytest.raises(ValueError, match="dataset='svhn'"):
        models.build("scgan", "svhn")
    assert type(models.build("ssim-scgan")) is models.SSIMSCGAN


def test_subset_sizes_larger_than_batch():
    model = built("ssim_scgan", subset_sizes=(10, 18))
    with pytest.raises(ValueError, match="subset_sizes"):
        model.fit(mnist_batches(batch_size=8, steps=1), epochs=1, verbose=0)


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match="subset_sizes"):
        models.build("ssim_scgan", subset_sizes=(0, 4))
    with pytest.raises(ValueError, match="similarity_weight"):
        models.build("scgan", similarity_weight=-1)
    with pytest.raises(ValueError, match="pairs='some'"):
        models.build("scgan", pairs="some")


def test_images_of_the_wrong_shape():
    model = built("scgan")
    wrong = tf.data.Dataset.from_tensor_slices(
        np.zeros((8, 32, 32, 1), "float32")
    ).batch(4)
    with pytest.raises(ValueError, match=r"shape \(32, 32, 1\).*\(28, 28, 1\)"):
        model.fit(wrong, epochs=1, verbose=0)


def test_cgan_needs_labels():
    model = built("cgan")
    images = tf.data.Dataset.from_tensor_slices(np.zeros((8, 28, 28, 1), "float32"))
    with pytest.raises(ValueError, match="labels"):
        model.fit(images.batch(4), epochs=1, verbose=0)


def test_non_finite_losses_stop_training_with_a_message():
    model = built("scgan")
    nan_images = np.full((16, 28, 28, 1), np.nan, "float32")
    ds = tf.data.Dataset.from_tensor_slices((nan_images, np.zeros(16, "int64"))).batch(
        4
    )
    stopper = callbacks.TerminateOnNonFinite()
    model.fit(ds, epochs=3, verbose=0, callbacks=[stopper])
    assert "d_loss is nan" in stopper.message
    assert int(model.d_optimizer.iterations) == 1


def test_sample_grid_callback_writes_png_and_tensorboard(tmp_path):
    model = built("infogan")
    grid = callbacks.SampleGrid(
        str(tmp_path / "samples"), num_rows=2, log_dir=str(tmp_path)
    )
    model.fit(mnist_batches(), epochs=2, verbose=0, callbacks=[grid])
    image = keras.utils.load_img(tmp_path / "samples" / "epoch_002.png")
    # 10 columns (one per class) and 2 rows of 28x28 cells with 1-pixel padding.
    assert image.size == (10 * 29 + 1, 2 * 29 + 1)
    assert list((tmp_path / "samples").glob("events.out.tfevents.*"))


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_step(policy):
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = built("ssim_scgan", subset_sizes=(6, 8))
        history = model.fit(mnist_batches(), epochs=1, verbose=0)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    # The images and logits the losses see stay float32.
    assert model.generator.output.dtype == "float32"
    assert model.discriminator.output.dtype == "float32"
    loss_scaled = isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert loss_scaled == (policy == "mixed_float16")


def test_xla_by_default_on_one_device():
    assert built("scgan").jit_compile is True
