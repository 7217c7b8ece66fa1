#!/usr/bin/env python3
"""Runs a notebook top to bottom with nbclient (as papermill/CI would) and prints each cell
with its outputs as text. Exits non-zero if a cell fails (unless it is tagged raises-exception).

Usage: scripts/run_notebook.py NOTEBOOK [--out EXECUTED.ipynb] [--html FILE] [--timeout S]
"""
import argparse
import html
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def text_of(output):
    t = output.get("output_type")
    if t == "stream":
        return output["text"].rstrip("\n")
    if t == "error":
        return "\n".join(output["traceback"])
    data = output.get("data", {})
    return str(data.get("text/plain", ""))


def to_html(nb, title):
    parts = [f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto}pre{background:#f5f5f5;padding:.5em;white-space:pre-wrap}"
             ".out{border-left:3px solid #1f3a68;padding-left:.5em;margin-bottom:1.5em}.err{color:#a00}</style>"]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(f"<div class=md><pre>{html.escape(cell.source)}</pre></div>")
            continue
        parts.append(f"<pre>In [{cell.get('execution_count') or ' '}]: {html.escape(cell.source)}</pre><div class=out>")
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "text/html" in data:
                parts.append(data["text/html"])
            else:
                cls = " class=err" if o.get("output_type") == "error" else ""
                parts.append(f"<pre{cls}>{html.escape(text_of(o))}</pre>")
        parts.append("</div>")
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out")
    ap.add_argument("--html")
    ap.add_argument("--timeout", type=int, default=120)
    a = ap.parse_args()
    nb = nbformat.read(a.notebook, as_version=4)
    client = NotebookClient(nb, timeout=a.timeout, kernel_name=nb.metadata.get("kernelspec", {}).get("name", "globus"))
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = e
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        print(f"In [{cell.get('execution_count') or ' '}]: {cell.source}")
        for o in cell.get("outputs", []):
            t = text_of(o)
            if t:
                print("    " + t.replace("\n", "\n    "))
        print()
    if a.out:
        nbformat.write(nb, a.out)
    if a.html:
        with open(a.html, "w") as f:
            f.write(to_html(nb, a.notebook))
        print(f"HTML copy: {a.html}")
    if failed:
        print(f"notebook failed: {failed}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
