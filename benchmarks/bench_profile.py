"""Where the SSIM-SCGAN training step spends its time (information only).

The parts of `GAN.train_step` are rebuilt as separate `tf.function`s from the
model's own networks, losses and hooks, and timed in the same rounds as the
whole Keras step; each row is a part's time as a fraction of the whole step.
The parts overlap (the G step contains a G forward pass), and the whole step
also carries Keras's per-step work (metrics, iterator, outputs): "D step + G
step" against 1 shows that overhead.
"""

import tensorflow as tf

from benchmarks import timing
from benchmarks.context import result
from benchmarks.workloads import fixed_batch
from scgan_tf import losses

NAME = "step_profile"


def parts(model, batch_size, names=None):
    """`name -> callable()` for the parts of one training step of `model`.

    `names` selects some of them (each costs a trace); None: all.
    """
    real, _ = fixed_batch(batch_size)
    seed = tf.constant([model.seed, 123], tf.int32)
    latents = model.latent_spec.sample(batch_size, seed)
    vectors = model.latent_spec.to_vector(latents)
    fake_fixed = model.generator(vectors, training=False)
    d_vars = model.discriminator.trainable_variables
    g_vars = model.generator_variables

    @tf.function
    def generator_forward():
        return tf.reduce_sum(model.generator(vectors, training=True))

    @tf.function
    def d_step():
        fake = model.generator(vectors, training=True)
        with tf.GradientTape() as tape:
            loss = losses.discriminator_loss(
                model.discriminator(real, training=True),
                model.discriminator(fake, training=True),
            )
        model.d_optimizer.apply_gradients(zip(tape.gradient(loss, d_vars), d_vars))
        return loss

    def make_g_step(with_constraint):
        @tf.function
        def g_step():
            with tf.GradientTape() as tape:
                fake = model.generator(vectors, training=True)
                loss = losses.generator_loss(model.discriminator(fake, training=True))
                if with_constraint:
                    extra = model.generator_extra_losses(fake, latents, seed)
                    loss = loss + sum(extra.values())
            model.g_optimizer.apply_gradients(zip(tape.gradient(loss, g_vars), g_vars))
            return loss

        return g_step

    @tf.function
    def constraint():
        with tf.GradientTape() as tape:
            tape.watch(fake_fixed)
            loss = model.similarity_loss(fake_fixed, latents, seed)
        return tf.reduce_sum(tape.gradient(loss, fake_fixed))

    fns = {
        "G forward": generator_forward,
        "D step": d_step,
        "G step, adversarial loss only": make_g_step(False),
        "G step with the constraint": make_g_step(True),
        "constraint alone, fwd+bwd": constraint,
    }
    return {
        name: (lambda fn=fn: float(fn()))
        for name, fn in fns.items()
        if names is None or name in names
    }


def run(ctx):
    batch_size = ctx.pick(64, 32)
    rounds = ctx.pick(9, 1)
    # Quick mode traces one part of one model: enough to exercise the code.
    kinds = ctx.pick(
        (("ssim_scgan", "subsets 10x18"), ("ssim_all", "pairs='all'")),
        (("ssim_scgan", "subsets 10x18"),),
    )
    names = ctx.pick(None, ("constraint alone, fwd+bwd",))
    rows = []
    for kind, label in kinds:
        step = ctx.steps.get(kind, batch_size)
        model = ctx.steps.model(kind, batch_size)
        workloads = {"whole step": step, **parts(model, batch_size, names)}
        times = timing.interleaved(
            workloads, rounds=rounds, min_time=ctx.pick(0.3, 0.0)
        )
        seconds = {name: timing.median(t) for name, t in times.items()}
        for name in workloads:
            if name == "whole step":
                continue
            rows.append(
                result(
                    NAME,
                    f"{label}, B={batch_size}: {name} / whole step",
                    timing.median_ratio(times, name, "whole step"),
                    unit="%",
                    notes="information",
                    details={"seconds": seconds, "rounds": rounds},
                )
            )
        if ctx.quick:
            continue
        both = [
            (d + g) / w
            for d, g, w in zip(
                times["D step"],
                times["G step with the constraint"],
                times["whole step"],
                strict=True,
            )
        ]
        rows.append(
            result(
                NAME,
                f"{label}, B={batch_size}: (D step + G step) / whole step",
                timing.median(both),
                unit="%",
                notes="information: 1 - this is Keras's per-step overhead",
                details={"seconds": seconds, "rounds": rounds},
            )
        )
    return rows
