"""A night cut into shards run by any worker of the pool: the `nightly-shard` flow (one
shard's work) and how the nightly run submits, watches and re-submits them.

Every worker polling the project's work pool, on this machine or another one pointed
at the same Prefect server, store and output folder, picks shards up (README,
"Scaling out"). A shard whose run crashed (its worker or machine died; Prefect marks a
run that stopped sending heartbeats as crashed, `flows.crashes`) is submitted again and
does only what is left; an analysis is stored once whatever happens, and the night's
summary is read from the store (`jobs.shards`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from sqlmodel import Session

from analysis.result import signature
from diagrams.render import require_dot
from flows.night_work import work_through
from flows.parameters import DEFAULT_OUTPUT, BatchSize, OutputOptions
from flows.tasks import read_inputs
from inputs.settings import get_settings
from jobs.shards import cut, still_outdated
from models.errors import ShardMismatch
from rules import get_rules
from store.engine import shared_engine
from store.queries import Outdated

__all__ = ["SHARD_DEPLOYMENT", "ShardsOutcome", "nightly_shard", "run_shards", "shards_deployed"]

SHARD_DEPLOYMENT = "nightly-shard/nightly-shard"
ATTEMPTS = 3
"""Runs a shard gets when its runs crash (a shard that fails on its own is not re-run)."""
POLL_SECONDS = 2.0

WorkItem = tuple[int, str, int | None]
"""A version to re-analyse: its id, why (`store.queries.Outdated`), the analysis it
replaces."""


@task(cache_policy=NONE)
def left_to_do(
    database_url: str, todo: list[Outdated], rules_signature: str, inputs_key: str
) -> list[Outdated]:
    """The shard's versions not analysed yet (an earlier attempt may have stored some)."""
    with Session(shared_engine(database_url)) as session:
        return still_outdated(session, todo, rules_signature, inputs_key)


@flow(name="nightly-shard", log_prints=True)
def nightly_shard(
    night: str,
    work: list[WorkItem],
    rules_signature: str,
    inputs_key: str,
    output: OutputOptions = DEFAULT_OUTPUT,
    batch_size: BatchSize = 500,
) -> dict[str, int]:
    """One shard of a nightly run: re-analyse these versions, store each analysis once
    and credit it to the night; render what `output` asks for.

    Args:
        night: Lần chạy hằng đêm mà phần việc này thuộc về.
        work: Các phiên bản cần phân tích lại (mã phiên bản, lý do, phân tích trước).
        rules_signature: Bộ quy tắc của đêm đó; máy chạy phải có cùng bộ quy tắc.
        inputs_key: Danh mục CSDL và giả định chi phí của đêm đó; máy chạy phải giống.
        output: Những gì tạo ra cho các thủ tục được phân tích lại.
        batch_size: Số thủ tục mỗi lô (50 đến 5.000).
    """
    settings = get_settings()
    if output.diagrams:
        require_dot()
    inputs = read_inputs()
    if signature(get_rules()) != rules_signature or inputs.key != inputs_key:
        raise ShardMismatch(
            "this worker's rules, data-source registry or cost settings differ from those "
            "the night was planned with: install the same version of the project (from its "
            "lock file) and the same catalogue settings on every worker machine"
        )
    todo = [Outdated(*item) for item in work]
    left = left_to_do(settings.database_url, todo, rules_signature, inputs.key)
    out_dir = str(settings.out_dir)
    done, _ = work_through(
        settings.database_url, out_dir, left, inputs, output, batch_size, night=night
    )
    stored = sum(d.created for d in done)
    print(f"stored {stored} of {len(todo)}; {len(todo) - len(left)} stored before this run")
    return {"stored": stored, "before": len(todo) - len(left)}


def shards_deployed() -> bool:
    """Whether the server this run reports to has the `nightly-shard` deployment."""
    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(SHARD_DEPLOYMENT)
        except ObjectNotFound:
            return False
    return True


@dataclass
class _Shard:
    number: int
    work: list[Outdated]
    run: UUID | None = None
    attempts: int = 0


@dataclass(frozen=True)
class ShardsOutcome:
    """How the shards ended."""

    shards: int
    resubmitted: int
    failed: list[str] = field(default_factory=list)
    """One line per shard that did not complete: its number, its run, its state."""


def run_shards(
    night: str,
    todo: Sequence[Outdated],
    size: int,
    parameters: dict[str, Any],
    name: str,
    on_done: Callable[[int], None],
) -> ShardsOutcome:
    """Run `todo` as `nightly-shard` child runs of `size` versions each (with these
    common `parameters`, named "`name` · lô k/n") and wait for all; re-submit a shard
    whose run crashed, up to `ATTEMPTS` runs; call `on_done` with the number of versions
    whose shard completed."""
    shards = [_Shard(k, part) for k, part in enumerate(cut(todo, size), start=1)]

    def submit(shard: _Shard) -> None:
        shard.attempts += 1
        work = [(t.version_id, t.reason, t.previous) for t in shard.work]
        run = cast(
            FlowRun,
            run_deployment(
                SHARD_DEPLOYMENT,
                parameters={**parameters, "night": night, "work": work},
                flow_run_name=f"{name} · lô {shard.number}/{len(shards)}",
                idempotency_key=f"{night}:{shard.number}:{shard.attempts}",
                timeout=0,
                as_subflow=True,
            ),
        )
        shard.run = run.id

    for shard in shards:
        submit(shard)
    print(f"{len(shards)} shards of up to {size} submitted to the work pool")
    waiting, resubmitted, failed, completed = list(shards), 0, [], 0
    while waiting:
        time.sleep(POLL_SECONDS)
        states = _states([s.run for s in waiting if s.run is not None])
        for shard in list(waiting):
            run = states.get(shard.run) if shard.run else None
            state = run.state if run is not None else None
            if state is None or not state.is_final():
                continue
            waiting.remove(shard)
            if state.type == StateType.COMPLETED:
                completed += len(shard.work)
                on_done(completed)
            elif state.type == StateType.CRASHED and shard.attempts < ATTEMPTS:
                print(f"shard {shard.number} crashed ({state.message}): submitted again")
                submit(shard)
                resubmitted += 1
                waiting.append(shard)
            else:
                failed.append(f"lô {shard.number} ({shard.run}): {state.name} — {state.message}")
    return ShardsOutcome(len(shards), resubmitted, failed)


def _states(runs: list[UUID]) -> dict[UUID, FlowRun]:
    """The flow runs with these ids, as the server has them now."""
    with get_client(sync_client=True) as client:
        found = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=runs)))
    return {run.id: run for run in found}
