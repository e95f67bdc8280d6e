"""Input pipeline throughput against the training step's.

`scgan_tf.data.load("mnist", "train", batch_size=B, shuffle=True,
drop_remainder=True)`, repeated, is iterated on its own (a persistent
iterator, so epoch boundaries and their shuffle-buffer refills are included
in proportion); the SSIM-SCGAN training step on a fixed batch is timed in
the same rounds. Each pipeline timing pulls many batches so that what the
prefetch buffer filled in the background while the step ran is a small part.
"""

from benchmarks import timing
from benchmarks.context import result, skipped

NAME = "input_pipeline"
TARGET = 10.0


def run(ctx):
    from scgan_tf import data

    batch_size = ctx.pick(64, 32)
    rounds = ctx.pick(7, 2)
    batches_per_timing = ctx.pick(300, 40)
    try:
        ds = data.load(
            "mnist",
            "train",
            batch_size=batch_size,
            shuffle=True,
            seed=0,
            drop_remainder=True,
        )
    except data.DataNotFoundError as e:
        return [skipped(NAME, "pipeline / training step images/s", f"no MNIST: {e}")]
    iterator = iter(ds.repeat())

    def pull():
        for _ in range(batches_per_timing):
            images, _ = next(iterator)
        # The last batch is a host tensor already; touching it is enough.
        return images.shape

    step = ctx.steps.get("ssim_scgan", batch_size)
    times = timing.interleaved(
        {"pipeline": pull, "step": step}, rounds=rounds, calls=None, min_time=0.0
    )
    pipeline_images_s = (
        batch_size * batches_per_timing / timing.median(times["pipeline"])
    )
    step_images_s = batch_size / timing.median(times["step"])
    ratios = [
        (batch_size * batches_per_timing / tp) / (batch_size / ts)
        for tp, ts in zip(times["pipeline"], times["step"], strict=True)
    ]
    return [
        result(
            NAME,
            f"pipeline / SSIM-SCGAN step images/s, B={batch_size}",
            timing.median(ratios),
            target=TARGET,
            op=">=",
            notes=f"pipeline {pipeline_images_s:,.0f} vs step {step_images_s:,.0f} images/s",
            details={
                "batch_size": batch_size,
                "rounds": rounds,
                "batches_per_timing": batches_per_timing,
                "pipeline_images_per_s": pipeline_images_s,
                "step_images_per_s": step_images_s,
            },
        )
    ]
