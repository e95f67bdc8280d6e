"""The tutorials run top to bottom, with their parameters turned down.

Each notebook has one code cell tagged `parameters` (e.g. `STEPS = 300`). The
test appends smaller values to that cell, executes the notebook with nbclient
in a kernel running this interpreter, and checks that every cell ran and that
every figure was drawn.
"""

import json
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

TUTORIALS = Path(__file__).resolve().parents[1] / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))
COLAB_URL = (
    "https://colab.research.google.com/github/scgan-tf/scgan_tf/blob/main/tutorials/{}"
)
# Values small enough for CI; a notebook gets those of its parameters it defines.
CI_PARAMETERS = {"STEPS": 3, "NUM_DRAWS": 5, "NUM_POINTS": 3}
KERNEL_NAME = "scgan-tf-tests"


def _parameters_cell(notebook):
    cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", [])
    ]
    assert len(cells) == 1, "expected exactly one code cell tagged 'parameters'"
    return cells[0]


def _defined(source, name):
    return re.search(rf"(?m)^{name}\s*=", source) is not None


def _kernel_manager(tmp_path):
    # The stock "python3" kernelspec may start whichever `python` is first on PATH;
    # the notebooks must run with the interpreter (and packages) of this test run.
    spec_dir = tmp_path / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "scgan_tf tests",
        "language": "python",
        "env": {"TF_CPP_MIN_LOG_LEVEL": "2"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)])
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def test_there_are_tutorials():
    names = [path.name for path in NOTEBOOKS]
    assert names[:3] == [
        "01_quickstart.ipynb",
        "02_similarity_constraint.ipynb",
        "03_compare_models.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_tutorial_layout(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    title = notebook.cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    assert COLAB_URL.format(path.name) in title.source, "Colab badge of another file"
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert '"google.colab" in sys.modules' in first_code.source
    assert _defined(_parameters_cell(notebook).source, "STEPS")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_tutorial_runs(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    cell = _parameters_cell(notebook)
    overrides = [
        f"{name} = {value!r}  # CI"
        for name, value in CI_PARAMETERS.items()
        if _defined(cell.source, name)
    ]
    cell.source = cell.source.rstrip("\n") + "\n" + "\n".join(overrides)

    client = nbclient.NotebookClient(
        notebook,
        km=_kernel_manager(tmp_path),
        timeout=600,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, with the traceback, on failure

    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells)
    errors = [
        output
        for cell in code_cells
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    # Every cell that shows a figure must have rendered it as an image.
    figure_cells = [cell for cell in code_cells if "plt.show()" in cell.source]
    assert figure_cells
    for cell in figure_cells:
        images = [out for out in cell.outputs if "image/png" in out.get("data", {})]
        assert images, f"no picture from the cell:\n{cell.source}"
