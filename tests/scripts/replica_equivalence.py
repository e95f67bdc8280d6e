"""Trains a model on two logical CPU replicas and on one device; prints max weight gaps.

Run as a separate process: the CPU must be split before TensorFlow starts.
Usage: python replica_equivalence.py MODEL D_LEARNING_RATE G_LEARNING_RATE [STEPS] [SCOPE] [BATCH_NORM]
"""

import json
import sys

from scgan_tf import distribute

distribute.split_cpu(2)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from scgan_tf import data, models  # noqa: E402


def main(name, d_rate, g_rate, steps=3, scope="global", norm="none", batch_size=32):
    overrides = {"seed": 3, "batch_norm": norm}
    if name in ("scgan", "ssim_scgan"):
        overrides.update(similarity_scope=scope)
    if name == "ssim_scgan":
        overrides.update(subset_sizes=(6, 8))
    keras.utils.set_random_seed(0)
    single = models.build(name, "mnist", **overrides)
    # SGD: its update is linear in the gradient, so a wrongly scaled gradient
    # shows; Adam would normalise the scale away.
    # Without XLA on both sides: XLA draws other random numbers from the same seeds.
    single.compile(
        keras.optimizers.SGD(d_rate), keras.optimizers.SGD(g_rate), jit_compile=False
    )
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with mirrored.scope():
        replicated = models.build(name, "mnist", **overrides)
        replicated.compile(
            keras.optimizers.SGD(d_rate),
            keras.optimizers.SGD(g_rate),
            jit_compile=False,
        )
    replicated.set_weights(single.get_weights())
    ds = data.load("mnist", "test", batch_size=batch_size, drop_remainder=True).take(
        steps
    )
    single.fit(ds, epochs=1, verbose=0)
    replicated.fit(ds, epochs=1, verbose=0)
    gaps = [
        float(np.max(np.abs(a - b)))
        for a, b in zip(single.get_weights(), replicated.get_weights(), strict=True)
    ]
    changes = [
        float(np.max(np.abs(a - b)))
        for a, b in zip(single.get_weights(), _initial(name, overrides), strict=True)
    ]
    print(
        json.dumps(
            {
                "replicas": replicated.distribute_strategy.num_replicas_in_sync,
                "max_gap": max(gaps),
                "max_change": max(changes),
            }
        )
    )


def _initial(name, overrides):
    keras.utils.set_random_seed(0)
    return models.build(name, "mnist", **overrides).get_weights()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        args[0],
        float(args[1]),
        float(args[2]),
        *(int(a) for a in args[3:4]),
        *args[4:6],
    )
