"""The store's side of the nightly, by the thousand: the graphs to analyse read as their
JSON text (the worker processes decode them), and the analyses written as the JSON text
made where they were analysed, a batch inserted in a few statements.

The texts are what the JSON columns write themselves (`json.dumps`), so the rows are
those the ORM would store, byte for byte; the process that stores neither decodes nor
encodes them, nor builds an object per row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Dialect, Table, Text, bindparam, cast, insert, inspect
from sqlalchemy import select as sa_select
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, col

from analysis.result import ProposedVersion
from rules import RULES_VERSION
from store.locks import take_turn
from store.queries import AnalysisRow
from store.tables import Analysis, ProcedureVersion, VersionKind

__all__ = ["EncodedAnalysis", "StoredAnalysis", "store_analyses", "version_documents"]


def version_documents(session: Session, version_ids: Sequence[int]) -> dict[int, str]:
    """Version id → its graph (format v1) as the JSON text stored, for the versions given:
    read without decoding it, for the process that analyses it to decode."""
    rows = session.execute(
        sa_select(col(ProcedureVersion.id), cast(col(ProcedureVersion.graph), Text)).where(
            col(ProcedureVersion.id).in_(version_ids)
        )
    )
    return {version_id: text for version_id, text in rows}


@dataclass(frozen=True)
class EncodedAnalysis:
    """An analysis and its proposed version as their rows store them, each JSON column
    already written: a few strings, cheap to send between processes."""

    rules_signature: str
    metrics_before: str
    metrics_after: str
    changes: str
    refused: str
    dropped_documents: str
    proposal: str
    """The proposed version's graph (format v1)."""
    proposal_hash: str

    @classmethod
    def of(cls, row: AnalysisRow, proposal: ProposedVersion) -> EncodedAnalysis:
        return cls(
            rules_signature=row.rules_signature,
            metrics_before=json.dumps(row.metrics_before),
            metrics_after=json.dumps(row.metrics_after),
            changes=json.dumps(row.changes),
            refused=json.dumps(row.refused),
            dropped_documents=json.dumps(row.dropped_documents),
            proposal=json.dumps(proposal.graph),
            proposal_hash=proposal.content_hash,
        )

    def row(self) -> AnalysisRow:
        """The row, read back."""
        return AnalysisRow(
            rules_signature=self.rules_signature,
            metrics_before=json.loads(self.metrics_before),
            metrics_after=json.loads(self.metrics_after),
            changes=json.loads(self.changes),
            refused=json.loads(self.refused),
            dropped_documents=json.loads(self.dropped_documents),
        )


@dataclass(frozen=True)
class StoredAnalysis:
    """An analysis in the store: its id, its proposed version's, its measures after
    (`models.measures.Measures` as JSON), and whether this call stored it."""

    id: int
    after_version_id: int
    metrics_after: dict[str, Any]
    created: bool


class _JSONText(TypeDecorator[str]):
    """A JSON column's value given as its JSON text: sent as it is (PostgreSQL casts it)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def _inserted(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]], texts: list[str]
) -> list[int]:
    """Insert `rows` into `model`'s table in one statement (many values a round trip),
    the columns `texts` given as JSON text under `<column>_text`; return their ids in
    order."""
    if not rows:
        return []
    table = inspect(model).local_table
    assert isinstance(table, Table)
    statement = (
        insert(table)
        .values({name: bindparam(f"{name}_text", type_=_JSONText()) for name in texts})
        .returning(table.c.id, sort_by_parameter_order=True)
    )
    return list(session.execute(statement, rows).scalars())


def store_analyses(
    session: Session, items: Sequence[tuple[int, EncodedAnalysis]], inputs_key: str
) -> list[StoredAnalysis]:
    """Store the proposed version and the analysis of each as-is version (by id), unless
    already stored under the same rules and inputs (`Inputs.key`); return each analysis.
    A few statements a batch: what is stored already is found in one query each, and
    what is new is inserted together. The caller commits; another writer waits until
    then, and finds what this one stored (`store.locks.take_turn`)."""
    take_turn(session)
    ids = [version_id for version_id, _ in items]
    owner = {
        version_id: procedure_id
        for version_id, procedure_id in session.execute(
            sa_select(col(ProcedureVersion.id), col(ProcedureVersion.procedure_id)).where(
                col(ProcedureVersion.id).in_(ids)
            )
        )
    }
    stored = {
        (before, rules): StoredAnalysis(analysis_id, after, metrics, created=False)
        for before, rules, analysis_id, after, metrics in session.execute(
            sa_select(
                col(Analysis.before_version_id),
                col(Analysis.rules_version),
                col(Analysis.id),
                col(Analysis.after_version_id),
                col(Analysis.metrics_after),
            ).where(
                col(Analysis.before_version_id).in_(ids), col(Analysis.context_hash) == inputs_key
            )
        )
    }
    proposals = {
        (parent, digest): version_id
        for version_id, parent, digest in session.execute(
            sa_select(
                col(ProcedureVersion.id),
                col(ProcedureVersion.parent_id),
                col(ProcedureVersion.content_hash),
            ).where(
                col(ProcedureVersion.parent_id).in_(ids),
                col(ProcedureVersion.kind) == VersionKind.proposed,
            )
        )
    }
    todo = {
        (version_id, encoded.rules_signature): (version_id, encoded)
        for version_id, encoded in items
        if (version_id, encoded.rules_signature) not in stored
    }
    now = datetime.now(UTC)
    proposed = {
        (version_id, encoded.proposal_hash): {
            "procedure_id": owner[version_id],
            "kind": VersionKind.proposed,
            "graph_text": encoded.proposal,
            "content_hash": encoded.proposal_hash,
            "parent_id": version_id,
            "created_at": now,
            "source": f"engine rules v{RULES_VERSION}",
        }
        for version_id, encoded in todo.values()
        if (version_id, encoded.proposal_hash) not in proposals
    }
    new_versions = _inserted(session, ProcedureVersion, list(proposed.values()), ["graph"])
    proposals.update(zip(proposed, new_versions, strict=True))
    analyses = [
        {
            "procedure_id": owner[version_id],
            "before_version_id": version_id,
            "after_version_id": proposals[version_id, encoded.proposal_hash],
            "rules_version": encoded.rules_signature,
            "context_hash": inputs_key,
            "metrics_before_text": encoded.metrics_before,
            "metrics_after_text": encoded.metrics_after,
            "changes_text": encoded.changes,
            "refused_text": encoded.refused,
            "created_at": now,
            "dropped_documents_text": encoded.dropped_documents,
        }
        for version_id, encoded in todo.values()
    ]
    columns = ["metrics_before", "metrics_after", "changes", "refused", "dropped_documents"]
    new_analyses = _inserted(session, Analysis, analyses, columns)
    for key, row, analysis_id in zip(todo, analyses, new_analyses, strict=True):
        metrics = json.loads(row["metrics_after_text"])
        stored[key] = StoredAnalysis(analysis_id, row["after_version_id"], metrics, created=True)
    return [stored[version_id, encoded.rules_signature] for version_id, encoded in items]
