"""Training on two logical CPU replicas against one device, same global batch and weights.

Each case runs in its own process: the CPU must be split before TensorFlow starts.
SGD is used because its update is linear in the gradient, so a gradient scaled
wrongly for the replica count shows (Adam would normalise it away).
"""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "replica_equivalence.py")


def run(model, d_rate, g_rate, steps=3):
    result = subprocess.run(
        [sys.executable, SCRIPT, model, str(d_rate), str(g_rate), str(steps)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("model", ["cgan", "infogan"])
def test_discriminator_steps_match_one_device(model):
    gaps = run(model, d_rate=0.05, g_rate=0.0)
    assert gaps["replicas"] == 2
    assert gaps["max_change"] > 1e-2  # training really moved the weights
    assert gaps["max_gap"] < 1e-2 * gaps["max_change"]


@pytest.mark.slow
@pytest.mark.parametrize("model", ["cgan", "infogan"])
def test_generator_steps_match_one_device(model):
    gaps = run(model, d_rate=0.0, g_rate=0.05)
    assert gaps["replicas"] == 2
    assert gaps["max_change"] > 1e-2
    assert gaps["max_gap"] < 5e-3 * gaps["max_change"]


@pytest.mark.slow
def test_similarity_pairs_are_per_replica():
    # SCGAN models form pairs inside each replica's batch (documented), so their
    # generator step differs from one device's with the same global batch.
    gaps = run("ssim_scgan", d_rate=0.0, g_rate=0.05)
    assert gaps["max_gap"] > 5e-2 * gaps["max_change"]


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="Known issue: with synchronised batch norm in the discriminator and both "
    "steps learning, two replicas differ from one device by about 10% of the update "
    "(measured; each step alone matches, and the same networks without batch norm in "
    "the discriminator match to 1e-4). Suspected: the discriminator's separate calls on "
    "real and fake images all-reduce same-shaped batch statistics whose backward "
    "all-reduces are not ordered across replicas. Not yet fixed.",
)
def test_full_steps_match_one_device():
    gaps = run("cgan", d_rate=0.05, g_rate=0.05)
    assert gaps["max_gap"] < 5e-3 * gaps["max_change"]
