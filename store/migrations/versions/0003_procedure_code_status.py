"""Procedures keep how sure their code is (`code_status`: unconfirmed, not_tthc).

Procedures stored before keep NULL (a confirmed code) until their file is imported again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("procedure") as batch:
        batch.add_column(sa.Column("code_status", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("procedure") as batch:
        batch.drop_column("code_status")
