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

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from sqlmodel import Session

from analysis.result import signature
from diagrams.render import require_dot
from flows.artifacts import (
    advance_progress,
    publish_link,
    publish_plans_page,
    publish_table,
    start_progress,
)
from flows.parameters import DEFAULT_OUTPUT, BatchSize, OutputOptions
from flows.tasks import (
    analyse,
    opaque,
    publish_pages,
    publish_plan_documents,
    publish_site,
    read_inputs,
    store,
)
from inputs.settings import Settings, get_settings, site_url
from publishing.labels import local_time
from publishing.site import SiteEntry
from publishing.ui_pages import Reanalysed, summary_markdown
from rules import get_rules
from store.engine import shared_engine
from store.locks import exclusive_run
from store.queries import Outdated, latest_versions, outdated

__all__ = ["nightly_reanalysis"]

TABLE_ROWS = 1000
"""Procedures listed in the run's table artifact (the summary counts them all)."""


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
    output: OutputOptions = DEFAULT_OUTPUT, batch_size: BatchSize = 500
) -> dict[str, Any]:
    """Re-analyse every procedure in the store whose content, rules, data-source registry
    or cost settings changed since its last analysis; skip the others.

    Args:
        output: Những gì tạo ra cho các thủ tục được phân tích lại.
        batch_size: Số thủ tục mỗi lô (50 đến 5.000); lô lớn thì ít tác vụ hơn.
    """
    settings = get_settings()
    if output.diagrams:
        require_dot()
    waiting = "another nightly run is working on this store: waiting for it to finish"
    with exclusive_run(
        shared_engine(settings.database_url), "nightly", on_wait=lambda: print(waiting)
    ):
        return _reanalyse(settings, output, batch_size)


def _reanalyse(settings: Settings, output: OutputOptions, batch_size: int) -> dict[str, Any]:
    """The nightly's work, while no other nightly run works on the store."""
    url, out_dir = settings.database_url, str(settings.out_dir)
    inputs = read_inputs()
    rules_signature = signature(get_rules())
    todo, total = plan(url, rules_signature, inputs.key)
    print(f"{len(todo)} of {total} procedures to re-analyse")
    progress = start_progress("nightly-progress")
    reasons = {item.version_id: item for item in todo}
    done: list[Reanalysed] = []
    entries: list[SiteEntry] = []
    batches = [
        [item.version_id for item in todo[start : start + batch_size]]
        for start in range(0, len(todo), batch_size)
    ]
    rendered = out_dir if output.diagrams else None
    # Each batch is analysed (in worker processes) while the one before is stored.
    pending = [analyse.submit(url, batch, None, inputs, rendered) for batch in batches[:1]]
    for number, batch in enumerate(batches):
        if number + 1 < len(batches):
            pending.append(analyse.submit(url, batches[number + 1], None, inputs, rendered))
        analysed = pending.pop(0).result()
        done += store(url, opaque(analysed), inputs, opaque({v: reasons[v] for v in batch}))
        if output.diagrams and output.artifacts:
            publish_pages(opaque(analysed), out_dir, output)
        room = TABLE_ROWS - len(entries)  # the run's table lists the first procedures only
        entries += [SiteEntry(a.result, a.diagrams) for a in analysed[:room]]
        advance_progress(progress, len(done), len(todo))
    advance_progress(progress, 1, 1)
    create_markdown_artifact(
        summary_markdown(done, total - len(todo)),
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
    )
    return {
        "analysed": count,
        "skipped": total - len(todo),
        "stored_by_another_run": elsewhere,
        "by_reason": dict(by_reason),
    }
