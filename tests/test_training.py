import json

import keras
import numpy as np
import pytest

from scgan_tf import cli, training


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    code = cli.main(
        [
            "train",
            "--model",
            "infogan",
            "--epochs",
            "2",
            "--steps-per-epoch",
            "3",
            "--batch-size",
            "16",
            "--out",
            str(out),
            "--verbose",
            "0",
        ]
    )
    assert code == 0
    return out


def test_cli_writes_every_run_file(run_dir):
    for name in ("model.keras", "history.json", "traversal.png"):
        assert (run_dir / name).is_file()
    assert sorted(p.name for p in (run_dir / "samples").glob("*.png")) == [
        "epoch_001.png",
        "epoch_002.png",
    ]
    assert list((run_dir / "logs").rglob("events.out.tfevents.*"))
    assert not (run_dir / "backup").exists()  # removed once training completed


def test_history_records_the_run(run_dir):
    record = json.loads((run_dir / "history.json").read_text())
    assert record["model"] == "infogan" and record["dataset"] == "mnist"
    assert record["batch_size"] == 16 and record["epochs"] == 2
    assert set(record["history"]) == {"d_loss", "g_loss", "info_loss"}
    assert len(record["history"]["g_loss"]) == 2
    assert all(s > 0 for s in record["steps_per_second"])


def test_saved_model_generates(run_dir):
    model = keras.models.load_model(run_dir / "model.keras")
    images = model.generate(5, seed=0)
    assert images.shape == (5, 28, 28, 1)
    assert np.all((images >= 0) & (images <= 1))


def test_traversal_grid_size(run_dir):
    image = keras.utils.load_img(run_dir / "traversal.png")
    assert image.size == (10 * 29 + 1, 10 * 29 + 1)


def test_batch_too_small_for_the_subsets(tmp_path):
    with pytest.raises(ValueError, match="batch_size=16"):
        training.train("ssim_scgan", out=str(tmp_path), batch_size=16, epochs=1)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 1}, "batch_size"),
        ({"strategy": "tpu"}, "strategy"),
    ],
)
def test_bad_training_arguments(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        training.train("scgan", out=str(tmp_path), **kwargs)
