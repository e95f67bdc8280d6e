"""The four models and `build()`, which makes them with the paper's defaults."""

from scgan_tf import networks
from scgan_tf.latents import LatentSpec, default_latent_spec
from scgan_tf.models.base import GAN
from scgan_tf.models.cgan import CGAN
from scgan_tf.models.infogan import InfoGAN
from scgan_tf.models.scgan import SCGAN, SSIMSCGAN

MODELS = ("cgan", "infogan", "scgan", "ssim_scgan")
DATASETS = ("mnist", "fashion_mnist")

__all__ = [
    "CGAN",
    "GAN",
    "InfoGAN",
    "LatentSpec",
    "MODELS",
    "SCGAN",
    "SSIMSCGAN",
    "build",
]


def _normalise(name):
    return name.lower().replace("-", "_") if isinstance(name, str) else name


def build(name, dataset="mnist", *, latent_spec=None, batch_norm="local", **overrides):
    """Builds a model with the paper's networks, latents and hyperparameters.

    Args:
        name: `"cgan"`, `"infogan"`, `"scgan"` or `"ssim_scgan"` (dashes allowed).
        dataset: `"mnist"` or `"fashion_mnist"` (both 28x28x1 in `[0, 1]`).
        latent_spec: a `LatentSpec` replacing the paper's (90-d uniform noise and
            one 10-way categorical code).
        batch_norm: `"local"` (the paper's batch norm; per replica under
            `tf.distribute`), `"sync"` (statistics over the global batch) or
            `"none"` (no normalisation, an ablation).
        **overrides: constructor arguments of the model class, e.g. `seed`,
            `similarity_weight`, `pairs`, `subset_sizes`, `info_weight`.

    Returns:
        An uncompiled model; `model.compile()` uses the paper's optimizers.

    Raises:
        ValueError: unknown `name` or `dataset`, or bad hyperparameters.

    Example:

    >>> model = build("ssim_scgan", "mnist", seed=1)
    >>> model.generate(2).shape
    (2, 28, 28, 1)
    """
    key = _normalise(name)
    if key not in MODELS:
        raise ValueError(
            f"Unknown model. Expected one of {MODELS}. Received: name={name!r}"
        )
    if dataset not in DATASETS:
        raise ValueError(
            f"Unknown dataset for the models. Expected one of {DATASETS}. "
            f"Received: dataset={dataset!r}"
        )
    spec = latent_spec or default_latent_spec(dataset)
    generator = networks.mnist_generator(spec.dim, batch_norm=batch_norm)
    condition_dim = spec.dim if key == "cgan" else 0
    discriminator = networks.mnist_discriminator(condition_dim, batch_norm=batch_norm)
    if key == "cgan":
        return CGAN(generator, discriminator, spec, **overrides)
    if key == "infogan":
        code_network = networks.mnist_code_network(
            sum(spec.categorical) + spec.continuous, batch_norm=batch_norm
        )
        return InfoGAN(generator, discriminator, spec, code_network, **overrides)
    cls = SCGAN if key == "scgan" else SSIMSCGAN
    return cls(generator, discriminator, spec, **overrides)
