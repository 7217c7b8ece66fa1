"""Every notebook in notebooks/ runs top to bottom under nbclient (allow_stdin is false there),
in demo mode against the simulator, and shows what it promises."""
import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import AUTOMATION_CLIENT

ROOT = pathlib.Path(__file__).parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

EXPECT = {
    "kernel-basics": ["hello, world", "Welcome to Research Data 101", "Wall time:"],
    "tour": ["Logged in as alice@uchicago.edu", "Globus Tutorial Collection 1", "file1.txt", "results.csv\nreadme.md",
             "Submitted transfer task", "SUCCEEDED, 2/2 files", "notebook tour", "Move and share", "Run ", ": SUCCEEDED",
             "Data Science 101", "table.csv, 127 B: 5 rows, 4 columns", "gradient.png: PNG image, 160×96", "Logged out"],
    "data-access": ["ConsentRequired", "%globus login --scope", "experiment-42"],
    "automation": ["(service account)", "no browser login is needed"],
    "how-it-works": ["token_path", "tokens.json", "alice@uchicago.edu"],
    "nightly-transfer": ['label = "nightly"', "no browser login is needed", "SUCCEEDED", '"label": "nightly"', "file1.txt"],
}
# What must be drawn, not only said: (MIME type, text its value holds). The tour ends with the
# copied CSV as an HTML table and the PNG as an image (iVBORw0KGgo is the PNG signature in base64).
RENDERED = {
    "tour": [("text/html", "<th>temperature_c</th>"), ("image/png", "iVBORw0KGgo")],
}
# Notebooks that run as a service account, as a scheduled job does.
SERVICE_ACCOUNT = {"automation", "nightly-transfer"}
NEVER = ["not-really-a-secret", AUTOMATION_CLIENT[1]]


def text(nb):
    parts = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for o in c.outputs:
            parts.append(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) + "\n".join(o.get("traceback", [])))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_demo_mode(path, tmp_path, monkeypatch):
    for k in [k for k in os.environ if k.startswith("GLOBUS_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GLOBUS_KERNEL_DEMO", "alice@uchicago.edu")
    if path.stem in SERVICE_ACCOUNT:
        monkeypatch.setenv("GLOBUS_CLIENT_ID", AUTOMATION_CLIENT[0])
        monkeypatch.setenv("GLOBUS_CLIENT_SECRET", AUTOMATION_CLIENT[1])
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown", "a notebook opens by saying what the reader needs"
    NotebookClient(nb, timeout=60, kernel_name="globus").execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in cell.metadata.get("tags", []), (cell.source, errors)
    shown = text(nb)
    for needle in EXPECT.get(path.stem, []):
        assert needle in shown, f"{path.stem}: expected {needle!r} in the outputs"
    for mime, needle in RENDERED.get(path.stem, []):
        values = [o.data[mime] for c in nb.cells if c.cell_type == "code" for o in c.outputs if mime in o.get("data", {})]
        assert any(needle in v for v in values), f"{path.stem}: expected {mime} with {needle!r} in the outputs"
    for secret in NEVER:
        assert secret not in shown
    # Every simulator token starts with simAT / simRT: none may reach a notebook.
    assert "simAT" not in shown and "simRT" not in shown and "simCode" not in shown
    if path.stem != "kernel-basics":
        assert "Globus Simulator" in shown, "demo mode must say it is not the real Globus"
