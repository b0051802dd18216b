"""Every query of the store: procedures, their versions, their analyses.

Helpers take the session explicitly and never commit: the caller decides what
lands together. Results leave the store typed (`AnalysisResult`), never as rows'
JSON.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from analysis.result import (
    AnalysisResult,
    DroppedDocument,
    approval_from_json,
    approval_to_json,
    change_from_json,
    change_to_json,
    refusal_from_json,
    refusal_to_json,
)
from models.graph import document_hash, graph_to_json, to_graph
from models.measures import Measures
from models.procedure import Procedure
from store.locks import take_turn
from store.tables import Analysis, ProcedureRecord, ProcedureVersion, VersionKind

__all__ = [
    "AnalysisRow",
    "Outdated",
    "VersionInfo",
    "analysed_since",
    "current_results",
    "essential_graphs",
    "get_or_create_procedure",
    "import_procedures",
    "latest_graph",
    "latest_version",
    "latest_versions",
    "outdated",
    "previous_measures",
    "procedures",
    "store_version",
    "stored_result",
    "version_graph",
    "version_graphs",
    "version_history",
    "versions_of",
]


def get_or_create_procedure(
    session: Session,
    *,
    code: str,
    name: str,
    level: str,
    essential: int | None,
    code_status: str | None = None,
) -> ProcedureRecord:
    """Return the procedure with `code`, created (or its header updated) as needed."""
    record = session.exec(select(ProcedureRecord).where(ProcedureRecord.code == code)).first()
    if record is None:
        record = ProcedureRecord(
            code=code, name=name, level=level, essential=essential, code_status=code_status
        )
    else:
        record.name, record.level, record.essential = name, level, essential
        record.code_status = code_status
    session.add(record)
    session.flush()
    return record


def latest_version(
    session: Session, procedure_id: int, kind: VersionKind = VersionKind.as_is
) -> ProcedureVersion | None:
    """Return the newest version of `kind` of a procedure, or None."""
    statement = (
        select(ProcedureVersion)
        .where(ProcedureVersion.procedure_id == procedure_id, ProcedureVersion.kind == kind)
        .order_by(ProcedureVersion.id.desc())  # type: ignore[union-attr]
    )
    return session.exec(statement).first()


def store_version(
    session: Session,
    *,
    procedure_id: int,
    kind: VersionKind,
    graph: dict[str, Any],
    content_hash: str,
    parent_id: int | None,
    source: str,
) -> tuple[ProcedureVersion, bool]:
    """Store a version unless an identical one already follows `parent_id`.

    Returns the version and whether it is new. For as-is versions, the parent
    is the previous as-is version, so re-importing an unchanged file stores nothing.
    """
    statement = select(ProcedureVersion).where(
        ProcedureVersion.procedure_id == procedure_id,
        ProcedureVersion.kind == kind,
        ProcedureVersion.content_hash == content_hash,
        ProcedureVersion.parent_id == parent_id,
    )
    existing = session.exec(statement).first()
    if existing is not None:
        return existing, False
    version = ProcedureVersion(
        procedure_id=procedure_id,
        kind=kind,
        graph=graph,
        content_hash=content_hash,
        parent_id=parent_id,
        source=source,
    )
    session.add(version)
    session.flush()
    return version, True


def import_procedures(
    session: Session, procedures: Iterable[tuple[Path | str, Procedure]]
) -> list[tuple[ProcedureVersion, bool]]:
    """Store each procedure as an as-is version; an unchanged one stores nothing.

    Returns each procedure's current as-is version and whether it is new.
    The caller commits, so a batch lands whole or not at all; another writer waits
    until then (`store.locks.take_turn`).
    """
    take_turn(session)
    results = []
    for source, procedure in procedures:
        record = get_or_create_procedure(
            session,
            code=procedure.code,
            name=procedure.name,
            level=procedure.level.value,
            essential=procedure.essential,
            code_status=procedure.code_status.value if procedure.code_status else None,
        )
        assert record.id is not None
        document = graph_to_json(to_graph(procedure))
        digest = document_hash(document)
        latest = latest_version(session, record.id)
        if latest is not None and latest.content_hash == digest:
            results.append((latest, False))
            continue
        results.append(
            store_version(
                session,
                procedure_id=record.id,
                kind=VersionKind.as_is,
                graph=document,
                content_hash=digest,
                parent_id=latest.id if latest else None,
                source=str(source),
            )
        )
    return results


def procedures(session: Session) -> list[tuple[ProcedureRecord, int | None]]:
    """Every stored procedure, by code, with its latest as-is version id (no graph read)."""
    records = session.exec(select(ProcedureRecord).order_by(col(ProcedureRecord.code))).all()
    latest = latest_versions(session)
    return [(r, latest.get(r.id) if r.id else None) for r in records]


def versions_of(session: Session, codes: Sequence[str]) -> dict[str, int]:
    """Code → latest as-is version id, for the codes in the store (no graph read)."""
    rows = session.exec(
        select(ProcedureRecord.code, func.max(ProcedureVersion.id))
        .join(ProcedureVersion, col(ProcedureVersion.procedure_id) == col(ProcedureRecord.id))
        .where(col(ProcedureRecord.code).in_(codes), ProcedureVersion.kind == VersionKind.as_is)
        .group_by(col(ProcedureRecord.code))
    ).all()
    return {code: version for code, version in rows if version is not None}


@dataclass(frozen=True)
class VersionInfo:
    """A stored version as its history lists it (no graph)."""

    id: int
    kind: VersionKind
    parent_id: int | None
    created_at: datetime
    source: str


def version_history(session: Session, code: str) -> list[VersionInfo]:
    """Every version of procedure `code`, oldest first; empty when it is not stored."""
    rows = session.exec(
        select(ProcedureVersion)
        .options(defer(ProcedureVersion.graph))  # type: ignore[arg-type]
        .join(ProcedureRecord, col(ProcedureRecord.id) == col(ProcedureVersion.procedure_id))
        .where(ProcedureRecord.code == code)
        .order_by(col(ProcedureVersion.id))
    ).all()
    return [
        VersionInfo(v.id, v.kind, v.parent_id, v.created_at, v.source)
        for v in rows
        if v.id is not None
    ]


def version_graph(session: Session, code: str, version_id: int) -> dict[str, Any] | None:
    """The graph (format v1) of version `version_id` if it is a version of `code`."""
    row = session.exec(
        select(ProcedureVersion.graph)
        .join(ProcedureRecord, col(ProcedureRecord.id) == col(ProcedureVersion.procedure_id))
        .where(ProcedureRecord.code == code, ProcedureVersion.id == version_id)
    ).first()
    return dict(row) if row is not None else None


def latest_graph(session: Session, code: str) -> dict[str, Any] | None:
    """The graph (format v1) of the latest as-is version of procedure `code`, if stored."""
    found = versions_of(session, [code]).get(code)
    version = session.get(ProcedureVersion, found) if found else None
    return dict(version.graph) if version else None


def analysed_since(session: Session, since: datetime) -> list[str]:
    """The codes of the procedures analysed since `since` (a night's work), by code."""
    rows = session.exec(
        select(ProcedureRecord.code)
        .join(Analysis, col(Analysis.procedure_id) == col(ProcedureRecord.id))
        .where(col(Analysis.created_at) >= since)
        .distinct()
        .order_by(col(ProcedureRecord.code))
    ).all()
    return list(rows)


def essential_graphs(session: Session) -> list[tuple[int, dict[str, Any]]]:
    """The essential services' latest as-is versions (id, graph in format v1), by their
    number."""
    records = session.exec(
        select(ProcedureRecord.id, ProcedureRecord.essential).where(
            col(ProcedureRecord.essential).is_not(None)
        )
    ).all()
    latest = latest_versions(session)
    versions = {latest[pid]: number for pid, number in records if pid in latest}
    graphs = version_graphs(session, list(versions))
    return [(vid, graphs[vid]) for vid in sorted(graphs, key=lambda vid: versions[vid] or 0)]


def version_graphs(session: Session, version_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Version id → its graph (format v1), for the versions given."""
    rows = session.exec(
        select(ProcedureVersion.id, ProcedureVersion.graph).where(
            col(ProcedureVersion.id).in_(version_ids)
        )
    ).all()
    return {vid: dict(graph) for vid, graph in rows if vid}


@dataclass(frozen=True)
class AnalysisRow:
    """An analysis as its row stores it: the JSON of its measures, changes (with their
    edits), refusals and dropped documents. Made where the analysis runs (a worker
    process), so that the process that stores does not have to."""

    rules_signature: str
    metrics_before: dict[str, Any]
    metrics_after: dict[str, Any]
    changes: list[dict[str, Any]]
    refused: list[dict[str, Any]]
    dropped_documents: list[dict[str, Any]]

    @classmethod
    def of(cls, result: AnalysisResult) -> AnalysisRow:
        return cls(
            rules_signature=result.rules_signature,
            metrics_before=result.before.model_dump(),
            metrics_after=result.after.model_dump(),
            changes=[
                {**change_to_json(c), "approval": approval_to_json(a)} for c, a in result.proposals
            ],
            refused=[refusal_to_json(r) for r in result.refused],
            dropped_documents=[vars(d).copy() for d in result.dropped_documents],
        )

    def result(
        self, code: str, name: str, essential: int | None, code_status: str | None = None
    ) -> AnalysisResult:
        """The typed result this row stores, for the procedure named."""
        return AnalysisResult(
            code=code,
            name=name,
            essential=essential,
            code_status=code_status,
            rules_signature=self.rules_signature,
            before=Measures.model_validate(self.metrics_before),
            after=Measures.model_validate(self.metrics_after),
            changes=tuple(change_from_json(c) for c in self.changes),
            approvals=tuple(approval_from_json(c.get("approval")) for c in self.changes),
            refused=tuple(refusal_from_json(r) for r in self.refused),
            dropped_documents=tuple(DroppedDocument(**d) for d in self.dropped_documents),
        )


def latest_versions(session: Session) -> dict[int, int]:
    """Procedure id → its latest as-is version id, read without the graphs."""
    rows = session.exec(
        select(ProcedureVersion.procedure_id, func.max(ProcedureVersion.id))
        .where(ProcedureVersion.kind == VersionKind.as_is)
        .group_by(col(ProcedureVersion.procedure_id))
    ).all()
    return {procedure: version for procedure, version in rows if version is not None}


Reason = str
"""Why a procedure is re-analysed: new, content, rules or inputs."""


@dataclass(frozen=True)
class Outdated:
    """A procedure whose current analysis is missing or out of date."""

    version_id: int
    reason: Reason
    previous: int | None
    """The id of its newest earlier analysis, if any."""


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
    current = set(
        session.execute(
            sa_select(col(Analysis.before_version_id)).where(
                col(Analysis.rules_version) == rules_signature,
                col(Analysis.context_hash) == inputs_key,
            )
        ).scalars()
    )
    found = []
    latest = latest_versions(session) if latest is None else latest
    for procedure, version in sorted(latest.items()):
        if version in current:  # whatever was stored after it (an experiment) is not it
            continue
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


def previous_measures(session: Session, analysis_ids: Sequence[int]) -> dict[int, Measures]:
    """Analysis id → its measures after, for the analyses given; analyses stored by an
    older version of the engine, whose measures had fewer fields, are left out."""
    found: dict[int, Measures] = {}
    rows = session.exec(
        select(Analysis.id, Analysis.metrics_after).where(col(Analysis.id).in_(analysis_ids))
    )
    for analysis_id, measures in rows:
        with contextlib.suppress(ValidationError):
            if analysis_id is not None:
                found[analysis_id] = Measures.model_validate(measures)
    return found


def stored_result(record: ProcedureRecord, analysis: Analysis) -> AnalysisResult:
    """The typed result a stored analysis row holds, for its procedure."""
    row = AnalysisRow(
        rules_signature=analysis.rules_version,
        metrics_before=analysis.metrics_before,
        metrics_after=analysis.metrics_after,
        changes=analysis.changes,
        refused=analysis.refused,
        dropped_documents=analysis.dropped_documents or [],
    )
    return row.result(record.code, record.name, record.essential, record.code_status)


def current_results(
    session: Session, rules_signature: str, inputs_key: str
) -> list[AnalysisResult]:
    """Each procedure's analysis of its latest version under these rules and inputs."""
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
    return [stored_result(record, analysis) for record, analysis in current.values()]
