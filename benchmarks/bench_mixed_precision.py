"""Mixed precision: the SSIM-SCGAN step under `mixed_bfloat16` against float32.

Both models are built with the paper's networks and compiled the library's
default way (XLA with one replica); each is built under its dtype policy, which
Keras layers keep after the global policy is reset. The losses and the SSIM stay
float32 in both (the networks' last layers are float32). `mixed_float16` is left
out on CPU: it is meant for GPUs, and CPUs have no fast float16 arithmetic.
"""

import keras

from benchmarks import timing, workloads
from benchmarks.context import result

NAME = "mixed_precision"


def _step(policy, batch_size, jit_compile):
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = workloads.build_model("ssim_scgan")
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return workloads.train_step_fn(model, batch_size, jit_compile=jit_compile)


def run(ctx):
    batch_size = ctx.pick(64, 32)
    jit_compile = not ctx.quick  # XLA compilation is too slow for the quick mode
    steps = {
        policy: _step(policy, batch_size, jit_compile)
        for policy in ("float32", "mixed_bfloat16")
    }
    times = timing.interleaved(
        steps, rounds=ctx.pick(9, 1), min_time=ctx.pick(0.3, 0.0)
    )
    ratio = timing.median_ratio(times, "float32", "mixed_bfloat16")
    return [
        result(
            NAME,
            f"SSIM-SCGAN step time, float32 / mixed_bfloat16, B={batch_size}, "
            f"jit_compile={jit_compile}",
            ratio,
            notes="information: > 1 means mixed precision is faster",
        )
    ]
