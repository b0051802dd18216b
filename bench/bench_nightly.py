"""Benchmark: the nightly re-analysis of a national-scale catalogue.

Generates 10,000 procedures of 8-40 steps, imports them into two fresh SQLite
stores, and measures in one run, side by side:

- the plain Python loop (`jobs.batches`'s functions, batch by batch) on one store;
- the `nightly-reanalysis` flow doing the same work on the other (no rendering),
  against Prefect's local server, and its cost over the loop;
- the flow again with nothing changed (incremental: everything skipped);
- what rendering adds, measured on a sample and scaled;
- the process's peak memory.

Run: `uv run python bench/bench_nightly.py [count]` (make bench). Prints figures;
asserts nothing. Targets (issue 5): flow at most 1.25 times the loop, full analysis < 60 s,
unchanged re-run < 10 s, peak < 1 GiB.
"""

from __future__ import annotations

import itertools
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from analysis.result import signature
from inputs.registry import load_inputs
from inputs.settings import get_settings
from jobs.batches import analyse_versions, store_batch
from rules import get_rules
from store.engine import make_engine
from store.queries import import_procedures, outdated
from tests.synthetic import random_catalogue

BATCH = 500
RENDER_SAMPLE = 40


def _store(folder: Path, name: str, count: int) -> tuple[str, float]:
    """A fresh store holding `count` generated procedures (the same for every store),
    imported a thousand a transaction; return its URL and the import time."""
    url = f"sqlite:///{folder / name}.db"
    engine = make_engine(url)
    generated = ((p.code, p) for p in random_catalogue(count, seed=5))
    started = time.perf_counter()
    while chunk := list(itertools.islice(generated, 1000)):
        with Session(engine) as session:
            import_procedures(session, chunk)
            session.commit()
    return url, time.perf_counter() - started


def _loop(url: str) -> tuple[float, int]:
    """The nightly work as a plain loop: plan, then analyse and store batch by batch."""
    settings = get_settings()
    inputs, rules = load_inputs(settings), get_rules()
    started = time.perf_counter()
    done = 0
    with Session(make_engine(url)) as session:
        todo = outdated(session, signature(rules), inputs.key)
        reasons = {t.version_id: t for t in todo}
        batches = [[t.version_id for t in todo[i : i + BATCH]] for i in range(0, len(todo), BATCH)]
        # Each batch is analysed (in worker processes) while the one before is stored.
        pending = [
            analyse_versions(session, b, rules, inputs, settings.workers) for b in batches[:1]
        ]
        for number in range(len(batches)):
            if number + 1 < len(batches):
                upcoming = batches[number + 1]
                pending.append(analyse_versions(session, upcoming, rules, inputs, settings.workers))
            done += len(store_batch(session, list(pending.pop(0)), inputs, reasons))
            session.commit()
            session.expunge_all()
    return time.perf_counter() - started, done


def _flow(url: str) -> tuple[float, dict[str, object]]:
    from flows.nightly import nightly_reanalysis
    from flows.parameters import OutputOptions

    os.environ["TTHC_DATABASE_URL"] = url
    get_settings.cache_clear()
    started = time.perf_counter()
    result = nightly_reanalysis(
        output=OutputOptions(diagrams=False, review_site=False, artifacts=False),
        batch_size=BATCH,
    )
    return time.perf_counter() - started, result


def _render_seconds(url: str, out: Path) -> float:
    """Seconds per procedure that rendering its four diagram files (SVG and PNG, before
    and after) adds to its analysis, in one process."""
    inputs, rules = load_inputs(get_settings()), get_rules()
    with Session(make_engine(url)) as session:
        ids = [t.version_id for t in outdated(session, "none", inputs.key)[:RENDER_SAMPLE]]
        started = time.perf_counter()
        list(analyse_versions(session, ids, rules, inputs))
        plain = time.perf_counter() - started
        started = time.perf_counter()
        list(analyse_versions(session, ids, rules, inputs, out_dir=out))
        rendered = time.perf_counter() - started
    return (rendered - plain) / len(ids)


def _worker_peaks_mib(pid: str = "self") -> list[float]:
    """Peak memory of the analysis worker processes (started through multiprocessing's
    forkserver, so below this process's children)."""
    peaks = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            if b"multiprocessing" in command:
                peaks += [int(s.split()[1]) / 1024 for s in status.splitlines() if "VmHWM" in s]
            peaks += _worker_peaks_mib(child)
    return peaks


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        loop_url, imported = _store(root, "loop", count)
        flow_url, _ = _store(root, "flow", count)
        print(f"generate and import {count} procedures of 8-40 steps: {imported:.1f} s")
        warm_url, _ = _store(root, "warm-up", 100)
        _loop(warm_url)  # starts the pool of worker processes both share
        _flow(f"sqlite:///{root / 'empty'}.db")  # starts Prefect's local server
        loop_s, loop_done = _loop(loop_url)
        flow_s, result = _flow(flow_url)
        again_s, again = _flow(flow_url)
        render_s = _render_seconds(loop_url, root / "out")
    settings = get_settings()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_mib = max(_worker_peaks_mib(), default=0.0)
    print(f"plain loop:  {loop_s:6.1f} s for {loop_done} procedures [target < 60 s]")
    print(
        f"flow:        {flow_s:6.1f} s for {result['analysed']} procedures; "
        f"{flow_s / loop_s:.2f}x the loop [target ≤ 1.25x]"
    )
    print(
        f"flow again, nothing changed: {again_s:.1f} s, {again['analysed']} analysed, "
        f"{again['skipped']} skipped [target < 10 s]"
    )
    print(
        f"rendering adds {render_s:.2f} s per procedure (4 files; sample of {RENDER_SAMPLE}): "
        f"{render_s * count / 60 / settings.workers:.0f} min for {count} "
        f"in {settings.workers} processes"
    )
    print(
        f"peak memory: {peak_mib:.0f} MiB in the flow's process, {workers_mib:.0f} MiB in the "
        f"largest worker process [target < 1024 MiB]"
    )


if __name__ == "__main__":
    main()
