"""The nightly re-analysis as plain functions: what is out of date, and what changed.

A procedure's analysis is current when it was made of the procedure's latest
as-is version, under the same rules signature and the same inputs key (the
data-source registry and the cost settings). Everything else is re-analysed.
The flow (`flows/nightly.py`) and the benchmark compose these.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from diagrams.site import SiteEntry, site_entry
from models.graph import graph_from_json
from models.store import Analysis, ProcedureRecord, ProcedureVersion, VersionKind
from rules import Rule
from tthc.pipeline import AnalysisRecord, Inputs, analyze, store_analyses

__all__ = [
    "Analysed",
    "Outdated",
    "Reanalysed",
    "analyse_versions",
    "current_analyses",
    "latest_versions",
    "outdated",
    "store_batch",
]

Reason = str
"""Why a procedure is re-analysed: new, content, rules or inputs."""


@dataclass(frozen=True)
class Outdated:
    """A procedure whose current analysis is missing or out of date."""

    version_id: int
    reason: Reason
    previous: int | None
    """The id of its newest earlier analysis, if any."""


@dataclass(frozen=True)
class Reanalysed:
    """What the night did to one procedure, for the summary."""

    code: str
    name: str
    reason: Reason
    analysis_id: int
    previous: dict[str, Any] | None
    """The measures after, from the earlier analysis."""
    current: dict[str, Any]
    """The measures after, from this one."""
    created: bool
    """False when the same analysis was stored already."""


def latest_versions(session: Session) -> dict[int, int]:
    """Procedure id → its latest as-is version id, read without the graphs."""
    rows = session.exec(
        select(ProcedureVersion.procedure_id, func.max(ProcedureVersion.id))
        .where(ProcedureVersion.kind == VersionKind.as_is)
        .group_by(col(ProcedureVersion.procedure_id))
    ).all()
    return {procedure: version for procedure, version in rows if version is not None}


def outdated(
    session: Session,
    rules_signature: str,
    inputs_key: str,
    latest: Mapping[int, int] | None = None,
) -> list[Outdated]:
    """Every procedure in the store whose analysis is not current, oldest code first;
    `latest`, when already read, is `latest_versions(session)`."""
    keys = sa_select(
        col(Analysis.procedure_id),
        col(Analysis.id),
        col(Analysis.before_version_id),
        col(Analysis.rules_version),
        col(Analysis.context_hash),
    ).order_by(col(Analysis.id))  # the newest last, so it wins
    newest = {row[0]: row[1:] for row in session.execute(keys)}
    found = []
    latest = latest_versions(session) if latest is None else latest
    for procedure, version in sorted(latest.items()):
        last = newest.get(procedure)
        if last is None:
            found.append(Outdated(version, "new", None))
            continue
        analysis_id, before, rules, context = last
        if before != version:
            found.append(Outdated(version, "content", analysis_id))
        elif rules != rules_signature:
            found.append(Outdated(version, "rules", analysis_id))
        elif context != inputs_key:
            found.append(Outdated(version, "inputs", analysis_id))
    return found


@dataclass(frozen=True)
class Analysed:
    """A stored as-is version re-engineered: what to store, and what the site shows."""

    version_id: int
    record: AnalysisRecord
    entry: SiteEntry
    header: dict[str, Any]
    """The procedure file's header (code, name, annual volume, statutory time…)."""


PARALLEL_FROM = 40
"""Batches smaller than this are analysed in this process."""


def analyse_versions(
    session: Session,
    version_ids: Sequence[int],
    rules: list[Rule],
    inputs: Inputs,
    workers: int = 1,
    out_dir: Path | None = None,
) -> Iterator[Analysed]:
    """Load and re-engineer stored as-is versions, in `workers` processes; with
    `out_dir`, render their diagrams there too. Writes nothing to the store.

    The work starts at once and the results come in order; with several workers the
    caller can store one batch while the next is analysed.
    """
    rows = session.exec(
        select(ProcedureVersion.id, ProcedureVersion.graph).where(
            col(ProcedureVersion.id).in_(version_ids)
        )
    ).all()
    graphs: dict[int, dict[str, Any]] = {vid: dict(graph) for vid, graph in rows if vid}
    jobs = [(vid, graphs[vid]) for vid in version_ids]
    work = functools.partial(_analyse, rules=rules, inputs=inputs, out_dir=out_dir)
    if workers < 2 or len(jobs) < PARALLEL_FROM:
        return iter([work(job) for job in jobs])
    return _pool(workers).map(work, jobs, chunksize=max(1, len(jobs) // (4 * workers)))


def _analyse(
    job: tuple[int, dict[str, Any]], rules: list[Rule], inputs: Inputs, out_dir: Path | None
) -> Analysed:
    version_id, graph = job
    analysis = analyze(graph_from_json(graph), rules, inputs.context)
    record = AnalysisRecord.of(analysis, inputs)
    entry = site_entry(out_dir, analysis, record)
    return Analysed(version_id, record, entry, dict(analysis.before.graph["header"]))


@functools.cache
def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool of worker processes for the life of this process (started by forkserver:
    forking a process that runs Prefect's threads is not safe)."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
    atexit.register(pool.shutdown)
    return pool


def store_batch(
    session: Session,
    analysed: Sequence[Analysed],
    inputs: Inputs,
    reasons: dict[int, Outdated] | None = None,
) -> list[Reanalysed]:
    """Store a batch of analyses; the caller commits. Returns what changed for each."""
    reasons = reasons or {}
    versions = {
        v.id: v
        for v in session.exec(
            select(ProcedureVersion)
            .where(col(ProcedureVersion.id).in_([a.version_id for a in analysed]))
            .options(defer(ProcedureVersion.graph))  # type: ignore[arg-type]
        )
    }
    pairs = [(versions[item.version_id], item.record) for item in analysed]
    stored_all = store_analyses(session, pairs, inputs.key)
    earlier = [why.previous for why in reasons.values() if why.previous is not None]
    previous = {
        analysis_id: dict(measures)
        for analysis_id, measures in session.exec(
            select(Analysis.id, Analysis.metrics_after).where(col(Analysis.id).in_(earlier))
        )
        if analysis_id is not None
    }
    done = []
    for item, (stored, created) in zip(analysed, stored_all, strict=True):
        assert stored.id is not None
        why = reasons.get(item.version_id)
        done.append(
            Reanalysed(
                code=item.entry.code,
                name=item.entry.name,
                reason=why.reason if why else "new",
                analysis_id=stored.id,
                previous=previous.get(why.previous) if why and why.previous else None,
                current=stored.metrics_after,
                created=created,
            )
        )
    return done


def current_analyses(
    session: Session, rules_signature: str, inputs_key: str
) -> list[tuple[ProcedureRecord, Analysis]]:
    """Each procedure with its analysis of its latest version under these rules and inputs."""
    latest = set(latest_versions(session).values())
    rows = session.exec(
        select(ProcedureRecord, Analysis)
        .join(Analysis, col(Analysis.procedure_id) == col(ProcedureRecord.id))
        .where(Analysis.rules_version == rules_signature, Analysis.context_hash == inputs_key)
        .order_by(col(Analysis.id))
    ).all()
    current = {
        record.id: (record, analysis)
        for record, analysis in rows
        if analysis.before_version_id in latest
    }
    return list(current.values())
