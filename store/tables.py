"""The store's tables: procedures, their immutable versions and their analyses (SQLModel).

The same tables serve SQLite (embedded default) and PostgreSQL; their schema
changes only through a migration (`store/migrations/`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, event
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from models.errors import ImmutableVersion

__all__ = [
    "Analysis",
    "NightWork",
    "ProcedureRecord",
    "ProcedureVersion",
    "ReviewRecord",
    "VersionKind",
]


def _now() -> datetime:
    return datetime.now(UTC)


class VersionKind(StrEnum):
    as_is = "as_is"
    proposed = "proposed"
    approved = "approved"


class ProcedureRecord(SQLModel, table=True):
    """A procedure, known by its national code; its content lives in its versions."""

    __tablename__ = "procedure"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str
    level: str = Field(max_length=16)
    essential: int | None = None
    code_status: str | None = Field(default=None, max_length=16)
    """`unconfirmed` or `not_tthc` when the code is not a confirmed national code."""
    created_at: datetime = Field(default_factory=_now)


class ProcedureVersion(SQLModel, table=True):
    """One immutable version of a procedure graph (format v1 as JSON)."""

    __tablename__ = "procedure_version"
    __table_args__ = (UniqueConstraint("parent_id", "kind", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    kind: VersionKind = Field(max_length=16)
    graph: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64, index=True)
    parent_id: int | None = Field(default=None, foreign_key="procedure_version.id")
    created_at: datetime = Field(default_factory=_now)
    source: str
    """Where it came from: a file path, or the engine and its rules version."""


class Analysis(SQLModel, table=True):
    """Measures before and after (`models.measures.Measures`), and the changes that
    made an as-is version a proposal."""

    __tablename__ = "analysis"
    __table_args__ = (UniqueConstraint("before_version_id", "rules_version", "context_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    before_version_id: int = Field(foreign_key="procedure_version.id")
    after_version_id: int = Field(foreign_key="procedure_version.id")
    rules_version: str = Field(max_length=200)
    """The rules version and the codes of the rules applied."""
    context_hash: str = Field(max_length=64)
    """Hash of what else the result depends on: the data-source registry and the
    cost settings (`analysis.result.Inputs.key`)."""
    metrics_before: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    metrics_after: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    changes: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    refused: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_now)
    dropped_documents: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    """The documents no longer asked for (`analysis.result.DroppedDocument`); None for
    analyses stored before migration 0002."""


class ReviewRecord(SQLModel, table=True):
    """A reviewer's decision on a proposal: who, when, the comment, the verdict on each
    change, and the approved version it made. One per proposal; never changed."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    as_is_version_id: int = Field(foreign_key="procedure_version.id")
    proposed_version_id: int = Field(foreign_key="procedure_version.id", unique=True)
    approved_version_id: int = Field(foreign_key="procedure_version.id")
    reviewer: str = Field(max_length=200)
    comment: str
    decided_at: datetime
    decisions: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    """Each change's key, verdict, reason and whether the engine could apply it."""
    rules_version: str = Field(max_length=200)
    """The rules signature the proposal was made under."""
    sources_hash: str = Field(max_length=64)
    """Hash of the data-source registry: a rejection holds until it changes."""


class NightWork(SQLModel, table=True):
    """Which night stored an analysis: a shard of a nightly run records each analysis it
    stored in the same transaction, so the night's summary counts what the night did
    (a re-submitted shard's work included) and never another run's."""

    __tablename__ = "night_work"

    analysis_id: int = Field(foreign_key="analysis.id", primary_key=True)
    night: str = Field(max_length=64, index=True)
    """The nightly run (its Prefect flow run id)."""


@event.listens_for(ProcedureVersion, "before_update")
@event.listens_for(ProcedureVersion, "before_delete")
def _refuse_change(mapper: Mapper[Any], connection: Any, target: ProcedureVersion) -> None:
    raise ImmutableVersion(
        f"procedure version {target.id} is immutable: store a new version instead"
    )
