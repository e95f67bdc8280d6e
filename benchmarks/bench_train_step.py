"""Cost of the similarity constraint in the training step, and of `jit_compile`.

The SSIM-SCGAN step with every pair (`pairs="all"`) is timed against a plain
`GAN` with the same generator and discriminator and no extra loss (a model with
`similarity_weight=0` would still compute the constraint). Both run through
Keras's train function on a fixed batch, without and with `jit_compile=True`.
For information, the paper's SSIM-SCGAN (pairs from random subsets of 10 and
18 indices) is timed with and without `jit_compile`.
"""

from benchmarks import timing
from benchmarks.context import result

NAME = "train_step"
TARGET = 1.10


def run(ctx):
    # The paper's pair subsets need a batch of at least 18.
    batch_size = ctx.pick(64, 32)
    rounds = ctx.pick(9, 1)
    # XLA compilation of three steps takes about a minute: full runs only.
    jit_modes = (False,) if ctx.quick else (False, True)
    workloads = {}
    for jit in jit_modes:
        for kind in ("gan", "ssim_all", "ssim_scgan"):
            workloads[(kind, jit)] = ctx.steps.get(kind, batch_size, jit_compile=jit)
    times = timing.interleaved(workloads, rounds=rounds, min_time=ctx.pick(0.6, 0.0))
    seconds = {f"{k}, jit_compile={j}": timing.median(t) for (k, j), t in times.items()}
    images_per_s = {k: batch_size / s for k, s in seconds.items()}
    details = {
        "batch_size": batch_size,
        "rounds": rounds,
        "seconds_per_step": seconds,
        "images_per_s": images_per_s,
    }
    rows = []
    for jit in jit_modes:
        rows.append(
            result(
                NAME,
                f"SSIM-SCGAN pairs='all' step / plain GAN step, B={batch_size}, "
                f"jit_compile={jit}",
                timing.median_ratio(times, ("ssim_all", jit), ("gan", jit)),
                target=TARGET,
                op="<=",
                notes=f"{batch_size * (batch_size - 1) // 2} pairs; time ratio",
                details=details,
            )
        )
    for jit in jit_modes:
        rows.append(
            result(
                NAME,
                f"SSIM-SCGAN subsets 10x18 step / plain GAN step, B={batch_size}, "
                f"jit_compile={jit}",
                timing.median_ratio(times, ("ssim_scgan", jit), ("gan", jit)),
                notes="information: the paper's pair subsets",
                details=details,
            )
        )
    if ctx.quick:
        return rows
    for kind, label in (("ssim_scgan", "subsets 10x18"), ("ssim_all", "pairs='all'")):
        rows.append(
            result(
                NAME,
                f"SSIM-SCGAN {label} step time, jit_compile False / True, B={batch_size}",
                timing.median_ratio(times, (kind, False), (kind, True)),
                notes="information: > 1 means XLA is faster",
                details=details,
            )
        )
    return rows
