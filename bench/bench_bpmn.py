"""Benchmark: BPMN export and import of the whole bundled catalogue, as-is and proposed.

Exports every procedure (as-is, and the rules' proposal) with its diagram section, reads
each file back into a draft, writes and validates the draft, and times the three parts.
Run: `uv run python bench/bench_bpmn.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from analysis.result import analyze
from diagrams.bpmn import bpmn_xml
from inputs.bpmn import read_bpmn
from inputs.files import find_procedure_files, load_procedure, load_procedures
from inputs.office import draft_yaml
from inputs.registry import load_inputs
from inputs.settings import get_settings
from models.graph import to_graph
from rules import get_rules


def main() -> None:
    settings = get_settings()
    inputs = load_inputs(settings)
    procedures = load_procedures(find_procedure_files([settings.catalog_dir]), inputs.sources)
    graphs = []
    for procedure in procedures.values():
        G = to_graph(procedure)
        graphs += [G, analyze(G, get_rules(), inputs.context).outcome.after]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        start = time.perf_counter()
        files = []
        for n, G in enumerate(graphs):
            path = root / f"{n}.bpmn"
            path.write_bytes(bpmn_xml(G))
            files.append(path)
        exported = time.perf_counter() - start
        size = sum(p.stat().st_size for p in files)
        start = time.perf_counter()
        drafts = [read_bpmn(p).drafts[0] for p in files]
        read = time.perf_counter() - start
        start = time.perf_counter()
        for n, draft in enumerate(drafts):
            path = root / f"{n}.yaml"
            path.write_text(draft_yaml(draft), encoding="utf-8")
            load_procedure(path, inputs.sources)
        validated = time.perf_counter() - start
    count = len(graphs)
    print(
        f"{count} models ({len(procedures)} procedures, as-is and proposed), {size / 1024:.0f} KiB"
    )
    print(f"export with diagrams   {exported:6.2f} s  ({1000 * exported / count:.1f} ms per model)")
    print(f"import (read)          {read:6.2f} s  ({1000 * read / count:.1f} ms per model)")
    print(
        f"draft written, valid   {validated:6.2f} s  ({1000 * validated / count:.1f} ms per model)"
    )


if __name__ == "__main__":
    main()
