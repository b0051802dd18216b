"""The `nightly-reanalysis` flow: re-analyse what changed in the store since last time.

Incremental: a procedure whose latest as-is version, rules and inputs (data-source
registry and cost settings) match its last analysis is skipped; the others are
re-analysed in batches, stored, rendered, and the review site refreshed. The
run ends with a summary of what changed since the previous night.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from sqlmodel import Session

from analysis.result import signature
from diagrams.figures import diagram_files
from diagrams.render import require_dot
from flows.artifacts import (
    advance_progress,
    publish_link,
    publish_plans_page,
    publish_table,
    start_progress,
)
from flows.night_work import TABLE_ROWS, work_through
from flows.nightly_shard import run_shards, shards_deployed
from flows.parameters import DEFAULT_OUTPUT, BatchSize, OutputOptions, ShardSize
from flows.tasks import publish_plan_documents, publish_site, read_inputs
from inputs.settings import Settings, get_settings, site_url
from jobs.shards import NightSummary, night_summary
from models.errors import NightIncomplete
from publishing.labels import local_time
from publishing.site import SiteEntry
from publishing.ui_pages import summary_markdown
from rules import get_rules
from store.engine import shared_engine
from store.locks import exclusive_run
from store.queries import Outdated, latest_versions, outdated

__all__ = ["nightly_reanalysis"]


@task(cache_policy=NONE)
def summarise(
    database_url: str, night: str, todo: list[Outdated], rules_signature: str, inputs_key: str
) -> NightSummary:
    """What a sharded night did, read from the store."""
    with Session(shared_engine(database_url)) as session:
        return night_summary(session, night, todo, rules_signature, inputs_key)


@task(cache_policy=NONE)
def plan(database_url: str, rules_signature: str, inputs_key: str) -> tuple[list[Outdated], int]:
    """The procedures to re-analyse, and how many procedures the store holds."""
    with Session(shared_engine(database_url)) as session:
        latest = latest_versions(session)
        return outdated(session, rules_signature, inputs_key, latest), len(latest)


def _night_named() -> str:
    """The run's name: the night it is (Vietnam's time)."""
    return f"nightly {local_time(datetime.now(UTC), with_time=False)}"


@flow(name="nightly-reanalysis", log_prints=True, flow_run_name=_night_named)
def nightly_reanalysis(
    output: OutputOptions = DEFAULT_OUTPUT,
    batch_size: BatchSize = 500,
    shard_size: ShardSize = 1000,
) -> dict[str, Any]:
    """Re-analyse every procedure in the store whose content, rules, data-source registry
    or cost settings changed since its last analysis; skip the others.

    Args:
        output: Những gì tạo ra cho các thủ tục được phân tích lại.
        batch_size: Số thủ tục mỗi lô (50 đến 5.000); lô lớn thì ít tác vụ hơn.
        shard_size: Số thủ tục mỗi phần việc giao cho các máy (worker) của nhóm máy; khi
            có nhiều thủ tục hơn, đêm được chia phần và mọi máy cùng làm.
    """
    settings = get_settings()
    if output.diagrams:
        require_dot()
    waiting = "another nightly run is working on this store: waiting for it to finish"
    with exclusive_run(
        shared_engine(settings.database_url), "nightly", on_wait=lambda: print(waiting)
    ):
        return _reanalyse(settings, output, batch_size, shard_size)


def _reanalyse(
    settings: Settings, output: OutputOptions, batch_size: int, shard_size: int
) -> dict[str, Any]:
    """The nightly's work, while no other nightly run works on the store."""
    url, out_dir = settings.database_url, str(settings.out_dir)
    inputs = read_inputs()
    rules_signature = signature(get_rules())
    todo, total = plan(url, rules_signature, inputs.key)
    print(f"{len(todo)} of {total} procedures to re-analyse")
    progress = start_progress("nightly-progress")

    def advance(count: int) -> None:
        advance_progress(progress, count, len(todo))

    night = str(flow_run.id or uuid4())
    outcome = None
    if len(todo) > shard_size and shards_deployed():
        common = {
            "rules_signature": rules_signature,
            "inputs_key": inputs.key,
            "output": output.model_dump(),
            "batch_size": batch_size,
        }
        name = flow_run.name or _night_named()
        outcome = run_shards(night, todo, shard_size, common, name, advance)
        summary = summarise(url, night, todo, rules_signature, inputs.key)
        done, missing = summary.done, summary.missing
        entries = [
            SiteEntry(r, diagram_files(r.code, r.essential)) for r in summary.results[:TABLE_ROWS]
        ]
    else:
        done, entries = work_through(url, out_dir, todo, inputs, output, batch_size, None, advance)
        missing = 0
    advance_progress(progress, 1, 1)
    create_markdown_artifact(
        summary_markdown(done, total - len(todo), missing=missing),
        key="nightly-summary",
        description="Những gì thay đổi so với đêm trước",
    )
    if entries:
        publish_table(entries, key="nightly-procedures", total=len(done))
    if output.review_site and output.diagrams:
        # even when nothing was re-analysed: a run killed after storing left no site
        plans = publish_plan_documents(url, out_dir, None, inputs)
        if plans is not None:
            publish_plans_page(plans, lambda path: site_url(settings, str(Path(out_dir) / path)))
        index = publish_site(url, out_dir, None, inputs, [d.code for d in done])
        publish_link(site_url(settings, index), key="review-site")
    by_reason = Counter(d.reason for d in done if d.created)
    count = sum(by_reason.values())
    elsewhere = len(done) - count  # stored meanwhile by another writer (an on-demand run)
    print(
        f"re-analysed {count} ({dict(by_reason)}); skipped {total - len(todo)}"
        + (f"; {elsewhere} already stored by another run" if elsewhere else "")
        + (f"; {outcome.shards} shards, {outcome.resubmitted} re-submitted" if outcome else "")
    )
    if outcome is not None and outcome.failed:
        raise NightIncomplete(
            f"{len(outcome.failed)} of {outcome.shards} shards did not complete, {missing} "
            f"procedures not re-analysed ({'; '.join(outcome.failed)}): the analyses the "
            "other shards stored stay; read the failed shard's run, fix its cause, and run "
            "the nightly again: it re-analyses only what is left"
        )
    return {
        "analysed": count,
        "skipped": total - len(todo),
        "stored_by_another_run": elsewhere,
        "by_reason": dict(by_reason),
        "shards": outcome.shards if outcome else 0,
        "resubmitted": outcome.resubmitted if outcome else 0,
    }
