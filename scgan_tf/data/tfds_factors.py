"""Ground-truth-factor data sets read from TensorFlow Datasets (dSprites, 3D Shapes).

These adapters download the real data through `tensorflow_datasets` (internet
access needed the first time) and load the whole split into memory as `uint8`
(dSprites: 737,280 images, about 3 GB; 3D Shapes: 480,000 images, about 5.9 GB,
with a transient second copy while loading). Use `ProceduralSprites` for a
dSprites-like data set without download.
"""

import numpy as np

from scgan_tf.data.ground_truth import GroundTruthData, check_random_state

_MISSING_POLICIES = ("raise", "nearest")


class _TFDSFactorData(GroundTruthData):
    """Indexes the examples of a TFDS split by their factor labels.

    Every example's label vector is turned into a flat index of the full factor
    grid; an observation for a factor vector is an example with exactly those
    labels (uniformly among them, drawn with `random_state`, when several exist).
    The real data sets contain each grid point exactly once.

    A factor vector absent from the loaded split (a sub-split such as
    `"train[:10%]"`, or random examples under `tfds.testing.mock_data`) is
    handled by `missing`: `"raise"` raises a `ValueError`; `"nearest"` uses the
    present factor vector with the smallest L1 distance between factor indices
    (ties go to the smallest flat grid index; orientation is not treated as
    circular), so the observation only approximately matches the factors.
    """

    _NAME = None
    _FACTOR_KEYS = ()

    def __init__(
        self,
        split="train",
        missing="raise",
        data_dir=None,
        download=True,
        load_batch_size=4096,
    ):
        if missing not in _MISSING_POLICIES:
            raise ValueError(
                f"`missing` must be one of {_MISSING_POLICIES}. "
                f"Received: missing={missing!r}"
            )
        self.split = split
        self.missing = missing
        self.data_dir = data_dir
        self.download = download
        self.load_batch_size = load_batch_size
        images, labels, num_values = self._load()
        self.images = images
        self.example_factors = labels
        self._num_values = num_values
        # dSprites pixels are stored as {0, 1}; other images use 0..255.
        self._pixel_scale = np.float32(255.0 if images.max() > 1 else 1.0)
        codes = np.ravel_multi_index(tuple(labels.T), num_values)
        self._order = np.argsort(codes, kind="stable")
        self._codes, self._starts, self._counts = np.unique(
            codes[self._order], return_index=True, return_counts=True
        )

    def _load(self):
        import tensorflow as tf
        import tensorflow_datasets as tfds

        dataset, info = tfds.load(
            self._NAME,
            split=self.split,
            data_dir=self.data_dir,
            download=self.download,
            with_info=True,
        )
        keys = list(self._FACTOR_KEYS)
        dataset = dataset.map(
            lambda ex: (ex["image"], tf.stack([ex[k] for k in keys], axis=-1))
        ).batch(self.load_batch_size)
        images, labels = [], []
        for image_batch, label_batch in tfds.as_numpy(dataset):
            images.append(image_batch)
            labels.append(label_batch)
        if not images:
            raise ValueError(
                f"The split is empty. Received: split={self.split!r} for {self._NAME!r}"
            )
        num_values = tuple(int(info.features[k].num_classes) for k in keys)
        return (
            np.concatenate(images).astype(np.uint8, copy=False),
            np.concatenate(labels).astype(np.int64),
            num_values,
        )

    @property
    def factors_num_values(self):
        return list(self._num_values)

    @property
    def factor_names(self):
        return [k[len("label_") :] for k in self._FACTOR_KEYS]

    @property
    def observation_shape(self):
        return tuple(self.images.shape[1:])

    @property
    def num_examples(self):
        """Number of examples loaded from the split."""
        return self.images.shape[0]

    def example_indices(self, factors, random_state):
        """Returns the index of the example used for each factor vector.

        Args:
            factors: integer array-like `(num, num_factors)`.
            random_state: `np.random.Generator` or integer seed; picks among
                examples sharing a factor vector.

        Returns:
            `int64` array `(num,)` of indices into `images`.

        Raises:
            ValueError: if a factor vector is absent and `missing="raise"`.
        """
        factors = self.validate_factors(factors)
        rng = check_random_state(random_state)
        codes = np.ravel_multi_index(tuple(factors.T), self._num_values)
        slot = np.minimum(np.searchsorted(self._codes, codes), self._codes.size - 1)
        absent = self._codes[slot] != codes
        if np.any(absent):
            if self.missing == "raise":
                first = int(np.flatnonzero(absent)[0])
                raise ValueError(
                    f"{int(absent.sum())} of {len(codes)} factor vectors are not in "
                    f"the loaded split {self.split!r} of {self._NAME!r} "
                    f"({self.num_examples} examples); pass missing='nearest' to "
                    f"use the closest present one. Received: factors[{first}]="
                    f"{factors[first].tolist()}"
                )
            slot[absent] = self._nearest_slots(factors[absent])
        pick = rng.integers(0, self._counts[slot])
        return self._order[self._starts[slot] + pick]

    def _nearest_slots(self, factors, chunk=256):
        present = np.stack(np.unravel_index(self._codes, self._num_values), axis=1)
        slots = []
        for start in range(0, len(factors), chunk):
            query = factors[start : start + chunk]
            distance = np.abs(query[:, None, :] - present[None, :, :]).sum(-1)
            slots.append(np.argmin(distance, axis=1))
        return np.concatenate(slots)

    def _observations_from_factors(self, factors, random_state):
        index = self.example_indices(factors, random_state)
        return self.images[index].astype(np.float32) / self._pixel_scale


class TFDSDSprites(_TFDSFactorData):
    """dSprites from TensorFlow Datasets, indexed by its five factors.

    Factors (TFDS features, in order): `label_shape` (3), `label_scale` (6),
    `label_orientation` (40), `label_x_position` (32), `label_y_position` (32).
    The constant colour latent of the original file is dropped, as in
    `disentanglement_lib`. Images are `(64, 64, 1)` float32 in `{0, 1}`.
    Orientation is not identifiable beyond 90 degrees for squares and 180
    degrees for ellipses (see `ProceduralSprites`).

    Every factor vector maps to the example with exactly those labels; factor
    vectors absent from the loaded split follow `missing` (see below).

    Args:
        split: TFDS split string (the data set only has `"train"`; sub-splits
            such as `"train[:10%]"` leave factor vectors absent).
        missing: `"raise"` (default) raises `ValueError` for a factor vector with
            no example; `"nearest"` uses the present factor vector with the
            smallest L1 distance between factor indices (ties: smallest flat
            grid index).
        data_dir: TFDS data directory, `None` for the default.
        download: whether `tfds.load` may download and prepare the data.
        load_batch_size: batch size used while reading the split.

    Raises:
        ValueError: if `missing` is unknown or the split is empty.

    Example:

    ```python
    data = TFDSDSprites()  # downloads about 27 MB once, ~3 GB in memory
    factors, images = data.sample(8, random_state=0)
    ```

    Reference:
        Matthey et al. 2017, "dSprites: Disentanglement testing Sprites dataset";
        Kim & Mnih 2018, "Disentangling by Factorising".
    """

    _NAME = "dsprites"
    _FACTOR_KEYS = (
        "label_shape",
        "label_scale",
        "label_orientation",
        "label_x_position",
        "label_y_position",
    )


class TFDSShapes3D(_TFDSFactorData):
    """3D Shapes from TensorFlow Datasets, indexed by its six factors.

    Factors (TFDS features, in order): `label_floor_hue` (10), `label_wall_hue`
    (10), `label_object_hue` (10), `label_scale` (8), `label_shape` (4),
    `label_orientation` (15). Images are `(64, 64, 3)` float32 in `[0, 1]`
    (the `uint8` pixels divided by 255).

    Args:
        split: TFDS split string (the data set only has `"train"`).
        missing: `"raise"` (default) or `"nearest"`; see `TFDSDSprites`.
        data_dir: TFDS data directory, `None` for the default.
        download: whether `tfds.load` may download and prepare the data.
        load_batch_size: batch size used while reading the split.

    Raises:
        ValueError: if `missing` is unknown or the split is empty.

    Example:

    ```python
    data = TFDSShapes3D()  # downloads about 255 MB once, ~6 GB in memory
    images = data.sample_observations(8, random_state=0)
    ```

    Reference:
        Burgess & Kim 2018, "3D Shapes Dataset"; Kim & Mnih 2018,
        "Disentangling by Factorising".
    """

    _NAME = "shapes3d"
    _FACTOR_KEYS = (
        "label_floor_hue",
        "label_wall_hue",
        "label_object_hue",
        "label_scale",
        "label_shape",
        "label_orientation",
    )
