"""Tests for the ground-truth-factor data sets in scgan_tf.data."""

import time

import numpy as np
import pytest

from scgan_tf.data.ground_truth import check_random_state
from scgan_tf.data.sprites import ProceduralSprites
from scgan_tf.data.transformed import TransformedImages, affine_transform_images


def centroid(images):
    """(row, col) centroid of each image `(num, H, W, 1)`."""
    weight = images[..., 0].astype(np.float64)
    rows = np.arange(images.shape[1])[None, :, None]
    cols = np.arange(images.shape[2])[None, None, :]
    area = weight.sum((1, 2))
    return np.stack(
        [(weight * rows).sum((1, 2)) / area, (weight * cols).sum((1, 2)) / area], 1
    )


# --- GroundTruthData base class ---------------------------------------------------


@pytest.fixture(scope="module")
def sprites():
    return ProceduralSprites()


def test_check_random_state():
    rng = np.random.default_rng(3)
    assert check_random_state(rng) is rng
    assert check_random_state(4).integers(1000) == np.random.default_rng(4).integers(
        1000
    )
    for bad in (None, -1, 1.5, True, np.random.RandomState(0)):
        with pytest.raises(ValueError, match="Received: random_state="):
            check_random_state(bad)


@pytest.mark.parametrize(
    "factors, message",
    [
        (np.zeros((3, 4), int), r"Received: factors.shape=\(3, 4\)"),
        (np.zeros(5, int), r"Received: factors.shape=\(5,\)"),
        ([[0, 6, 0, 0, 0]], r"factors\[:, 1\]` \(scale\) must lie in \[0, 6\)"),
        ([[0, 0, 0, 0, -1]], r"Received: factors\[0\]=\[0, 0, 0, 0, -1\]"),
        ([[0.5, 0, 0, 0, 0]], "whole numbers"),
        ([["a", "b", "c", "d", "e"]], "must hold integers"),
    ],
)
def test_validate_factors_errors(sprites, factors, message):
    with pytest.raises(ValueError, match=message):
        sprites.sample_observations_from_factors(factors, 0)


def test_validate_factors_accepts_whole_floats(sprites):
    factors = sprites.validate_factors(np.array([[2.0, 5.0, 39.0, 31.0, 0.0]]))
    assert factors.dtype == np.int64
    np.testing.assert_array_equal(factors, [[2, 5, 39, 31, 0]])


def test_sample_rejects_bad_num(sprites):
    with pytest.raises(ValueError, match="Received: num=0"):
        sprites.sample(0, 0)


# --- ProceduralSprites ------------------------------------------------------------


def test_sprites_interface_shapes_and_values(sprites):
    assert sprites.num_factors == 5
    assert sprites.factors_num_values == [3, 6, 40, 32, 32]
    assert sprites.observation_shape == (64, 64, 1)
    factors, images = sprites.sample(200, random_state=0)
    assert factors.shape == (200, 5) and factors.dtype == np.int64
    assert images.shape == (200, 64, 64, 1) and images.dtype == np.float32
    assert set(np.unique(images)) == {0.0, 1.0}
    # Every sprite is drawn and stays off the border.
    assert images.sum((1, 2, 3)).min() > 20
    border = images[:, [0, -1]].sum() + images[:, :, [0, -1]].sum()
    assert border == 0


def test_sprites_factor_ranges(sprites):
    factors = sprites.sample_factors(20000, np.random.default_rng(1))
    for column, count in enumerate(sprites.factors_num_values):
        values = np.unique(factors[:, column])
        np.testing.assert_array_equal(values, np.arange(count))


def test_sprites_deterministic(sprites):
    first = sprites.sample(50, random_state=5)
    second = sprites.sample(50, random_state=np.random.default_rng(5))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    # Rendering ignores random_state.
    np.testing.assert_array_equal(
        sprites.sample_observations_from_factors(first[0], 1), first[1]
    )


def test_sprites_area_grows_with_scale(sprites):
    for shape in range(3):
        factors = np.array([[shape, s, 7, 16, 16] for s in range(6)])
        areas = sprites.sample_observations_from_factors(factors, 0).sum((1, 2, 3))
        assert np.all(np.diff(areas) > 0), areas
        # Area ~ scale^2: scale 1 has about 4 times the area of scale 0.5.
        assert 3.2 < areas[-1] / areas[0] < 4.8


def test_sprites_position_moves_centroid(sprites):
    step = 0.6 * 64 / 31  # pixels per position index
    for shape in range(3):
        factors = np.array([[shape, 3, 4, x, 10] for x in (0, 10, 31)])
        centres = centroid(sprites.sample_observations_from_factors(factors, 0))
        # Rasterising at another sub-pixel offset moves the other axis a little.
        np.testing.assert_allclose(centres[:, 0], centres[0, 0], atol=0.3)
        np.testing.assert_allclose(
            centres[:, 1] - centres[0, 1], [0, 10 * step, 31 * step], atol=0.3
        )
        factors = np.array([[shape, 3, 4, 10, y] for y in (0, 31)])
        centres = centroid(sprites.sample_observations_from_factors(factors, 0))
        assert centres[1, 0] - centres[0, 0] == pytest.approx(31 * step, abs=0.3)
        assert centres[1, 1] == pytest.approx(centres[0, 1], abs=0.3)


def test_sprites_orientation_symmetries(sprites):
    rows = []
    for shape in range(3):
        for k in (3, 13, 23):
            rows.append([shape, 5, k, 16, 16])
    images = sprites.sample_observations_from_factors(np.array(rows), 0)
    square, ellipse, heart = images[0:3], images[3:6], images[6:9]
    np.testing.assert_array_equal(square[0], square[1])  # 90 degrees
    np.testing.assert_array_equal(ellipse[0], ellipse[2])  # 180 degrees
    assert np.abs(ellipse[0] - ellipse[1]).sum() > 20
    assert np.abs(heart[0] - heart[1]).sum() > 20
    assert np.abs(heart[0] - heart[2]).sum() > 20
    canonical = sprites.canonical_factors(rows)
    np.testing.assert_array_equal(canonical[:, 2], [3, 3, 3, 3, 13, 3, 3, 13, 23])


def test_sprites_heart_points_down(sprites):
    heart = sprites.sample_observations_from_factors([[2, 5, 0, 16, 16]], 0)[0, ..., 0]
    rows = np.flatnonzero(heart.any(axis=1))
    top_width = heart[rows[0] + 2].sum()
    bottom_width = heart[rows[-1] - 2].sum()
    assert top_width > 2 * bottom_width
    # The lobes leave a notch in the top row's middle.
    top = heart[rows[0]]
    middle = (np.flatnonzero(top)[0] + np.flatnonzero(top)[-1]) // 2
    assert top[middle] == 0


def test_sprites_render_fast(sprites):
    factors = sprites.sample_factors(2000, 0)
    start = time.perf_counter()
    sprites.sample_observations_from_factors(factors, 0)
    elapsed = time.perf_counter() - start
    # Thousands per second on one core; loose bound for a shared machine.
    assert 2000 / elapsed > 500, elapsed


def test_sprites_rejects_bad_image_size():
    with pytest.raises(ValueError, match="Received: image_size=8"):
        ProceduralSprites(image_size=8)


# --- TransformedImages ------------------------------------------------------------


def blob_images(num_per_class=3, num_classes=10, seed=0):
    """Small random blobs away from the border, a distinct one per image."""
    rng = np.random.default_rng(seed)
    num = num_per_class * num_classes
    images = np.zeros((num, 28, 28, 1), np.float32)
    images[:, 9:19, 9:19, 0] = rng.uniform(0.2, 1.0, size=(num, 10, 10))
    labels = np.repeat(np.arange(num_classes), num_per_class)
    return images, labels


def test_transformed_factors_and_shapes():
    images, labels = blob_images()
    data = TransformedImages(images, labels)
    assert data.factors_num_values == [10, 7, 5, 5, 5]
    assert data.factor_names == ["class", "rotation", "scale", "shift_x", "shift_y"]
    np.testing.assert_allclose(data.rotations, [-45, -30, -15, 0, 15, 30, 45])
    np.testing.assert_allclose(data.scales, [0.7, 0.8, 0.9, 1.0, 1.1])
    np.testing.assert_allclose(data.shifts_x, [-4, -2, 0, 2, 4])
    factors, observations = data.sample(40, random_state=0)
    assert factors.shape == (40, 5)
    assert observations.shape == (40, 28, 28, 1)
    assert observations.dtype == np.float32
    assert 0.0 <= observations.min() and observations.max() <= 1.0


def test_transformed_identity_returns_an_image_of_the_class():
    images, labels = blob_images()
    data = TransformedImages(images, labels)
    # Index 3 = rotation 0, index 3 = scale 1, index 2 = shift 0.
    factors = np.array([[c, 3, 3, 2, 2] for c in range(10)] * 6)
    observations = data.sample_observations_from_factors(factors, 0)
    used = set()
    for row, observation in zip(factors, observations, strict=True):
        matches = np.flatnonzero(
            [np.array_equal(observation, image) for image in images]
        )
        assert len(matches) == 1 and labels[matches[0]] == row[0]
        used.add(int(matches[0]))
    assert len(used) > 15  # the random_state picks different images of a class


def test_transformed_reproducible():
    images, labels = blob_images()
    data = TransformedImages(images, labels)
    first = data.sample(30, random_state=2)
    second = data.sample(30, random_state=np.random.default_rng(2))
    np.testing.assert_array_equal(first[1], second[1])


def test_transformed_shift_moves_centroid_by_shift():
    images, labels = blob_images()
    data = TransformedImages(images, labels)
    base = np.array([[c, 3, 3, 2, 2] for c in range(10)])
    shifted = base.copy()
    shifted[:, 3] = 4  # +4 px right
    shifted[:, 4] = 0  # -4 px (up)
    before = centroid(data.sample_observations_from_factors(base, 9))
    after = centroid(data.sample_observations_from_factors(shifted, 9))
    np.testing.assert_allclose(after - before, np.tile([-4.0, 4.0], (10, 1)), atol=1e-4)


def test_affine_rotation_and_scale():
    rng = np.random.default_rng(0)
    image = rng.uniform(size=(2, 28, 28, 1)).astype(np.float32)
    rotated = affine_transform_images(image, 90.0, 1.0, 0.0, 0.0)
    np.testing.assert_allclose(rotated, np.rot90(image, k=1, axes=(1, 2)), atol=1e-6)
    # A centred disk of radius 6 scaled by 1.5 has 2.25 times the mass.
    rows, cols = np.mgrid[:28, :28]
    disk = ((rows - 13.5) ** 2 + (cols - 13.5) ** 2 <= 36).astype(np.float32)
    masses = [
        affine_transform_images(disk[None, ..., None], 0.0, s, 0.0, 0.0).sum()
        for s in (1.0, 1.5)
    ]
    assert masses[1] / masses[0] == pytest.approx(2.25, rel=0.05)
    # Rotation keeps the centroid of a centred image at the centre.
    spun = affine_transform_images(disk[None, ..., None], 30.0, 0.8, 0.0, 0.0)
    np.testing.assert_allclose(centroid(spun), [[13.5, 13.5]], atol=1e-4)


def test_transformed_custom_values_and_validation():
    images, labels = blob_images(num_per_class=1, num_classes=3)
    data = TransformedImages(
        images, labels, rotations=[0.0, 90.0], scales=[1.0], shifts_x=[0], shifts_y=[0]
    )
    assert data.factors_num_values == [3, 2, 1, 1, 1]
    with pytest.raises(ValueError, match="Received: images with min="):
        TransformedImages(images * 2.0, labels)
    with pytest.raises(ValueError, match=r"Received: labels.shape=\(2,\)"):
        TransformedImages(images, labels[:2])
    with pytest.raises(ValueError, match=r"without classes \[1\]"):
        TransformedImages(images, np.array([0, 2, 2]))
    with pytest.raises(ValueError, match="Received: scales="):
        TransformedImages(images, labels, scales=[1.0, -1.0])
    with pytest.raises(ValueError, match="Received: rotations="):
        TransformedImages(images, labels, rotations=[])
    with pytest.raises(ValueError, match="Received: num_classes=2"):
        TransformedImages(images, labels, num_classes=2)


def test_transformed_from_dataset(monkeypatch):
    import scgan_tf.data

    images, labels = blob_images(num_per_class=2)
    calls = []

    def fake_load_numpy(name, split, **kwargs):
        calls.append((name, split, kwargs))
        return images, labels.astype(np.int64)

    monkeypatch.setattr(scgan_tf.data, "load_numpy", fake_load_numpy, raising=False)
    data = TransformedImages.from_dataset(
        "mnist", split="test", load_kwargs={"source": "idx"}, scales=[1.0]
    )
    assert calls == [("mnist", "test", {"source": "idx"})]
    assert data.factors_num_values == [10, 7, 1, 5, 5]


# --- TFDS adapters under tfds.testing.mock_data -----------------------------------

DSPRITES_KEYS = [
    "label_shape",
    "label_scale",
    "label_orientation",
    "label_x_position",
    "label_y_position",
]


@pytest.fixture(scope="module")
def mock_dsprites():
    tfds = pytest.importorskip("tensorflow_datasets")
    from scgan_tf.data.tfds_factors import TFDSDSprites

    with tfds.testing.mock_data(num_examples=40):
        return TFDSDSprites(missing="nearest")


def test_tfds_dsprites_random_mock(mock_dsprites):
    data = mock_dsprites
    assert data.factors_num_values == [3, 6, 40, 32, 32]
    assert data.factor_names == [k[6:] for k in DSPRITES_KEYS]
    assert data.observation_shape == (64, 64, 1)
    assert data.num_examples == 40
    # Present factor vectors map to an example with exactly those labels.
    present = data.example_factors[:10]
    index = data.example_indices(present, 0)
    np.testing.assert_array_equal(data.example_factors[index], present)
    observations = data.sample_observations_from_factors(present, 0)
    assert observations.dtype == np.float32 and observations.max() <= 1.0
    np.testing.assert_allclose(observations, data.images[index] / 255.0, atol=1e-6)


def test_tfds_nearest_policy(mock_dsprites):
    data = mock_dsprites
    query = data.sample_factors(30, 3)
    index = data.example_indices(query, 0)
    distance = np.abs(query[:, None, :] - data.example_factors[None]).sum(-1)
    chosen = np.abs(query - data.example_factors[index]).sum(-1)
    np.testing.assert_array_equal(chosen, distance.min(axis=1))


def test_tfds_missing_raise_and_bad_policy():
    tfds = pytest.importorskip("tensorflow_datasets")
    from scgan_tf.data.tfds_factors import TFDSShapes3D

    with tfds.testing.mock_data(num_examples=20):
        data = TFDSShapes3D()
    assert data.factors_num_values == [10, 10, 10, 8, 4, 15]
    assert data.observation_shape == (64, 64, 3)
    present = data.example_factors[:4]
    np.testing.assert_array_equal(
        data.sample_observations_from_factors(present, 0)[0],
        data.images[data.example_indices(present[:1], 0)[0]] / np.float32(255),
    )
    candidates = data.sample_factors(50, 0)
    absent = [
        row for row in candidates if not (data.example_factors == row).all(1).any()
    ]
    missing = np.concatenate([present, absent[:1]])
    message = r"1 of 5 factor vectors.*Received: factors\[4\]"
    with pytest.raises(ValueError, match=message):
        data.sample_observations_from_factors(missing, 0)
    with pytest.raises(ValueError, match="Received: missing='closest'"):
        TFDSShapes3D(missing="closest")


def test_tfds_exact_grid_from_custom_examples():
    """A hand-made split of 0/1 sprites: exact lookup, pixel scale 1, duplicates."""
    tfds = pytest.importorskip("tensorflow_datasets")
    import tensorflow as tf

    from scgan_tf.data.tfds_factors import TFDSDSprites

    renderer = ProceduralSprites()
    grid = np.array([[s, c, 0, x, 5] for s in range(3) for c in (0, 5) for x in (1, 2)])
    labels = np.concatenate([grid, grid[:1]])  # the first vector appears twice
    images = renderer.sample_observations_from_factors(labels, 0).astype(np.uint8)
    images[-1, 0, 0, 0] = 1  # tell the duplicate apart

    def as_dataset(self, *args, **kwargs):
        examples = {"image": images}
        examples.update({k: labels[:, i] for i, k in enumerate(DSPRITES_KEYS)})
        return tf.data.Dataset.from_tensor_slices(examples)

    with tfds.testing.mock_data(as_dataset_fn=as_dataset):
        data = TFDSDSprites()
    assert data.num_examples == 13
    observations = data.sample_observations_from_factors(grid, 0)
    np.testing.assert_array_equal(observations[1:], images[1:12].astype(np.float32))
    picks = data.example_indices(np.repeat(grid[:1], 40, axis=0), 1)
    assert set(picks.tolist()) == {0, 12}
    with pytest.raises(ValueError, match=r"Received: factors\[0\]=\[0, 1, 0, 1, 5\]"):
        data.sample_observations_from_factors([[0, 1, 0, 1, 5]], 0)


def test_factor_vae_runs_on_mock_dsprites(mock_dsprites):
    from scgan_tf.metrics.factor_vae import factor_vae_score

    result = factor_vae_score(
        mock_dsprites,
        lambda x: x.reshape(len(x), -1)[:, :8],
        0,
        batch_size=8,
        num_train=20,
        num_eval=20,
        num_variance_estimate=50,
    )
    assert result["num_active_dims"] == 8
    assert 0.0 <= result["eval_accuracy"] <= 1.0
    assert result["train_votes"].sum() == 20


def test_sprites_window_rendering_equals_the_whole_grid():
    from scgan_tf.data import sprites as sprites_module

    data = ProceduralSprites()
    rng = np.random.default_rng(7)
    factors = data.sample_factors(300, rng)
    # The largest sprites at the corners of the position grid, every shape.
    corners = [[s, 5, 3, x, y] for s in range(3) for x in (0, 31) for y in (0, 31)]
    factors = np.concatenate([factors, np.array(corners)])
    images = data.sample_observations_from_factors(factors, rng)[..., 0]

    size = data.image_size
    f32 = np.float32
    pixel = (np.arange(size, dtype=f32) + f32(0.5)) / f32(size)
    for image, (shape, scale, orientation, x, y) in zip(images, factors, strict=True):
        # The renderer's float32 arithmetic, on every pixel of the image.
        radius = (0.15 * data.scale_values[scale]).astype(f32)
        angle = data.orientation_values[orientation]
        cos, sin = f32(np.cos(angle)), f32(np.sin(angle))
        dx = pixel[None, :] - f32(data.position_values[x])
        dy = f32(data.position_values[y]) - pixel[:, None]
        local_x = (cos * dx + sin * dy) / radius
        local_y = (cos * dy - sin * dx) / radius
        expected = sprites_module._inside(shape, local_x, local_y)
        np.testing.assert_array_equal(image, expected)
