#!/usr/bin/env python3
"""Lists the pairs of Swift files in a module that depend on each other.

A file depends on another when it names a type (struct, enum, class, protocol, actor or
typealias) declared at the top level of the other: a check at the level of types (free
functions and extension members are not followed). Comments and string literals are left out.
Extensions name no new type, so a file that extends a type depends on the file declaring it.

    scripts/two_way_dependencies.py Sources/GlobusMagics    # prints the pairs; exit 1 if any
"""
import itertools
import pathlib
import re
import sys

DECLARATION = re.compile(
    r"^(?:(?:public|package|internal|fileprivate|private|final|indirect|nonisolated)\s+)*"
    r"(?:struct|enum|class|protocol|actor|typealias)\s+([A-Z]\w*)", re.M)


def code(text: str) -> str:
    """The text without comments and with every string literal emptied."""
    text = re.sub(r'"""[\s\S]*?"""', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"/\*[\s\S]*?\*/", "", text)
    return re.sub(r"//[^\n]*", "", text)


def two_way_pairs(module: pathlib.Path) -> list[tuple[str, str]]:
    files = sorted(module.rglob("*.swift"))
    texts = {f: code(f.read_text()) for f in files}
    declared: dict[str, pathlib.Path] = {}
    for f in files:
        for name in DECLARATION.findall(texts[f]):
            declared.setdefault(name, f)
    uses = {f: {declared[n] for n in set(re.findall(r"\b[A-Z]\w*\b", texts[f])) if declared.get(n, f) != f} for f in files}
    return [(str(a.relative_to(module)), str(b.relative_to(module)))
            for a, b in itertools.combinations(files, 2) if b in uses[a] and a in uses[b]]


if __name__ == "__main__":
    pairs = two_way_pairs(pathlib.Path(sys.argv[1]))
    for a, b in pairs:
        print(f"{a} <-> {b}")
    sys.exit(1 if pairs else 0)
