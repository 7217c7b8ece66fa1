"""Papermill runs a Globus notebook with parameters: the translator in integrations/papermill
(installed into .venv by `make`) turns each one into `%globus vars set NAME=JSON`, found by a
plain `papermill` command (no flag), in demo mode with a service account, as a scheduled job runs."""
import json
import math
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

from conftest import AUTOMATION_CLIENT

ROOT = pathlib.Path(__file__).parents[2]
NIGHTLY = ROOT / "notebooks" / "nightly-transfer.ipynb"
PAPERMILL = [sys.executable, "-m", "papermill"]


@pytest.fixture(autouse=True)
def service_account(tmp_path, monkeypatch):
    """The environment of a scheduled job: a service account, demo mode, a scratch HOME."""
    for k in [k for k in os.environ if k.startswith("GLOBUS_") and k != "GLOBUS_KERNEL_BIN"]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GLOBUS_KERNEL_DEMO", "alice@uchicago.edu")
    monkeypatch.setenv("GLOBUS_CLIENT_ID", AUTOMATION_CLIENT[0])
    monkeypatch.setenv("GLOBUS_CLIENT_SECRET", AUTOMATION_CLIENT[1])


def papermill(*args, timeout=90):
    return subprocess.run([*PAPERMILL, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def notebook(path, *cells):
    """A Globus notebook of code cells; a cell given as (source, tags) is tagged."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "globus", "language": "globus", "display_name": "Globus"}})
    for c in cells:
        source, tags = c if isinstance(c, tuple) else (c, [])
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    nbformat.write(nb, path)
    return path


def outputs(cell):
    return "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


def test_a_scheduled_run_uses_its_parameters(tmp_path):
    out = tmp_path / "out.ipynb"
    r = papermill(NIGHTLY, out, "-p", "label", "nightly 2026-12-03", "-y", 'paths: ["/~/file2.txt"]')
    assert r.returncode == 0, r.stderr
    nb = nbformat.read(out, as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    injected = nb.cells[tags.index(["injected-parameters"])]
    assert tags.index(["injected-parameters"]) == tags.index(["parameters"]) + 1, "injected right after the parameters cell"
    lines = injected.source.splitlines()
    assert lines[0] == "# Parameters"
    assert sorted(lines[1:]) == ['%globus vars set label="nightly 2026-12-03"', '%globus vars set paths=["/~/file2.txt"]']
    assert 'label = "nightly 2026-12-03"' in outputs(injected)
    shown = "\n".join(outputs(c) for c in nb.cells if c.cell_type == "code")
    assert "no browser login is needed" in shown, "signed in as the service account"
    assert "SUCCEEDED" in shown
    done = outputs(nb.cells[-1])
    assert '"label": "nightly 2026-12-03"' in done, "the task carries the label given"
    assert done.endswith("file2.txt"), "the destination has the file given, not the default file1.txt"
    assert AUTOMATION_CLIENT[1] not in out.read_text()


# Every type papermill passes, with the strings that break naive quoting.
VALUES = {
    "text": 'say "hi"\nit\'s ünïcode 🌍 \\ $HOME @{label} # not a comment\ttab',
    "separators": "crlf\r\n nel\x85 ls\u2028 ps\u2029 nul\x00 del\x7f",
    "empty": "",
    "negative": -7,
    "large": 2**63 - 1,
    "beyond_doubles": 2**53 + 1,
    "ratio": 0.1,
    "tiny": 1e-300,
    "yes": True,
    "no": False,
    "nothing": None,
    "mixed": ["/~/a", "/~/b c", 1, None, 2.5],
    "nested": {"a": {"b": [1, {"c": "d\"e"}]}, "empty": [], "none": None, "ü": {}},
}


def test_every_type_round_trips(tmp_path):
    import papermill as pm
    src = notebook(tmp_path / "in.ipynb", ('%globus vars set text="default"', ["parameters"]), "%globus vars")
    pm.execute_notebook(str(src), str(tmp_path / "out.ipynb"), parameters=VALUES)
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    kept = nb.cells[-1].outputs[0]["data"]["application/json"]
    assert kept == VALUES
    for name in ("ratio", "tiny", "large", "beyond_doubles", "negative"):
        assert type(kept[name]) is type(VALUES[name]), name


def test_cli_values_keep_their_types(tmp_path):
    src = notebook(tmp_path / "in.ipynb", ('%globus vars set n=0', ["parameters"]), "%globus vars")
    r = papermill(src, tmp_path / "out.ipynb", "-p", "n", "42", "-p", "f", "2.5", "-p", "b", "True", "-p", "z", "None",
                  "-r", "raw", '"nightly', "-y", "d: {k: [1, two]}")
    assert r.returncode == 0, r.stderr
    kept = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[-1].outputs[0]["data"]["application/json"]
    assert kept == {"n": 42, "f": 2.5, "b": True, "z": None, "raw": '"nightly', "d": {"k": [1, "two"]}}


@pytest.mark.parametrize("args, message", [
    (["-p", "my-label", "x"], "parameter 'my-label': a Globus notebook keeps values under names of letters, digits and _"),
    (["-p", "2nd", "x"], "parameter '2nd'"),
    (["-p", "ratio", "nan"], "parameter ratio is nan, and JSON has no NaN or Infinity"),
    (["-y", "ratio: .inf"], "JSON has no NaN or Infinity"),
    (["-y", "d: {a: [1, .nan]}"], "parameter d.a[1] is nan"),
    (["-p", "big", str(2**64)], "outside the 64-bit integers the kernel keeps exactly"),
], ids=["dash-in-name", "digit-first", "nan", "infinity", "nested-nan", "huge-int"])
def test_a_bad_parameter_is_refused_before_the_run(tmp_path, args, message):
    src = notebook(tmp_path / "in.ipynb", ('%globus vars set label="x"', ["parameters"]), "%echo ran")
    r = papermill(src, tmp_path / "out.ipynb", *args)
    assert r.returncode != 0
    assert "ParameterError" in r.stderr and message in r.stderr, r.stderr
    assert not (tmp_path / "out.ipynb").exists(), "nothing ran"


def test_a_typo_in_the_parameters_cell_stops_the_run_with_its_reason(tmp_path):
    src = notebook(tmp_path / "in.ipynb", ('%globus vars set label="nightly', ["parameters"]), "%echo ran")
    r = papermill(src, tmp_path / "out.ipynb", "-p", "other", 1)
    assert r.returncode != 0
    assert "set label: \"nightly is not JSON (unterminated string" in r.stderr, r.stderr
    assert "ran" not in outputs(nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[-1])


def test_help_notebook_lists_the_defaults(tmp_path):
    r = papermill("--help-notebook", NIGHTLY)
    assert r.returncode == 0, r.stderr
    assert "Parameters inferred for notebook" in r.stdout
    assert 'label: str (default "nightly")' in r.stdout and "The transfer task's label" in r.stdout
    assert 'paths: list (default ["/~/file1.txt"])' in r.stdout
    assert 'destination: str (default "Globus Tutorial Collection 2")' in r.stdout


def test_the_translator_writes_json_for_each_type():
    from globus_papermill import GlobusTranslator
    from papermill.translators import papermill_translators
    assert papermill_translators.find_translator("globus", "globus") is GlobusTranslator
    code = GlobusTranslator.codify({"s": 'a "b"\nc', "i": 3, "f": 0.5, "t": True, "n": None, "l": [1], "d": {"k": "v"}})
    assert code.splitlines() == ["# Parameters", r'%globus vars set s="a \"b\"\nc"', "%globus vars set i=3",
                                 "%globus vars set f=0.5", "%globus vars set t=true", "%globus vars set n=null",
                                 "%globus vars set l=[1]", '%globus vars set d={"k": "v"}']
    with pytest.raises(Exception, match="JSON has no NaN"):
        GlobusTranslator.codify({"x": math.inf})
