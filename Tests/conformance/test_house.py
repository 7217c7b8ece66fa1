"""The house rules a maintainer relies on, checked on the sources."""
import importlib.util
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _two_way():
    spec = importlib.util.spec_from_file_location("two_way", ROOT / "scripts" / "two_way_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_two_files_of_the_magics_depend_on_each_other():
    assert _two_way().two_way_pairs(ROOT / "Sources" / "GlobusMagics") == []


def test_the_checker_finds_a_two_way_pair(tmp_path):
    (tmp_path / "A.swift").write_text("struct A { var b: B }\n")
    (tmp_path / "B.swift").write_text("// A is named in a comment only\nstruct B { var a: [A] }\n")
    (tmp_path / "C.swift").write_text('struct C { let s = "A B" }\n')
    assert _two_way().two_way_pairs(tmp_path) == [("A.swift", "B.swift")]


def test_the_environment_is_read_in_one_place():
    readers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "Sources").rglob("*.swift")
                     if re.search(r"(?<![A-Za-z])(secure_)?getenv|_*environ\b|ProcessInfo", re.sub(r"//[^\n]*", "", p.read_text())))
    assert readers == ["Sources/Support/ProcessVariables.swift"]
