"""The nightly re-analysis as plain functions: what is out of date, and what changed.

A procedure's analysis is current when it was made of the procedure's latest
as-is version, under the same rules signature and the same inputs key (the
data-source registry and the cost settings). Everything else is re-analysed.
The flow (`flows/nightly.py`) and the benchmark compose these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.graph import graph_from_json
from models.store import Analysis, ProcedureRecord, ProcedureVersion, VersionKind
from rules import Rule
from tthc.pipeline import Inputs, ProcedureAnalysis, analyze, store_analysis

__all__ = [
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


def outdated(session: Session, rules_signature: str, inputs_key: str) -> list[Outdated]:
    """Every procedure in the store whose analysis is not current, oldest code first."""
    keys = sa_select(
        col(Analysis.procedure_id),
        col(Analysis.id),
        col(Analysis.before_version_id),
        col(Analysis.rules_version),
        col(Analysis.context_hash),
    ).order_by(col(Analysis.id))  # the newest last, so it wins
    newest = {row[0]: row[1:] for row in session.execute(keys)}
    found = []
    for procedure, version in sorted(latest_versions(session).items()):
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


def analyse_versions(
    session: Session, version_ids: Sequence[int], rules: list[Rule], inputs: Inputs
) -> list[tuple[int, ProcedureAnalysis]]:
    """Load and re-engineer stored as-is versions (no writes)."""
    versions = session.exec(
        select(ProcedureVersion).where(col(ProcedureVersion.id).in_(version_ids))
    ).all()
    graphs = {v.id: graph_from_json(v.graph) for v in versions}
    return [(vid, analyze(graphs[vid], rules, inputs.context)) for vid in version_ids]


def store_batch(
    session: Session,
    analyses: Sequence[tuple[int, ProcedureAnalysis]],
    inputs: Inputs,
    reasons: dict[int, Outdated] | None = None,
) -> list[Reanalysed]:
    """Store a batch of analyses; the caller commits. Returns what changed for each."""
    reasons = reasons or {}
    done = []
    for vid, analysis in analyses:
        version = session.get_one(ProcedureVersion, vid)
        stored, created = store_analysis(session, version, analysis, inputs)
        assert stored.id is not None
        why = reasons.get(vid)
        previous = session.get(Analysis, why.previous) if why and why.previous else None
        done.append(
            Reanalysed(
                code=analysis.code,
                name=analysis.name,
                reason=why.reason if why else "new",
                analysis_id=stored.id,
                previous=previous.metrics_after if previous else None,
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
