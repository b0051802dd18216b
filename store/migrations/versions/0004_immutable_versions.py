"""Versions are immutable in the database itself: triggers refuse every UPDATE and
DELETE of a `procedure_version` row (and TRUNCATE on PostgreSQL), whatever the client.

The ORM refused them already (`store.tables`); a SQL console, another program or a
future bug did not. A later migration that must rewrite versions drops the triggers
first and makes them again after; on SQLite, a `batch_alter_table` of
`procedure_version` copies the table and loses them, so it must make them again too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "procedure versions are immutable: store a new version instead"


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION tthc_refuse_version_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER procedure_version_immutable BEFORE UPDATE OR DELETE "
            "ON procedure_version FOR EACH ROW EXECUTE FUNCTION tthc_refuse_version_change()"
        )
        op.execute(
            "CREATE TRIGGER procedure_version_not_truncated BEFORE TRUNCATE "
            "ON procedure_version FOR EACH STATEMENT EXECUTE FUNCTION tthc_refuse_version_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER procedure_version_no_{event.lower()} BEFORE {event} "
            f"ON procedure_version BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER procedure_version_not_truncated ON procedure_version")
        op.execute("DROP TRIGGER procedure_version_immutable ON procedure_version")
        op.execute("DROP FUNCTION tthc_refuse_version_change()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER procedure_version_no_{event}")
