"""Benchmark: measure and re-engineer the bundled catalogue (no rendering, no Prefect).

Run: `uv run python bench/bench_catalogue.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import time

from analysis.result import analyze, rule_context
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_data_sources
from inputs.settings import get_settings
from models.graph import to_graph
from rules import get_rules

REPEATS = 20


def main() -> None:
    settings = get_settings()
    sources = load_data_sources(settings.data_sources_file)
    started = time.perf_counter()
    procedures = load_procedures(find_procedure_files([settings.catalog_dir]), sources)
    load_ms = (time.perf_counter() - started) * 1000
    graphs = [to_graph(p) for p in procedures.values()]
    rules, context = get_rules(), rule_context(sources)
    timings: dict[int, list[float]] = {len(G): [] for G in graphs}
    rounds = []
    for _ in range(REPEATS):
        round_start = time.perf_counter()
        for G in graphs:
            step_start = time.perf_counter()
            analyze(G, rules, context)
            timings[len(G)].append((time.perf_counter() - step_start) * 1000)
        rounds.append((time.perf_counter() - round_start) * 1000)
    every = [t for ts in timings.values() for t in ts]
    largest = max(timings)
    print(f"procedures: {len(graphs)}; load and validate all files: {load_ms:.0f} ms")
    print(f"analyse the whole catalogue: median {statistics.median(rounds):.1f} ms")
    print(f"analyse one procedure: median {statistics.median(every):.2f} ms")
    print(
        f"largest procedure ({largest} nodes): median {statistics.median(timings[largest]):.2f} ms"
    )


if __name__ == "__main__":
    main()
