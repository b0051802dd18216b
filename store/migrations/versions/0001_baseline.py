"""Baseline: the schema as `SQLModel.metadata.create_all` made it before migrations.

Stores written before migrations existed already have exactly these tables:
`store.migrate.upgrade` stamps them at this revision instead of running it. A new store
gets them from here. So this revision must never change: change the schema in a new one.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("essential", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_procedure_code", "procedure", ["code"], unique=True)

    op.create_table(
        "procedure_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        # VARCHAR(8) on SQLite (no CHECK constraint), the enum type versionkind on PostgreSQL.
        sa.Column(
            "kind",
            sa.Enum("as_is", "proposed", "approved", name="versionkind"),
            nullable=False,
        ),
        sa.Column("graph", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("parent_id", "kind", "content_hash"),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"]),
        sa.ForeignKeyConstraint(["parent_id"], ["procedure_version.id"]),
    )
    op.create_index(
        "ix_procedure_version_content_hash", "procedure_version", ["content_hash"], unique=False
    )
    op.create_index(
        "ix_procedure_version_procedure_id", "procedure_version", ["procedure_id"], unique=False
    )

    op.create_table(
        "analysis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("before_version_id", sa.Integer(), nullable=False),
        sa.Column("after_version_id", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.String(length=200), nullable=False),
        sa.Column("context_hash", sa.String(length=64), nullable=False),
        sa.Column("metrics_before", sa.JSON(), nullable=False),
        sa.Column("metrics_after", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("before_version_id", "rules_version", "context_hash"),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"]),
        sa.ForeignKeyConstraint(["before_version_id"], ["procedure_version.id"]),
        sa.ForeignKeyConstraint(["after_version_id"], ["procedure_version.id"]),
    )
    op.create_index("ix_analysis_procedure_id", "analysis", ["procedure_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_analysis_procedure_id", table_name="analysis")
    op.drop_table("analysis")
    op.drop_index("ix_procedure_version_procedure_id", table_name="procedure_version")
    op.drop_index("ix_procedure_version_content_hash", table_name="procedure_version")
    op.drop_table("procedure_version")
    op.drop_index("ix_procedure_code", table_name="procedure")
    op.drop_table("procedure")
    # drop_table leaves PostgreSQL's enum type behind (a no-op on SQLite).
    sa.Enum(name="versionkind").drop(op.get_bind(), checkfirst=True)
