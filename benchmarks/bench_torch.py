"""SSIM-SCGAN training throughput: this library against an eager PyTorch loop.

The PyTorch side is written here, from PAPER.md section 3, to do the same
work per step as `scgan_tf.models.SSIMSCGAN.train_step`: the same layers and
shapes, truncated-normal initialisation (std 0.02, cut at 2 std as Keras's
`TruncatedNormal`), zero biases, batch norm with Keras momentum 0.997 (PyTorch
momentum 0.003) and epsilon 1e-5, Adam with beta1 0.5, beta2 0.999 and Keras's
epsilon 1e-7 (D 2e-4, G 1e-3), sigmoid cross-entropy with the non-saturating
generator loss, and the SSIM similarity constraint on pairs drawn from random
subsets of 10 and 18 batch indices (redrawn every step, `i < j`), with
`tf.image.ssim`'s window (11x11 Gaussian, sigma 1.5, VALID) and constants.
Like the library's step, it runs G once for the D step (in training mode, no
gradient) and again for the G step, and does not compute D's weight gradients
in the G step. PyTorch is optional: without it the rows are skipped.
"""

import os

import numpy as np

from benchmarks import timing
from benchmarks.context import result, skipped

NAME = "torch_throughput"
TARGET = 1.5
NOISE_DIM, NUM_CLASSES = 90, 10


def _torch_step_factory(torch, batch_size, subset_sizes=(10, 18), seed=0):
    """Builds the PyTorch SSIM-SCGAN and returns `step()` running one iteration."""
    nn = torch.nn
    F = torch.nn.functional
    torch.manual_seed(seed)

    def init(module):
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.trunc_normal_(module.weight, std=0.02, a=-0.04, b=0.04)
            nn.init.zeros_(module.bias)

    def bn1d(n):
        return nn.BatchNorm1d(n, momentum=0.003, eps=1e-5)

    def bn2d(n):
        return nn.BatchNorm2d(n, momentum=0.003, eps=1e-5)

    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 128, 7, 7)

    # "same" padding with a 4x4 kernel and stride 2 is padding 1 on each side.
    generator = nn.Sequential(
        nn.Linear(NOISE_DIM + NUM_CLASSES, 1024),
        bn1d(1024),
        nn.ReLU(),
        nn.Linear(1024, 7 * 7 * 128),
        bn1d(7 * 7 * 128),
        nn.ReLU(),
        Reshape(),
        nn.ConvTranspose2d(128, 64, 4, 2, padding=1),
        bn2d(64),
        nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, padding=1),
        nn.Sigmoid(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, padding=1),
        bn2d(128),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 128, 1024),
        bn1d(1024),
        nn.LeakyReLU(0.2),
        nn.Linear(1024, 1),
    )
    generator.apply(init)
    discriminator.apply(init)
    generator.train()
    discriminator.train()
    d_opt = torch.optim.Adam(
        discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-7
    )
    g_opt = torch.optim.Adam(
        generator.parameters(), lr=1e-3, betas=(0.5, 0.999), eps=1e-7
    )

    coords = np.arange(11, dtype=np.float64) - 5.0
    w = np.exp(-0.5 * coords**2 / 1.5**2)
    w /= w.sum()
    window = torch.tensor(np.outer(w, w), dtype=torch.float32).view(1, 1, 11, 11)
    c1, c2 = (0.01 * 1.0) ** 2, (0.03 * 1.0) ** 2

    def local_mean(x):
        return F.conv2d(x, window)

    def ssim_constraint(images, codes):
        n1, n2 = subset_sizes
        rows = torch.randperm(batch_size)[:n1]
        cols = torch.randperm(batch_size)[:n2]
        first = rows[:, None].expand(n1, n2).reshape(-1)
        second = cols[None, :].expand(n1, n2).reshape(-1)
        mask = (first < second).float()
        mu = local_mean(images)
        sq = local_mean(images * images)
        cross = local_mean(images[first] * images[second])
        mu_x, mu_y = mu[first], mu[second]
        num0 = mu_x * mu_y * 2.0
        den0 = mu_x * mu_x + mu_y * mu_y
        luminance = (num0 + c1) / (den0 + c1)
        cs = (cross * 2.0 - num0 + c2) / (sq[first] + sq[second] - den0 + c2)
        ssim = (luminance * cs).mean(dim=(1, 2, 3))
        distance = 1.0 - ssim
        same = (codes[first] == codes[second]).float()
        terms = same * torch.exp(distance) + (1.0 - same) * torch.exp(1.5 - distance)
        return (terms * mask).sum() / mask.sum().clamp_min(1.0)

    real = torch.rand(batch_size, 1, 28, 28)
    ones = torch.ones(batch_size, 1)
    zeros = torch.zeros(batch_size, 1)

    def step():
        noise = torch.rand(batch_size, NOISE_DIM) * 2.0 - 1.0
        codes = torch.randint(0, NUM_CLASSES, (batch_size,))
        latent = torch.cat([noise, F.one_hot(codes, NUM_CLASSES).float()], dim=1)

        with torch.no_grad():
            fake = generator(latent)
        d_opt.zero_grad(set_to_none=True)
        d_loss = F.binary_cross_entropy_with_logits(
            discriminator(real), ones
        ) + F.binary_cross_entropy_with_logits(discriminator(fake), zeros)
        d_loss.backward()
        d_opt.step()

        for p in discriminator.parameters():
            p.requires_grad_(False)
        g_opt.zero_grad(set_to_none=True)
        fake = generator(latent)
        g_loss = F.binary_cross_entropy_with_logits(discriminator(fake), ones)
        g_loss = g_loss + ssim_constraint(fake, codes)
        g_loss.backward()
        g_opt.step()
        for p in discriminator.parameters():
            p.requires_grad_(True)
        return float(d_loss.detach())

    return step


def run(ctx):
    batch_sizes = ctx.pick((32, 64), (32,))
    # PyTorch's OpenMP threads spin at every barrier; on a shared CPU whose
    # cores are taken by other processes, a spinning thread that lost its core
    # stalls every operation (measured: 4-6x slower steps with 2 threads than
    # with 1 on a loaded 2-core machine). Passive waiting removes most of
    # that; it has to be set before PyTorch loads its OpenMP runtime.
    wait_policy = os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
    except ImportError:
        reason = (
            "PyTorch is not installed (optional: pip install torch); "
            "nothing to compare with"
        )
        return [
            skipped(
                NAME, f"TF / PyTorch images/s, B={b}", reason, target=TARGET, op=">="
            )
            for b in batch_sizes
        ]
    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    # TensorFlow's CPU thread pools flush denormals to zero; without the same,
    # PyTorch's Adam update spends much of its time on denormal arithmetic.
    torch.set_flush_denormal(True)
    jit_modes = (False,) if ctx.quick else (False, True)
    rounds = ctx.pick(9, 1)
    rows = []
    for batch_size in batch_sizes:
        workloads = {"torch": _torch_step_factory(torch, batch_size)}
        for jit in jit_modes:
            workloads[jit] = ctx.steps.get("ssim_scgan", batch_size, jit_compile=jit)
        times = timing.interleaved(
            workloads, rounds=rounds, min_time=ctx.pick(0.5, 0.0)
        )
        details = {
            "batch_size": batch_size,
            "rounds": rounds,
            "torch_version": torch.__version__,
            "torch_threads": threads,
            "omp_wait_policy": wait_policy,
            "cpu_time_ratios": {
                f"torch / tf, jit_compile={jit}": timing.median_ratio(
                    times.cpu, "torch", jit
                )
                for jit in jit_modes
            },
            "images_per_s": {
                ("torch" if k == "torch" else f"tf, jit_compile={k}"): batch_size
                / timing.median(t)
                for k, t in times.items()
            },
        }
        for jit in jit_modes:
            rows.append(
                result(
                    NAME,
                    f"TF / PyTorch images/s, SSIM-SCGAN, B={batch_size}, "
                    f"jit_compile={jit}",
                    timing.median_ratio(times, "torch", jit),
                    target=None if jit else TARGET,
                    op=None if jit else ">=",
                    notes=(
                        "information: with XLA"
                        if jit
                        else "library default (no XLA); eager PyTorch CPU"
                    ),
                    details=details,
                )
            )
    return rows
