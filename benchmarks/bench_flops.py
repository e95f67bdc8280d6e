"""Achieved FLOP/s of the SSIM-SCGAN training step, as a fraction of a dense matmul's.

FLOPs are counted analytically from the layer shapes of the Keras models:
a dense layer costs `inputs * units` multiply-adds per image, a convolution
`out_h * out_w * k_h * k_w * in_channels * filters`, a transposed convolution
`in_h * in_w * k_h * k_w * in_channels * filters`; one multiply-add is 2 FLOPs
and a backward pass is counted as 2 forward passes. One iteration is:

- D step: G forward on B latents, D forward on B real and B fake images, D backward;
- G step: G and D forward on B latents, backward through both.

That is `4 G + 9 D` forward passes' worth per image. Batch norm, activations,
the optimizer update and the similarity constraint (under 0.1% of the
multiply-adds with the paper's pair subsets) are not counted, so the figure is
the useful dense work, a lower bound on what the CPU executes. The reference
is `tf.matmul` of two 2048x2048 float32 matrices, timed in the same rounds.
"""

import keras
import tensorflow as tf

from benchmarks import timing
from benchmarks.context import result

NAME = "flops"
TARGET = 0.5
MATMUL_SIZE = 2048


def forward_macs(model):
    """Multiply-adds of one image's forward pass through dense and conv layers."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            total += int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            _, h, w, _ = layer.input.shape
            kh, kw, _, _ = layer.kernel.shape  # (kh, kw, filters, in_channels)
            total += (
                h
                * w
                * kh
                * kw
                * int(layer.kernel.shape[2])
                * int(layer.kernel.shape[3])
            )
        elif isinstance(layer, keras.layers.Conv2D):
            _, h, w, _ = layer.output.shape
            kh, kw, cin, cout = layer.kernel.shape
            total += h * w * kh * kw * cin * cout
    return int(total)


def step_flops_per_image(generator, discriminator):
    g, d = forward_macs(generator), forward_macs(discriminator)
    return 2 * (4 * g + 9 * d), g, d


def _matmul_fn():
    a = tf.random.stateless_normal((MATMUL_SIZE, MATMUL_SIZE), (5, 6))
    b = tf.random.stateless_normal((MATMUL_SIZE, MATMUL_SIZE), (7, 8))

    @tf.function
    def matmul():
        return tf.reduce_sum(tf.matmul(a, b))

    return lambda: float(matmul())


def run(ctx):
    batch_size = ctx.pick(64, 32)
    rounds = ctx.pick(15, 1)
    jit_modes = (False,) if ctx.quick else (False, True)
    model = ctx.steps.model("ssim_scgan", batch_size)
    per_image, g_macs, d_macs = step_flops_per_image(
        model.generator, model.discriminator
    )
    step_flops = per_image * batch_size
    matmul_flops = 2 * MATMUL_SIZE**3
    workloads = {"matmul": _matmul_fn()}
    for jit in jit_modes:
        workloads[jit] = ctx.steps.get("ssim_scgan", batch_size, jit_compile=jit)
    times = timing.interleaved(workloads, rounds=rounds, min_time=ctx.pick(0.3, 0.0))
    matmul_gflops = matmul_flops / timing.median(times["matmul"]) / 1e9
    rows = []
    for jit in jit_modes:
        fractions = [
            (step_flops / ts) / (matmul_flops / tm)
            for ts, tm in zip(times[jit], times["matmul"], strict=True)
        ]
        rows.append(
            result(
                NAME,
                f"SSIM-SCGAN step FLOP/s / {MATMUL_SIZE}^2 matmul FLOP/s, "
                f"B={batch_size}, jit_compile={jit}",
                timing.median(fractions),
                unit="%",
                target=None if jit else TARGET,
                op=None if jit else ">=",
                notes=(
                    f"{step_flops / 1e9:.1f} GFLOP/step; "
                    f"step {step_flops / timing.median(times[jit]) / 1e9:.0f} vs "
                    f"matmul {matmul_gflops:.0f} GFLOP/s"
                    + ("; information" if jit else "")
                ),
                details={
                    "batch_size": batch_size,
                    "rounds": rounds,
                    "generator_forward_macs_per_image": g_macs,
                    "discriminator_forward_macs_per_image": d_macs,
                    "step_flops": step_flops,
                    "matmul_flops": matmul_flops,
                    "step_s": timing.median(times[jit]),
                    "cpu_time_fraction": (step_flops / timing.median(times.cpu[jit]))
                    / (matmul_flops / timing.median(times.cpu["matmul"])),
                    "matmul_s": timing.median(times["matmul"]),
                },
            )
        )
    return rows
