"""Reviews: a reviewer's decision on a proposal and the approved version it made.

A new table only; nothing stored before changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("as_is_version_id", sa.Integer(), nullable=False),
        sa.Column("proposed_version_id", sa.Integer(), nullable=False),
        sa.Column("approved_version_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(length=200), nullable=False),
        sa.Column("sources_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"]),
        sa.ForeignKeyConstraint(["as_is_version_id"], ["procedure_version.id"]),
        sa.ForeignKeyConstraint(["proposed_version_id"], ["procedure_version.id"]),
        sa.ForeignKeyConstraint(["approved_version_id"], ["procedure_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposed_version_id"),
    )
    op.create_index("ix_review_procedure_id", "review", ["procedure_id"])


def downgrade() -> None:
    op.drop_index("ix_review_procedure_id", table_name="review")
    op.drop_table("review")
