"""Benchmark: lay out and render the bundled catalogue's diagrams (before and after; SVG,
and PNG for the essential services whose Word plans print them), and how wide they come
out.

Run: `uv run python bench/bench_diagrams.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from analysis.result import analyze, rule_context
from diagrams.figures import before_after_dot, write_diagrams
from diagrams.render import PNG_DPI, render_svg_and_png
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_data_sources
from inputs.settings import get_settings
from models.graph import to_graph
from rules import get_rules

A4_PRINT_WIDTH_MM = 180.0


def main() -> None:
    settings = get_settings()
    sources = load_data_sources(settings.data_sources_file)
    procedures = load_procedures(find_procedure_files([settings.catalog_dir]), sources)
    context = rule_context(sources)
    analyses = [analyze(to_graph(p), get_rules(), context) for p in procedures.values()]
    started = time.perf_counter()
    sources_dot = [source for a in analyses for source in before_after_dot(a)]
    dot_s = time.perf_counter() - started
    widths, per_diagram = [], []
    for source in sources_dot:
        started = time.perf_counter()
        _, png = render_svg_and_png(source)
        per_diagram.append(time.perf_counter() - started)
        widths.append(int.from_bytes(png[16:20], "big"))
    per_procedure: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as out_dir:
        for analysis in analyses:
            started = time.perf_counter()
            write_diagrams(Path(out_dir), analysis)
            essential = analysis.header["essential"] is not None
            per_procedure[essential].append(time.perf_counter() - started)
    largest = max(analyses, key=lambda a: len(a.before))
    widest = max(widths)
    # Step names are 11 pt; what their size becomes when the widest PNG fills A4's width.
    printed_pt = 11 * A4_PRINT_WIDTH_MM / (widest / PNG_DPI * 25.4)
    print(f"procedures: {len(analyses)}; diagrams: {len(sources_dot)}")
    print(f"layout and DOT source, all: {dot_s * 1000:.0f} ms")
    print(
        f"one diagram, SVG + PNG in one Graphviz run: median "
        f"{statistics.median(per_diagram) * 1000:.0f} ms, max {max(per_diagram) * 1000:.0f} ms"
    )
    for essential, kind in ((False, "SVG"), (True, "SVG and PNG (essential services)")):
        times = per_procedure[essential]
        print(
            f"one procedure, before and after, {kind}: median "
            f"{statistics.median(times) * 1000:.0f} ms, mean {statistics.mean(times) * 1000:.0f}"
            f" ms, max {max(times) * 1000:.0f} ms over {len(times)} [target ≤ 100 ms]"
        )
    print(
        f"PNG width at {PNG_DPI} dpi: median {statistics.median(widths)} px, max {widest} px"
        f" (largest procedure: {largest.code}, {len(largest.before)} steps)"
    )
    print(f"step names printed across A4 (180 mm) from the widest PNG: {printed_pt:.1f} pt")


if __name__ == "__main__":
    main()
