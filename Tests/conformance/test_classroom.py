"""The short form of the classroom (`make classroom` runs 30): five students on a real JupyterHub at
once, each with a Globus kernel through their own single-user server's API, then the same with
ipykernel and the Python globus-sdk. Every cell works, every student ends signed in as
themselves with a 0600 token file in their own home only, and no student's kernel reaches
another's tokens through %globus."""
import os

import pytest

from classroom import run_figures, print_figures, tour_cells, PYTHON_CELLS

KERNEL_BIN = os.environ.get("GLOBUS_KERNEL_BIN", "globus-kernel")


@pytest.mark.timeout(900)  # five servers start one after another on two cores (about 40 s here)
def test_a_class_of_five_on_jupyterhub(capsys):
    figures = run_figures(5, KERNEL_BIN, os.path.join(os.path.dirname(KERNEL_BIN), "globus-sim"), log=lambda _: None)
    with capsys.disabled():
        print_figures(figures)
    assert figures["problems"] == []
    for kind, cells in (("globus", tour_cells()), ("python3", PYTHON_CELLS)):
        assert figures[kind]["kernel_count"] == 5, figures[kind]
        assert figures[kind]["cells"] == 5 * len(cells), figures[kind]
