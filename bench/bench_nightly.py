"""Benchmark: the nightly re-analysis at national scale, side by side in one run.

Generated procedures of 8-40 steps (the same for every store, `random_catalogue(seed=5)`),
each measurement on a fresh store holding them:

- the plain Python loop (`jobs.batches`'s functions, batch by batch) and the
  `nightly-reanalysis` flow doing the same work (no rendering) in its own process
  against Prefect's local server, for 1,000 and 10,000 procedures; how time grows with
  the work; the flow again with nothing changed; peak memory;
- what rendering a procedure's diagrams (before and after, every file) adds;
- with TTHC_TEST_POSTGRES_URL set: the sharded night (server and store on PostgreSQL,
  shards of 1,000 on the pool) with one worker and with two, the shards' timings and
  what N machines would take; and a run of `reengineer-procedure` from submission to
  Completed, as the UI's Run button starts it.

Run: `uv run python bench/bench_nightly.py [count]` (make bench). Prints figures;
asserts nothing. Targets (issue 19): 10,000 as a loop ≤ 20 s, flow ≤ 1.1x the loop,
10x the work ≤ 10.5x the time, peak ≤ 1 GiB, rendering ≤ 0.1 s per procedure, a UI run
≤ 4 s.
"""

from __future__ import annotations

import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

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
SHARD = 1000
RENDER_SAMPLE = 40
UI_RUNS = 5


def _store(folder: Path, name: str, count: int) -> str:
    """A fresh SQLite store holding `count` generated procedures; its URL."""
    url = f"sqlite:///{folder / name}.db"
    engine = make_engine(url)
    generated = ((p.code, p) for p in random_catalogue(count, seed=5))
    while chunk := list(itertools.islice(generated, 1000)):
        with Session(engine) as session:
            import_procedures(session, chunk)
            session.commit()
    return url


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


def _flow(url: str) -> tuple[float, dict[str, Any]]:
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
    """Seconds per procedure that rendering its diagrams (before and after, SVG and PNG)
    adds to its analysis, in one process."""
    inputs, rules = load_inputs(get_settings()), get_rules()
    with Session(make_engine(url)) as session:
        ids = [t.version_id for t in outdated(session, "none", inputs.key)[:RENDER_SAMPLE]]
        list(analyse_versions(session, ids[:2], rules, inputs, out_dir=out))  # warm
        started = time.perf_counter()
        list(analyse_versions(session, ids, rules, inputs))
        plain = time.perf_counter() - started
        started = time.perf_counter()
        list(analyse_versions(session, ids, rules, inputs, out_dir=out))
        rendered = time.perf_counter() - started
    return (rendered - plain) / len(ids)


def _peak_mib(pid: str = "self") -> list[float]:
    """Peak memory of the analysis worker processes below `pid`."""
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
            peaks += _peak_mib(child)
    return peaks


def _per_core(root: Path, count: int) -> dict[str, float]:
    """Loop and flow on `count` procedures, each on a fresh store."""
    loop_s, done = _loop(_store(root, f"loop-{count}", count))
    flow_s, result = _flow(_store(root, f"flow-{count}", count))
    assert done == result["analysed"] == count, (done, result)
    return {"loop": loop_s, "flow": flow_s}


def _sharded(root: Path, postgres: str, count: int, workers: int) -> dict[str, Any]:
    """A night of `count` procedures cut in shards on `workers` worker processes (two
    cores shared between them), server and store on PostgreSQL; and, on the first, the
    latency of runs from the UI."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tests.scale.cluster import cluster, fill_store

    processes = max(1, (os.cpu_count() or 1) // workers)
    found: dict[str, Any] = {}
    with cluster(
        root, postgres, workers, shards_at_once=workers, analysis_processes=processes
    ) as pool:
        fill_store(pool.store_url, count)
        with temporary_settings({PREFECT_API_URL: pool.stack.api_url}):
            output = {"diagrams": False, "review_site": False, "artifacts": False}
            parameters = {"shard_size": SHARD, "batch_size": BATCH, "output": output}
            started = time.perf_counter()
            night = cast(
                FlowRun,
                run_deployment(
                    "nightly-reanalysis/nightly-reanalysis",
                    parameters=parameters,
                    timeout=3600,
                    poll_interval=1,
                ),
            )
            found["night"] = time.perf_counter() - started
            assert night.state is not None and night.state.is_completed(), night.state
            with get_client(sync_client=True) as client:
                runs = client.read_flow_runs()
            shards = [
                (r.end_time - r.start_time).total_seconds()
                for r in runs
                if r.parent_task_run_id and r.start_time and r.end_time
            ]
            found["shards"] = shards
            if workers == 1:
                found["ui"] = [_ui_run() for _ in range(UI_RUNS + 1)][1:]  # the first warms
    return found


def _ui_run() -> float:
    """Seconds from submitting a run of `reengineer-procedure` for one procedure (as the
    UI's Run button does) to its Completed state, as the server records them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    run = cast(
        FlowRun,
        run_deployment(
            "reengineer-procedure/reengineer-procedure",
            parameters={"codes": ["1.001193"]},
            timeout=300,
            poll_interval=0.2,
        ),
    )
    with get_client(sync_client=True) as client:
        done = client.read_flow_run(run.id)
    assert done.state is not None and done.state.is_completed() and done.end_time, done.state
    return (done.end_time - done.created).total_seconds() if done.created else float("nan")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    small = count // 10
    postgres = os.environ.get("TTHC_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        warm = _store(root, "warm-up", 100)
        _loop(warm)  # starts the pool of worker processes both share
        _flow(_store(root, "empty", 0))  # starts Prefect's local server
        figures = {n: _per_core(root, n) for n in (small, count)}
        again_s, again = _flow(f"sqlite:///{root / f'flow-{count}'}.db")
        render_s = _render_seconds(warm, root / "out")
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers_mib = max(_peak_mib(), default=0.0)
        sharded = {}
        if postgres:
            for workers in (1, 2):
                sharded[workers] = _sharded(root / f"pool-{workers}", postgres, count, workers)
    settings = get_settings()
    print(f"on {os.cpu_count()} cores, {settings.workers} analysis processes")
    print(f"{'procedures':>12} {'loop':>8} {'flow':>8} {'flow/loop':>10}")
    for n, f in figures.items():
        print(f"{n:>12,} {f['loop']:>7.1f}s {f['flow']:>7.1f}s {f['flow'] / f['loop']:>9.2f}x")
    grow = figures[count]["loop"] / figures[small]["loop"]
    print(
        f"targets: {count:,} as a loop ≤ 20 s; flow ≤ 1.10x; 10x the work ≤ 10.5x the time "
        f"(here {grow:.1f}x for the loop, "
        f"{figures[count]['flow'] / figures[small]['flow']:.1f}x for the flow)"
    )
    print(
        f"flow again, nothing changed: {again_s:.1f} s ({again['analysed']} analysed, "
        f"{again['skipped']:,} skipped)"
    )
    print(
        f"peak memory: {peak_mib:.0f} MiB in the benchmark's process (loops and flows), "
        f"{workers_mib:.0f} MiB in the largest analysis process [target ≤ 1024 MiB]"
    )
    print(
        f"rendering: {render_s:.3f} s per procedure, before and after, SVG and PNG "
        f"(sample of {RENDER_SAMPLE}) [target ≤ 0.1 s]; "
        f"{render_s * count / 60 / settings.workers:.1f} min for {count:,} in "
        f"{settings.workers} processes"
    )
    if not sharded:
        print("sharded night and UI runs: set TTHC_TEST_POSTGRES_URL to measure them")
        return
    for workers, found in sharded.items():
        shards = found["shards"]
        print(
            f"sharded night, {workers} worker(s) on the same {os.cpu_count()} cores: "
            f"{found['night']:.1f} s for {count:,} ({len(shards)} shards of {SHARD:,}, each "
            f"{statistics.mean(shards):.1f} s on average, {min(shards):.1f}-{max(shards):.1f})"
        )
    one = sharded[1]
    work = sum(one["shards"])
    overhead = one["night"] - work
    print(
        "  two workers on two cores share the same cores: the figure shows the overhead of "
        "sharding, not a speed-up"
    )
    for machines in (2, 4, 10):
        rounds = -(-len(one["shards"]) // machines)
        estimate = overhead + rounds * statistics.mean(one["shards"])
        print(
            f"  estimate on {machines} machines like this one: {estimate:.1f} s "
            f"({rounds} round(s) of shards + {overhead:.1f} s planning, waiting, summary)"
        )
    ui = one["ui"]
    print(
        f"UI run (reengineer-procedure, one procedure, submitted → Completed): median "
        f"{statistics.median(ui):.1f} s, {min(ui):.1f}-{max(ui):.1f} s over {len(ui)} runs "
        "[target ≤ 4 s]"
    )


if __name__ == "__main__":
    main()
