"""Benchmark: lay out and render the bundled catalogue's diagrams (before and after,
SVG and PNG), and how wide they come out.

Run: `uv run python bench/bench_diagrams.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import struct
import time

from analysis.result import analyze, rule_context
from diagrams.figures import before_after_dot
from diagrams.render import render
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_data_sources
from inputs.settings import get_settings
from models.graph import to_graph
from rules import get_rules

A4_PRINT_WIDTH_MM = 180.0
PNG_DPI = 110


def main() -> None:
    settings = get_settings()
    sources = load_data_sources(settings.data_sources_file)
    procedures = load_procedures(find_procedure_files([settings.catalog_dir]), sources)
    context = rule_context(sources)
    analyses = [analyze(to_graph(p), get_rules(), context) for p in procedures.values()]
    started = time.perf_counter()
    sources_dot = [source for a in analyses for source in before_after_dot(a)]
    dot_s = time.perf_counter() - started
    widths, seconds = [], []
    for source in sources_dot:
        started = time.perf_counter()
        render(source, "svg")
        png = render(source, "png")
        seconds.append(time.perf_counter() - started)
        widths.append(struct.unpack(">I", png[16:20])[0])
    total = dot_s + sum(seconds)
    largest = max(analyses, key=lambda a: len(a.before))
    widest = max(widths)
    # Step names are 11 pt; what their size becomes when the widest PNG fills A4's width.
    printed_pt = 11 * A4_PRINT_WIDTH_MM / (widest / PNG_DPI * 25.4)
    print(f"procedures: {len(analyses)}; diagrams: {len(sources_dot)} (SVG + PNG each)")
    print(f"layout and DOT source, all: {dot_s * 1000:.0f} ms")
    print(
        f"render, all: {sum(seconds):.1f} s (median {statistics.median(seconds) * 1000:.0f} ms"
        f" per diagram, max {max(seconds) * 1000:.0f} ms); total {total:.1f} s"
    )
    print(
        f"PNG width at {PNG_DPI} dpi: median {statistics.median(widths)} px, max {widest} px"
        f" (largest procedure: {largest.code}, {len(largest.before)} steps)"
    )
    print(f"step names printed across A4 (180 mm) from the widest PNG: {printed_pt:.1f} pt")


if __name__ == "__main__":
    main()
