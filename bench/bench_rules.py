"""Benchmark: the whole rule catalogue on 30-step procedures and on 10,000 generated ones.

Run: `make bench` (or `uv run python bench/bench_rules.py [count]`). Prints
figures; asserts nothing. Targets (issue 3): a 30-step procedure in at most
2 ms median; 10x the procedures in at most 10.5x the time.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time

from analysis.result import rule_context
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_data_sources
from inputs.settings import get_settings
from models.graph import ProcedureGraph, tasks, to_graph
from rules import RuleContext, get_rules
from rules.engine import reengineer
from tests.synthetic import random_catalogue, random_procedure

CONTEXT = RuleContext(
    connected_sources=frozenset({"population_db", "civil_status_db", "business_db"})
)
RULES = get_rules()


def _run_all(graphs: list[ProcedureGraph]) -> tuple[float, int]:
    """Seconds to re-engineer every graph, and the changes made."""
    started = time.perf_counter()
    changes = sum(len(reengineer(G, RULES, CONTEXT).changes) for G in graphs)
    return time.perf_counter() - started, changes


def thirty_steps(samples: int = 200, repeats: int = 5) -> None:
    graphs = [to_graph(random_procedure(random.Random(seed), 30)) for seed in range(samples)]
    timings = []
    for G in graphs:
        for _ in range(repeats):
            started = time.perf_counter()
            reengineer(G, RULES, CONTEXT)
            timings.append((time.perf_counter() - started) * 1000)
    nodes = statistics.median(len(G) for G in graphs)
    print(
        f"30-step procedures ({samples} generated, median {nodes:.0f} nodes with gateways): "
        f"median {statistics.median(timings):.2f} ms, "
        f"p90 {statistics.quantiles(timings, n=10)[-1]:.2f} ms  [target ≤ 2 ms median]"
    )


def scaling(count: int) -> None:
    started = time.perf_counter()
    graphs = [to_graph(p) for p in random_catalogue(count, seed=7)]
    gc.freeze()  # the graphs live for the whole run; keep the collector off them
    steps = sum(len(tasks(G)) for G in graphs)
    print(
        f"generated {count} procedures of 8-40 steps ({steps} steps) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    tenth, tenth_changes = _run_all(graphs[: count // 10])
    whole, changes = _run_all(graphs)
    print(f"{count // 10:>6} procedures: {tenth:6.2f} s ({tenth_changes} changes)")
    print(f"{count:>6} procedures: {whole:6.2f} s ({changes} changes)")
    print(
        f"10x the procedures took {whole / tenth:.2f}x the time  [target ≤ 10.5x]; "
        f"{whole / count * 1000:.2f} ms per procedure"
    )


def machine_speed() -> None:
    """A yardstick for comparing figures across machines."""
    started = time.perf_counter()
    sum(range(10**6))
    print(f"this machine: sum(range(10**6)) takes {(time.perf_counter() - started) * 1000:.0f} ms")


def bundled(repeats: int = 20) -> None:
    settings = get_settings()
    sources = load_data_sources(settings.data_sources_file)
    procedures = load_procedures(find_procedure_files([settings.catalog_dir]), sources)
    graphs = [to_graph(p) for p in procedures.values() if 25 <= len(p.steps) <= 40]
    context = rule_context(sources)
    timings = []
    for G in graphs:
        for _ in range(repeats):
            started = time.perf_counter()
            reengineer(G, RULES, context)
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"bundled procedures of 25-40 steps ({len(graphs)}): "
        f"median {statistics.median(timings):.2f} ms"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    machine_speed()
    thirty_steps()
    bundled()
    scaling(count)


if __name__ == "__main__":
    main()
