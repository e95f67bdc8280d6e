"""Cost of the similarity constraint in the training step, and of `jit_compile`.

The SSIM-SCGAN step with every pair (`pairs="all"`) is timed against a plain
`GAN` with the same generator and discriminator and no extra loss (a model with
`similarity_weight=0` would still compute the constraint). Both run through
Keras's train function on a fixed batch, without and with `jit_compile=True`.
For information, the paper's SSIM-SCGAN (pairs from random subsets of 10 and
18 indices) is timed too, and each model's step with `jit_compile` False
against True (also at the paper's batch of 32).

Each comparison is its own interleaved pair of workloads, so the two sides of
a ratio are timed within a second of each other.
"""

from benchmarks import timing
from benchmarks.context import result

NAME = "train_step"
TARGET = 1.10
PAPER_BATCH = 32
LABELS = {"ssim_all": "pairs='all'", "ssim_scgan": "subsets 10x18", "gan": "plain GAN"}


def compare(ctx, a, b, rounds):
    """Times configs `a` and `b` (`(kind, batch, jit)`) side by side.

    Returns `(median wall-clock ratio a / b, details)`.
    """
    workloads = {
        config: ctx.steps.get(config[0], config[1], jit_compile=config[2])
        for config in (a, b)
    }
    times = timing.interleaved(workloads, rounds=rounds, min_time=ctx.pick(0.3, 0.0))
    details = {"rounds": rounds, "cpu_time_ratio": timing.median_ratio(times.cpu, a, b)}
    for kind, batch, jit in (a, b):
        seconds = timing.median(times[(kind, batch, jit)])
        details[f"{kind}, B={batch}, jit_compile={jit}"] = {
            "seconds_per_step": seconds,
            "images_per_s": batch / seconds,
        }
    return timing.median_ratio(times, a, b), details


def run(ctx):
    # The paper's pair subsets need a batch of at least 18.
    batch_size = ctx.pick(64, 32)
    rounds = ctx.pick(11, 1)
    # XLA compilation of the steps takes over a minute: full runs only.
    jit_modes = (False,) if ctx.quick else (False, True)
    rows = []
    for kind, target in (("ssim_all", TARGET), ("ssim_scgan", None)):
        for jit in jit_modes:
            ratio, details = compare(
                ctx, (kind, batch_size, jit), ("gan", batch_size, jit), rounds
            )
            rows.append(
                result(
                    NAME,
                    f"SSIM-SCGAN {LABELS[kind]} step / plain GAN step, "
                    f"B={batch_size}, jit_compile={jit}",
                    ratio,
                    target=target,
                    op="<=" if target else None,
                    notes=(
                        f"{batch_size * (batch_size - 1) // 2} pairs; time ratio "
                        f"(CPU time: {details['cpu_time_ratio']:.2f}x)"
                        if target
                        else "information: the paper's pair subsets"
                    ),
                    details=details,
                )
            )
    if ctx.quick:
        return rows
    configs = [(kind, batch_size) for kind in ("gan", "ssim_all", "ssim_scgan")]
    configs.append(("ssim_scgan", PAPER_BATCH))
    for kind, batch in configs:
        ratio, details = compare(ctx, (kind, batch, False), (kind, batch, True), rounds)
        rows.append(
            result(
                NAME,
                f"{LABELS[kind]} step time, jit_compile False / True, B={batch}",
                ratio,
                notes="information: > 1 means XLA is faster "
                f"(CPU time: {details['cpu_time_ratio']:.2f}x)",
                details=details,
            )
        )
    return rows
