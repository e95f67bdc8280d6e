"""FID end to end against its feature extraction alone.

End to end: features of N "real" and N "generated" images, then
`fid_from_activations`. Alone: the same two feature extractions. The
extractor is `scgan_tf.metrics.features.get_extractor("mnist_classifier")`
(the shipped weights, or its seeded random initialisation where the weights
are not installed: the cost is the same); without that module, a stand-in with
the domain classifier's architecture. Image content does not change the cost,
so both sets are random images in [0, 1].
"""

import numpy as np

from benchmarks import timing
from benchmarks.context import result

NAME = "fid"
TARGET = 1.2


def get_extractor():
    """`(callable images -> activations, description)`."""
    try:
        from scgan_tf.metrics import features
    except ImportError:
        features = None
    if features is not None and hasattr(features, "get_extractor"):
        try:
            extractor = features.get_extractor("mnist_classifier")
        except Exception:  # weights not installed: same network, random weights
            extractor = features.get_extractor("mnist_classifier", weights=None)
        return extractor, f"features.get_extractor: {extractor.name}"
    return _stand_in(), "stand-in: domain-classifier CNN features"


def _stand_in():
    import keras
    import tensorflow as tf

    from scgan_tf.metrics.domain_classifier import build_domain_classifier

    model = build_domain_classifier()
    sub = keras.Model(model.inputs, model.get_layer("features").output)
    forward = tf.function(lambda x: sub(x, training=False), reduce_retracing=True)

    def extract(images, batch_size=500):
        return np.concatenate(
            [
                forward(images[i : i + batch_size]).numpy()
                for i in range(0, len(images), batch_size)
            ]
        )

    return extract


def run(ctx):
    from scgan_tf.metrics import fid_from_activations

    num = ctx.pick(10_000, 500)
    rounds = ctx.pick(5, 1)
    rng = np.random.default_rng(0)
    real = rng.random((num, 28, 28, 1), dtype=np.float32)
    fake = rng.random((num, 28, 28, 1), dtype=np.float32)
    extractor, description = get_extractor()
    activations = extractor(real), extractor(fake)

    def features_only():
        return extractor(real), extractor(fake)

    def end_to_end():
        return fid_from_activations(extractor(real), extractor(fake))["fid"]

    def maths_only():
        return fid_from_activations(*activations)["fid"]

    times = timing.interleaved(
        {"end_to_end": end_to_end, "features": features_only, "maths": maths_only},
        rounds=rounds,
        calls=1,
    )
    # The same ratio from its parts: less noisy, as the small part is timed alone.
    from_parts = timing.median(
        [(f + m) / f for f, m in zip(times["features"], times["maths"], strict=True)]
    )
    return [
        result(
            NAME,
            f"FID end to end / feature extraction alone, N={num:,} vs {num:,}",
            timing.median_ratio(times, "end_to_end", "features"),
            target=TARGET,
            op="<=",
            notes=f"{description}; (features + maths) / features: {from_parts:.3f}x",
            details={
                "num_images": num,
                "rounds": rounds,
                "feature_dim": int(activations[0].shape[1]),
                "end_to_end_s": timing.median(times["end_to_end"]),
                "features_s": timing.median(times["features"]),
                "fid_from_activations_s": timing.median(times["maths"]),
                "ratio_from_parts": from_parts,
            },
        )
    ]
