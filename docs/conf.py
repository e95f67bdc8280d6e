"""Sphinx configuration of the scgan_tf documentation.

Build with `sphinx-build -W --keep-going -b html docs docs/_build/html`.

The tutorials live in `tutorials/*.ipynb` at the repository root, where users and
CI run them. Sphinx only reads documents under `docs/`, so every build copies
them into `docs/tutorials/` (ignored by git) and renders their stored outputs
without executing them: the tests execute the notebooks, the docs do not retrain.
"""

import filecmp
import inspect
import os
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
# TensorFlow is imported by autodoc; keep its start-up chatter out of the log.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import scgan_tf  # noqa: E402

project = "scgan_tf"
author = "the scgan_tf authors"
copyright = "the scgan_tf authors"
version = release = scgan_tf.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_nb",
]
exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints"]
html_theme = "alabaster"
html_title = f"scgan_tf {release}"
html_static_path = []

# ----------------------------------------------------------------- autodoc

autodoc_member_order = "bysource"
autodoc_typehints = "none"
# Keras's own docstrings (get_config, train_step, ...) are not ours to render.
autodoc_inherit_docstrings = False
autodoc_default_options = {"show-inheritance": True}
# The docstrings use single backticks for code, as Keras's do: render them as
# code, linked when they name a documented object.
default_role = "py:obj"

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True
napoleon_custom_sections = ["Reference"]


def _key_lists(app, what, name, obj, options, lines):
    """Renders the docstrings' "A dict with keys:" lists as bullet lists.

    The library documents returned dicts the way Keras does, one key per line
    under the sentence, with longer descriptions continued on deeper-indented
    lines:

        Returns:
            A dict with keys:
                `"fid"`: the Fréchet distance.
                `"sigmas"`: the candidate bandwidths, one per
                    entry of the grid.

    reStructuredText would read the key lines as a block quote and each
    continuation as an error. This turns them into one bullet per key, before
    napoleon formats the section.
    """
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        indent = len(line) - len(line.lstrip())
        item_indent = len(following) - len(following.lstrip())
        if not (
            stripped.endswith("with keys:")
            and following.strip().startswith("`")
            and item_indent > indent
        ):
            out.append(line)
            i += 1
            continue
        out += [line[:-1].rstrip(), ""]  # the colon would make napoleon split a type
        i += 1
        while i < len(lines) and lines[i].strip():
            depth = len(lines[i]) - len(lines[i].lstrip())
            if depth < item_indent:
                break
            if depth == item_indent:
                out.append(" " * indent + "- " + lines[i].strip())
            else:
                out[-1] += " " + lines[i].strip()
            i += 1
        out.append("")
    lines[:] = out


_ARGS_HEADERS = ("Args:", "Arguments:")


def _wrapped_arg_names(app, what, name, obj, options, lines):
    """Joins an `Args:` entry whose list of names wraps onto a second line.

    Some docstrings describe several arguments in one entry, and a long list
    of names wraps:

        Args:
            num_train, num_eval, num_variance_estimate, batch_size,
                prune_threshold: passed to `factor_vae_score`.

    napoleon needs the names and their colon on one line; this puts them
    there, before napoleon formats the section.
    """
    out, header_indent, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped in _ARGS_HEADERS:
            header_indent = indent
        elif stripped and header_indent is not None and indent <= header_indent:
            header_indent = None
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            header_indent is not None
            and stripped.endswith(",")
            and ":" not in stripped
            and len(following) - len(following.lstrip()) > indent
            and ":" in following
        ):
            out.append(f"{line.rstrip()} {following.strip()}")
            i += 2
            continue
        out.append(line)
        i += 1
    lines[:] = out


def _attribute_name_lists(app, what, name, obj, options, lines):
    """Renders `Attributes:` followed by a bare list of names as one sentence.

    Some classes list the attributes they keep as names only:

        Attributes:
            name, feature_dim, num_classes.

    napoleon expects one `name: description` entry per line and would read the
    whole list as one attribute. Joined to its header the list is a sentence.
    """
    for i in range(len(lines) - 1):
        following = lines[i + 1].strip()
        if (
            lines[i].strip() == "Attributes:"
            and "," in following
            and ":" not in following
            and (i + 2 == len(lines) or not lines[i + 2].strip())
        ):
            names = [n.strip(" .") for n in following.split(",") if n.strip(" .")]
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = (
                indent + "Attributes: " + ", ".join(f"`{n}`" for n in names) + "."
            )
            lines[i + 1] = ""


def _init_signatures(app, what, name, obj, options, signature, return_annotation):
    """Shows a Keras class's `__init__` arguments, not `keras.Model.__new__`'s.

    autodoc prefers `__new__` to `__init__`, and every `keras.Model` subclass
    inherits `__new__(cls, *args, **kwargs)`.
    """
    if what != "class" or signature != "(*args, **kwargs)":
        return None
    init = getattr(obj, "__init__", None)
    if init is None or init is object.__init__:
        return None
    parameters = list(inspect.signature(init).parameters.values())[1:]
    return str(inspect.Signature(parameters)), return_annotation


def _public_bases(app, name, obj, options, bases):
    """Shows Keras base classes by their public names (`keras.Model`), not by
    the private modules that define them (`keras.src.models.model.Model`)."""
    for i, base in enumerate(bases):
        module = getattr(base, "__module__", "") or ""
        if not module.startswith("keras.src."):
            continue
        # Keras records the public path(s) it exports a symbol under.
        public = getattr(base, "_api_export_path", None) or f"keras.{base.__name__}"
        if isinstance(public, (list, tuple)):
            public = public[0]
        bases[i] = f":py:class:`{public}`"


# ---------------------------------------------------------------- notebooks

nb_execution_mode = "off"
# TensorFlow writes log lines to stderr; they are noise on a web page.
nb_output_stderr = "remove"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

TUTORIALS_SRC = ROOT / "tutorials"
TUTORIALS_DST = DOCS / "tutorials"


def copy_tutorials(src=TUTORIALS_SRC, dst=TUTORIALS_DST):
    """Mirrors `src/*.ipynb` into `dst`, touching only files that changed.

    Unchanged copies keep their timestamps so that incremental builds do not
    re-read them; copies whose notebook was deleted or renamed are removed.
    Each file is written to a temporary name and renamed, so a build running
    at the same time never reads half a notebook.
    """
    dst.mkdir(exist_ok=True)
    wanted = {path.name: path for path in sorted(src.glob("*.ipynb"))}
    for stale in dst.glob("*.ipynb"):
        if stale.name not in wanted:
            stale.unlink()
    for name, path in wanted.items():
        target = dst / name
        if target.exists() and filecmp.cmp(path, target, shallow=False):
            continue
        tmp = dst / f".{name}.{os.getpid()}.tmp"
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return sorted(wanted)


copy_tutorials()

# Pages that another part of the project writes (benchmarks). They are listed in
# index.md's table of contents; until a page exists its entry is dropped so that
# the build, run with warnings as errors, does not fail on it.
OPTIONAL_PAGES = ("performance",)


def _drop_missing_optional_pages(app, docname, source):
    if docname != "index":
        return
    for page in OPTIONAL_PAGES:
        if not (DOCS / f"{page}.md").exists():
            source[0] = re.sub(rf"(?m)^{page}[ \t]*\n", "", source[0])


def setup(app):
    # Before napoleon (priority 500), which would otherwise read the key lines.
    app.connect("autodoc-process-docstring", _key_lists, priority=400)
    app.connect("autodoc-process-docstring", _wrapped_arg_names, priority=400)
    app.connect("autodoc-process-docstring", _attribute_name_lists, priority=400)
    app.connect("autodoc-process-signature", _init_signatures)
    app.connect("autodoc-process-bases", _public_bases)
    app.connect("source-read", _drop_missing_optional_pages)
