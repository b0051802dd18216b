"""Bring a store's schema up to date with Alembic (`store/migrations/`).

`upgrade(engine)` runs every time an engine is made (`store.engine.make_engine`), so the
usual case, a store already at the newest revision, costs one query: the script
directory is read once per process.

Three kinds of store come in:

- a new, empty store: every migration runs, the baseline creates the tables;
- a store written before migrations existed (tables made by `SQLModel.metadata.create_all`,
  no `alembic_version` table): it already has the baseline's schema, so it is stamped at
  `BASELINE` and then upgraded;
- a store at an older revision: upgraded to the newest one.

A store at a revision this code does not know was written by a newer version of tthc:
that is a `StoreTooNew` error saying to upgrade the project, and nothing is touched.

Two processes may open the same new store at once. Each checks and upgrades under a lock
held for one transaction: PostgreSQL's `pg_advisory_xact_lock`, SQLite's `BEGIN IMMEDIATE`
(its DDL is transactional too), so the second one waits and then finds the store at head.
Should SQLite still report a conflict (a lock held longer than the wait, say), the
revision is read again and a store now at head is accepted.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from models.errors import MigrationError, StoreTooNew

__all__ = ["BASELINE", "MIGRATIONS", "head_revision", "upgrade"]

BASELINE = "0001"
"""The revision whose schema is what `create_all` made before migrations existed."""

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
"""Alembic's script directory: env.py and versions/."""

_LOCK_KEY = 0x7474_6863_6D69_6772  # b"tthcmigr": PostgreSQL's advisory lock for upgrades
_SQLITE_WAIT_MS = 60_000
"""How long a SQLite upgrade waits for another process's upgrade to finish."""


@dataclass(frozen=True)
class _Scripts:
    head: str
    known: frozenset[str]


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> _Scripts:
    """The newest revision and every known one, read from the script directory once."""
    script = ScriptDirectory.from_config(_config())
    head = script.get_current_head()  # raises if the revisions have several heads
    if head is None:
        raise MigrationError(f"no migration in {MIGRATIONS / 'versions'}: reinstall the project")
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return _Scripts(head=head, known=known)


def head_revision() -> str:
    """The newest revision: the one `upgrade` brings every store to."""
    return _scripts().head


def upgrade(engine: Engine) -> None:
    """Bring the store of `engine` to the newest revision (see the module's docstring)."""
    head = _scripts().head
    current = _read_revisions(engine)
    if current == (head,):
        return
    if current is not None:
        _refuse_unknown(current, engine)
    dialect = engine.dialect.name
    if dialect == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            _migrate(connection)
    elif dialect == "sqlite":
        _upgrade_sqlite(engine)
    else:
        with engine.begin() as connection:
            _migrate(connection)


def _read_revisions(engine: Engine) -> tuple[str, ...] | None:
    """The store's revisions in one query; None when there is no version table (or it
    cannot be read: the locked path then looks properly)."""
    with engine.connect() as connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            return tuple(sorted(rows.scalars()))
        except DBAPIError:
            return None


def _refuse_unknown(current: tuple[str, ...], engine: Engine) -> None:
    unknown = sorted(set(current) - _scripts().known)
    if unknown:
        store = engine.url.render_as_string(hide_password=True)
        raise StoreTooNew(
            f"the store {store} is at migration {', '.join(unknown)}, which this version of "
            f"tthc does not know (newest known: {_scripts().head}): it was written by a newer "
            "version of tthc. Upgrade the project (git pull && make setup) and try again."
        )


def _migrate(connection: Connection) -> None:
    """Stamp and upgrade as needed, in the caller's transaction (which holds the lock)."""
    current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    if current == (_scripts().head,):
        return  # another process upgraded it while this one waited for the lock
    _refuse_unknown(current, connection.engine)
    config = _config(connection)
    if not current and inspect(connection).has_table("procedure"):
        command.stamp(config, BASELINE)  # written by create_all before migrations existed
    command.upgrade(config, "head")


def _upgrade_sqlite(engine: Engine) -> None:
    """`_migrate` in one `BEGIN IMMEDIATE` transaction: it takes SQLite's write lock
    first, so a second process waits for the first one's upgrade instead of racing it.

    pysqlite leaves DDL outside transactions unless told otherwise, hence the driver-level
    autocommit and the explicit BEGIN/COMMIT (both undone when the connection goes back to
    the pool)."""
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_WAIT_MS}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    _migrate(connection)
                except BaseException:
                    with contextlib.suppress(DBAPIError):  # SQLite may have rolled back
                        connection.exec_driver_sql("ROLLBACK")
                    raise
                connection.exec_driver_sql("COMMIT")
            finally:
                with contextlib.suppress(DBAPIError):
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(timeout)}")
    except (OperationalError, IntegrityError):
        # Another process got there first in a way the lock did not cover: fine if the
        # store is now at head, a real failure otherwise.
        if _read_revisions(engine) != (_scripts().head,):
            raise
