"""Migrations: stores written before them are stamped with every row intact, a new store
gets exactly the tables of `store.tables`, a store from a newer tthc is refused, and
several processes may open one new store at once."""

from __future__ import annotations

import functools
import multiprocessing
import os
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import store.migrate
import store.tables  # fills SQLModel.metadata
from models.errors import StoreTooNew, StoreUnavailable
from store.engine import make_engine
from store.migrate import BASELINE, MIGRATIONS, head_revision

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[2]
COUNTS = {"procedure": 4, "procedure_version": 13, "analysis": 8}
"""What the stores written before migrations hold (fixtures/README.md)."""

Rows = dict[str, list[tuple[Any, ...]]]


# --- helpers: plain SQLAlchemy, never make_engine, so they migrate nothing ---------------


def _plain(url: str) -> Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _rows(url: str) -> Rows:
    """Every row of the three tables, read through reflected tables, in id order."""
    engine = _plain(url)
    try:
        with engine.connect() as connection:
            metadata = sa.MetaData()
            rows: Rows = {}
            for name in COUNTS:
                table = sa.Table(name, metadata, autoload_with=connection)
                query = sa.select(table).order_by(table.c.id)
                rows[name] = [tuple(row) for row in connection.execute(query)]
            return rows
    finally:
        engine.dispose()


def _schema(url: str) -> dict[str, Any]:
    """The three tables as the database describes them (alembic_version left out)."""
    engine = _plain(url)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            return {
                name: {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"])
                        for c in inspector.get_columns(name)
                    ],
                    "pk": inspector.get_pk_constraint(name)["constrained_columns"],
                    "fks": sorted(
                        (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
                        for fk in inspector.get_foreign_keys(name)
                    ),
                    "unique": sorted(
                        u["column_names"] for u in inspector.get_unique_constraints(name)
                    ),
                    "indexes": sorted(
                        (i["name"], i["column_names"], i["unique"])
                        for i in inspector.get_indexes(name)
                    ),
                }
                for name in COUNTS
            }
    finally:
        engine.dispose()


def _revisions(url: str) -> tuple[str, ...]:
    engine = _plain(url)
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def _differences(url: str) -> list[Any]:
    """What autogenerate would change to make the store match `SQLModel.metadata`."""
    engine = _plain(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))
    finally:
        engine.dispose()


def _open(url: str) -> None:
    make_engine(url).dispose()


def _check_upgrade_keeps_everything(url: str) -> None:
    before_rows, before_schema = _rows(url), _schema(url)
    assert {name: len(rows) for name, rows in before_rows.items()} == COUNTS
    assert _revisions(url) == ()

    _open(url)
    assert _revisions(url) == (head_revision(),)
    after_rows, after_schema = _rows(url), _schema(url)
    _assert_only_new_columns(before_rows, before_schema, after_rows, after_schema)
    # A store written before migrations, stamped at the baseline and upgraded, matches
    # today's tables: stamping it was right.
    assert _differences(url) == []

    _open(url)  # already at head: nothing changes
    assert _revisions(url) == (head_revision(),)
    assert _rows(url) == after_rows
    assert _schema(url) == after_schema


NEW_COLUMNS = {"analysis": ["dropped_documents"], "procedure": ["code_status"]}
"""Columns the migrations after the baseline add: empty in the rows stored before."""


def _assert_only_new_columns(
    before_rows: Rows, before_schema: dict[str, Any], rows: Rows, schema: dict[str, Any]
) -> None:
    """Every row and every column as it was; the new columns appended, empty."""
    for name in COUNTS:
        added = len(NEW_COLUMNS.get(name, []))
        kept = len(rows[name][0]) - added
        assert [row[:kept] for row in rows[name]] == before_rows[name]
        assert all(value is None for row in rows[name] for value in row[kept:])
        columns = schema[name]["columns"]
        assert columns[: len(columns) - added] == before_schema[name]["columns"]
        assert [c[0] for c in columns[len(columns) - added :]] == NEW_COLUMNS.get(name, [])
        assert {**schema[name], "columns": None} == {**before_schema[name], "columns": None}


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def postgres_server() -> str:
    """The PostgreSQL server of TTHC_TEST_POSTGRES_URL (as tests/conftest.py reads it)."""
    url = os.environ.get("TTHC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TTHC_TEST_POSTGRES_URL is not set (CI sets it to the local server)")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database of its own on that server, dropped afterwards: these tests
    need no alembic_version and no versionkind type, which the shared test database
    (conftest's `database_url`, emptied with `drop_all`) keeps."""
    name = f"tthc_migrate_{secrets.token_hex(6)}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield sa.make_url(postgres_server).set(database=name).render_as_string(False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _load_postgresql_fixture(url: str) -> None:
    script = (FIXTURES / "store-before-migrations.postgresql.sql").read_text("utf-8")
    script = "\n".join(line for line in script.splitlines() if not line.startswith("\\"))
    conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(script.encode())


# --- (a), (b): stores written before migrations ----------------------------------------


def test_a_sqlite_store_from_before_migrations_is_stamped_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    shutil.copyfile(FIXTURES / "store-before-migrations.sqlite", path)
    _check_upgrade_keeps_everything(f"sqlite:///{path}")


@pytest.mark.postgres
def test_a_postgresql_store_from_before_migrations_is_stamped_and_kept(postgres_url: str) -> None:
    _load_postgresql_fixture(postgres_url)
    _check_upgrade_keeps_everything(postgres_url)


# --- (c): a new store gets exactly the tables of store.tables ---------------------------


def _check_new_store(url: str) -> None:
    _open(url)
    assert _revisions(url) == (head_revision(),)
    assert _differences(url) == []
    _open(url)
    assert _revisions(url) == (head_revision(),)


def test_a_new_sqlite_store_matches_the_tables(tmp_path: Path) -> None:
    _check_new_store(f"sqlite:///{tmp_path / 'folder' / 'store.db'}")


@pytest.mark.postgres
def test_a_new_postgresql_store_matches_the_tables(postgres_url: str) -> None:
    _check_new_store(postgres_url)


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_baseline_downgrades_to_nothing_and_back(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'store.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    _open(url)
    engine = _plain(url)
    try:
        with engine.begin() as connection:
            command.downgrade(_config(connection), "base")
        with engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == ["alembic_version"]
            if backend == "postgres":
                assert sa.inspect(connection).get_enums() == []  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    _check_new_store(url)


def test_the_alembic_command_line_works_on_a_scratch_store(tmp_path: Path) -> None:
    """What store/migrations/README.md tells developers to run."""
    env = {**os.environ, "TTHC_DATABASE_URL": f"sqlite:///{tmp_path / 'scratch.db'}"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(PROJECT / "store" / "alembic.ini")]
    for arguments in (["upgrade", "head"], ["check"], ["current"]):
        done = subprocess.run(
            [*alembic, *arguments], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert head_revision() in done.stdout
    assert _revisions(env["TTHC_DATABASE_URL"]) == (head_revision(),)


# --- a store from a newer tthc ----------------------------------------------------------


def test_a_store_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _open(url)
    engine = _plain(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dcafe'")
    engine.dispose()
    before = _schema(url)
    with pytest.raises(StoreTooNew, match=r"newer version of tthc.*git pull && make setup"):
        make_engine(url)
    assert _revisions(url) == ("f00dcafe",)
    assert _schema(url) == before


def test_baseline_is_the_first_revision() -> None:
    engine = _plain("sqlite://")
    with engine.begin() as connection:
        command.upgrade(_config(connection), BASELINE)
        assert MigrationContext.configure(connection).get_current_heads() == (BASELINE,)
    engine.dispose()


# --- (d): several processes open one new store at once ---------------------------------


def _together(count: int, open_store: Callable[[], None]) -> list[BaseException]:
    """Run `open_store` in `count` threads released at the same instant; their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            open_store()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_threads_open_one_new_sqlite_store_at_once(tmp_path: Path) -> None:
    for attempt in range(5):
        url = f"sqlite:///{tmp_path / f'store{attempt}.db'}"
        assert _together(6, functools.partial(_open, url)) == []
        assert _revisions(url) == (head_revision(),)
        assert _differences(url) == []


@pytest.mark.postgres
def test_threads_open_one_new_postgresql_store_at_once(postgres_url: str) -> None:
    assert _together(6, lambda: _open(postgres_url)) == []
    assert _revisions(postgres_url) == (head_revision(),)
    assert _differences(postgres_url) == []


def _open_when_released(url: str, barrier: Any) -> None:
    barrier.wait()
    _open(url)


def test_processes_open_one_new_sqlite_store_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    processes = [context.Process(target=_open_when_released, args=(url, barrier)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    assert _revisions(url) == (head_revision(),)
    assert _differences(url) == []


def test_a_conflict_is_accepted_when_the_store_ended_up_at_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback behind SQLite's lock: this process saw a store to upgrade, another
    one upgraded it, and this one's upgrade then failed on it."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _open(url)
    real_read = store.migrate._read_revisions
    reads: list[Engine] = []

    def stale_first(engine: Engine) -> tuple[str, ...] | None:
        reads.append(engine)
        return None if len(reads) == 1 else real_read(engine)

    def fails(connection: Connection) -> None:
        raise sa.exc.OperationalError("CREATE TABLE procedure", {}, Exception("already exists"))

    monkeypatch.setattr(store.migrate, "_read_revisions", stale_first)
    monkeypatch.setattr(store.migrate, "_migrate", fails)
    _open(url)
    assert len(reads) == 2
    assert _revisions(url) == (head_revision(),)


def test_a_conflict_is_raised_when_the_store_is_not_at_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(connection: Connection) -> None:
        raise sa.exc.OperationalError("CREATE TABLE procedure", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store.migrate, "_migrate", fails)
    with pytest.raises(StoreUnavailable, match="disk I/O error"):  # one sentence, the cause kept
        make_engine(f"sqlite:///{tmp_path / 'store.db'}")
