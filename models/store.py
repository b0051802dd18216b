"""The store: procedures, their immutable versions and their analyses, through SQLModel.

The same code runs on SQLite (embedded default) and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapper
from sqlmodel import Field, Session, SQLModel, create_engine, select

from models.errors import TthcError

__all__ = [
    "Analysis",
    "ImmutableVersion",
    "ProcedureRecord",
    "ProcedureVersion",
    "VersionKind",
    "get_or_create_procedure",
    "latest_version",
    "make_engine",
    "store_version",
]


def _now() -> datetime:
    return datetime.now(UTC)


class VersionKind(StrEnum):
    as_is = "as_is"
    proposed = "proposed"
    approved = "approved"


class ImmutableVersion(TthcError):
    """Raised when code tries to change or delete a stored procedure version."""


class ProcedureRecord(SQLModel, table=True):
    """A procedure, known by its national code; its content lives in its versions."""

    __tablename__ = "procedure"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str
    level: str = Field(max_length=16)
    essential: int | None = None
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
    cost settings (`tthc.pipeline.Inputs.key`)."""
    metrics_before: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    metrics_after: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    changes: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    refused: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_now)


@event.listens_for(ProcedureVersion, "before_update")
@event.listens_for(ProcedureVersion, "before_delete")
def _refuse_change(mapper: Mapper[Any], connection: Any, target: ProcedureVersion) -> None:
    raise ImmutableVersion(
        f"procedure version {target.id} is immutable: store a new version instead"
    )


def make_engine(url: str) -> Engine:
    """Return an engine for `url` with the tables created (and a SQLite file's folder)."""
    connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    engine = create_engine(url, connect_args=connect_args)
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    SQLModel.metadata.create_all(engine)
    return engine


def get_or_create_procedure(
    session: Session, *, code: str, name: str, level: str, essential: int | None
) -> ProcedureRecord:
    """Return the procedure with `code`, created (or its header updated) as needed."""
    record = session.exec(select(ProcedureRecord).where(ProcedureRecord.code == code)).first()
    if record is None:
        record = ProcedureRecord(code=code, name=name, level=level, essential=essential)
    else:
        record.name, record.level, record.essential = name, level, essential
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
