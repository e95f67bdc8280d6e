"""FactorVAE score against its representation function's forward passes alone.

`factor_vae_score` on `scgan_tf.data.ProceduralSprites` at its defaults
(64 observations per vote, 10,000 training and 5,000 evaluation votes, 10,000
observations for the variances: 970,000 observations) with a small Keras
encoder's forward pass as the representation. The reference is the same
encoder run on the same number of observations in the same call sizes, on one
pre-rendered batch. It is run half before and half after the score, so that a
change in the machine's load during the (long) score affects both sides.
"""

import numpy as np

from benchmarks import timing
from benchmarks.context import result

NAME = "factor_vae"
TARGET = 1.5
_VARIANCE_CHUNK = 1024


def build_encoder(observation_shape, calibration, num_dims=10):
    """A small CNN encoder `(N, 64, 64, 1) -> (N, num_dims)` and its NumPy forward.

    The outputs are standardised with statistics of `calibration` images, as
    `factor_vae_score` expects a representation of about unit scale (a
    randomly initialised encoder's raw outputs fall under its prune threshold
    and no vote would be cast).
    """
    import keras
    import tensorflow as tf

    inputs = keras.Input(observation_shape)
    x = keras.layers.Conv2D(16, 4, strides=4, activation="relu")(inputs)
    x = keras.layers.Conv2D(32, 4, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(num_dims)(x)
    model = keras.Model(inputs, outputs, name="benchmark_encoder")
    forward = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    raw = forward(calibration).numpy()
    mean, std = raw.mean(axis=0), raw.std(axis=0) + 1e-6
    return lambda observations: (forward(observations).numpy() - mean) / std


def call_sizes(batch_size, num_train, num_eval, num_variance_estimate):
    """The batch sizes `factor_vae_score` passes to the representation function."""
    from scgan_tf.metrics import factor_vae

    votes_per_call = getattr(factor_vae, "_VOTES_PER_CALL", 16)
    sizes = [
        min(_VARIANCE_CHUNK, num_variance_estimate - start)
        for start in range(0, num_variance_estimate, _VARIANCE_CHUNK)
    ]
    for num in (num_train, num_eval):
        done = 0
        while done < num:
            group = min(votes_per_call, num - done)
            sizes.append(group * batch_size)
            done += group
    return sizes


def run(ctx):
    from scgan_tf.data import ProceduralSprites
    from scgan_tf.metrics import factor_vae_score

    data = ProceduralSprites()
    settings = ctx.pick(
        {
            "batch_size": 64,
            "num_train": 10_000,
            "num_eval": 5_000,
            "num_variance_estimate": 10_000,
        },
        {
            "batch_size": 64,
            "num_train": 64,
            "num_eval": 32,
            "num_variance_estimate": 1_000,
        },
    )
    sizes = call_sizes(**settings)
    pool = data.sample_observations(max(sizes), np.random.default_rng(1))
    represent = build_encoder(data.observation_shape, pool)

    def forward_only(part):
        for size in part:
            represent(pool[:size])

    half = len(sizes) // 2
    # Warm up every call size (tracing) before timing anything.
    for size in sorted(set(sizes)):
        represent(pool[:size])
    score_s, forward_s = [], []
    for _ in range(ctx.pick(1, 2)):
        _, before = timing.timed(lambda: forward_only(sizes[:half]))
        score, full = timing.timed(
            lambda: factor_vae_score(data, represent, 0, **settings)
        )
        _, after = timing.timed(lambda: forward_only(sizes[half:]))
        score_s.append(full)
        forward_s.append(before + after)
    observations = int(sum(sizes))
    # Where the rest goes: rendering the observations, estimated from a sample.
    rng = np.random.default_rng(2)
    sample = 16 * 1024
    factors = data.sample_factors(sample, rng)
    _, render = timing.timed(
        lambda: [
            data.sample_observations_from_factors(factors[i : i + 1024], rng)
            for i in range(0, sample, 1024)
        ]
    )
    return [
        result(
            NAME,
            f"factor_vae_score / encoder forward passes alone, {observations:,} observations",
            timing.median([a / b for a, b in zip(score_s, forward_s, strict=True)]),
            target=TARGET,
            op="<=",
            notes="defaults"
            if not ctx.quick
            else "quick: fewer votes than the defaults",
            details={
                **settings,
                "observations": observations,
                "calls": len(sizes),
                "score_s": score_s,
                "forward_only_s": forward_s,
                "eval_accuracy": score["eval_accuracy"],
                "num_active_dims": score["num_active_dims"],
                "rendering_s_estimate": render * observations / sample,
            },
        )
    ]
