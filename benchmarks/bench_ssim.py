"""SSIM of every pair of a batch: `ssim_matrix` against `tf.image.ssim` on gathered pairs.

Both sides compute the SSIM of all `B(B-1)/2` pairs `i < j` and its gradient
with respect to the images (what the similarity constraint needs), inside
`tf.function`, once without and once with `jit_compile=True`.
"""

import tensorflow as tf

from benchmarks import timing
from benchmarks.context import result
from scgan_tf import similarity

NAME = "ssim_matrix"
TARGET = 5.0


def _forward_backward(kind, batch_size, jit_compile):
    first, second = similarity.all_pairs(batch_size)
    flat_index = first * batch_size + second

    @tf.function(jit_compile=jit_compile)
    def run(images):
        with tf.GradientTape() as tape:
            tape.watch(images)
            if kind == "ssim_matrix":
                matrix = similarity.ssim_matrix(images, max_val=1.0)
                ssim = tf.gather(tf.reshape(matrix, [-1]), flat_index)
            else:
                ssim = tf.image.ssim(
                    tf.gather(images, first), tf.gather(images, second), max_val=1.0
                )
            loss = tf.reduce_sum(ssim)
        # Gathers give a sparse gradient; densify so both sides return the same.
        return loss, tf.convert_to_tensor(tape.gradient(loss, images))

    return run


def run(ctx):
    batch_size = ctx.pick(64, 8)
    rounds = ctx.pick(7, 2)
    images = tf.random.stateless_uniform((batch_size, 28, 28, 1), (3, 4))
    workloads = {}
    for jit in (False, True):
        for kind in ("ssim_matrix", "tf.image.ssim"):
            fn = _forward_backward(kind, batch_size, jit)
            workloads[(kind, jit)] = lambda fn=fn: fn(images)[1].numpy()
    # All four interleaved, so that any two can be compared round by round.
    times = timing.interleaved(workloads, rounds=rounds, min_time=ctx.pick(0.3, 0.0))
    pairs = batch_size * (batch_size - 1) // 2
    details = {
        "batch_size": batch_size,
        "pairs": pairs,
        "rounds": rounds,
        "seconds": {
            f"{kind}, jit_compile={jit}": timing.median(t)
            for (kind, jit), t in times.items()
        },
    }
    rows = []
    for jit in (False, True):
        rows.append(
            result(
                NAME,
                f"ssim_matrix vs tf.image.ssim, fwd+bwd, B={batch_size}, "
                f"jit_compile={jit}",
                timing.median_ratio(
                    times, ("tf.image.ssim", jit), ("ssim_matrix", jit)
                ),
                target=TARGET,
                op=">=",
                notes=f"speed-up on {pairs} pairs (tf.image.ssim time / ssim_matrix time)",
                details=details,
            )
        )
    best = {
        kind: min(
            (False, True), key=lambda jit, kind=kind: timing.median(times[(kind, jit)])
        )
        for kind in ("ssim_matrix", "tf.image.ssim")
    }
    rows.append(
        result(
            NAME,
            f"ssim_matrix vs tf.image.ssim, each in its faster mode, B={batch_size}",
            timing.median_ratio(
                times,
                ("tf.image.ssim", best["tf.image.ssim"]),
                ("ssim_matrix", best["ssim_matrix"]),
            ),
            notes="information: faster jit_compile setting: "
            f"ssim_matrix {best['ssim_matrix']}, tf.image.ssim {best['tf.image.ssim']}",
            details=details,
        )
    )
    return rows
