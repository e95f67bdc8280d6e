"""The documentation builds with warnings as errors, and documents the public API."""

import html as html_lib
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _text(page):
    return html_lib.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    # A fresh process and a fresh output folder: the real command, nothing cached.
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "-d",
        str(out / ".doctrees"),
        str(DOCS),
        str(out),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    warnings = [
        line
        for line in result.stderr.splitlines()
        if "WARNING" in line or "ERROR" in line
    ]
    assert result.returncode == 0, "\n".join(warnings) or result.stderr[-3000:]
    return out


@pytest.mark.slow
def test_pages_are_built(html):
    for page in (
        "index",
        "method",
        "tutorials",
        "data",
        "distributed",
        "evaluation",
        "api",
    ):
        assert (html / f"{page}.html").is_file(), page
    if (DOCS / "performance.md").exists():
        assert (html / "performance.html").is_file()


@pytest.mark.slow
def test_api_page_documents_the_public_api(html):
    api = (html / "api.html").read_text()
    for name in (
        "scgan_tf.models.SSIMSCGAN",
        "scgan_tf.models.build",
        "scgan_tf.latents.LatentSpec",
        "scgan_tf.similarity.ssim_matrix",
        "scgan_tf.losses.similarity_constraint",
        "scgan_tf.data.load",
        "scgan_tf.metrics.fid_from_activations",
        "scgan_tf.metrics.factor_vae_score",
        "scgan_tf.callbacks.SampleGrid",
        "scgan_tf.visualize.image_grid",
        "scgan_tf.distribute.split_cpu",
        "scgan_tf.training.train",
    ):
        assert f'id="{name}"' in api, name
    # Keras classes show their own constructor, not keras.Model.__new__'s, and
    # keras.Model under its public name.
    text = _text(api)
    assert "GAN(generator, discriminator, latent_spec, *, seed=0, **kwargs)" in text
    assert "Bases: keras.Model" in text
    assert "keras.src" not in text


@pytest.mark.slow
def test_tutorials_are_rendered(html):
    notebooks = sorted(p.stem for p in (ROOT / "tutorials").glob("*.ipynb"))
    assert notebooks
    for name in notebooks:
        page = html / "tutorials" / f"{name}.html"
        assert page.is_file(), name
        assert "colab.research.google.com" in page.read_text()
    assert notebooks[0] in (html / "tutorials.html").read_text()


@pytest.mark.slow
def test_math_is_rendered(html):
    method = (html / "method.html").read_text()
    # MyST's dollar math becomes MathJax blocks, not literal dollar signs.
    assert 'class="math' in method
    assert "$$" not in method
