"""Every notebook in notebooks/ runs top to bottom under nbclient (allow_stdin is false there)."""
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="globus").execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None


def test_basics_notebook_shows_what_it_promises():
    nb = nbformat.read(pathlib.Path(__file__).parents[2] / "notebooks/kernel-basics.ipynb", as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="globus").execute()
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "hello, world" in text and "Welcome to Research Data 101" in text
    assert "not-really-a-secret" not in text
    assert "Wall time:" in text
