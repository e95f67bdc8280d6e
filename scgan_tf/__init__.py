"""scgan_tf: SCGAN and SSIM-SCGAN for Keras 3 and TensorFlow.

Example:

>>> import scgan_tf as st
>>> model = st.models.build("ssim_scgan", "mnist")
>>> model.compile()
"""

__version__ = "0.1.0"

from scgan_tf import (  # noqa: E402
    callbacks,
    data,
    distribute,
    latents,
    losses,
    metrics,
    models,
    networks,
    similarity,
    visualize,
)
from scgan_tf.latents import LatentSpec  # noqa: E402
from scgan_tf.training import train  # noqa: E402

__all__ = [
    "LatentSpec",
    "__version__",
    "callbacks",
    "data",
    "distribute",
    "latents",
    "losses",
    "metrics",
    "models",
    "networks",
    "similarity",
    "train",
    "visualize",
]
