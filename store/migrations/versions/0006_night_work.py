"""Night work: which nightly run stored each analysis (sharded nights).

A new table only; nothing stored before changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "night_work",
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("night", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["analysis_id"], ["analysis.id"]),
        sa.PrimaryKeyConstraint("analysis_id"),
    )
    op.create_index("ix_night_work_night", "night_work", ["night"])


def downgrade() -> None:
    op.drop_index("ix_night_work_night", table_name="night_work")
    op.drop_table("night_work")
