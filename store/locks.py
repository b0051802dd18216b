"""Writers take turns: two imports, two nightly runs, or a run and an import at once
never collide, never raise a constraint error, and each reports what it did.

Two kinds of turn, both held by the database server or the operating system, so a
writer killed with -9 releases its turn:

- `take_turn(session)`: the store's write turn until the session's transaction ends.
  Every query that writes versions or analyses takes it first, so its "is it stored
  already?" and its inserts see the same store; a second writer waits, then finds
  what the first stored and stores nothing twice. PostgreSQL: a transaction-level
  advisory lock; SQLite: the database's write lock, taken at once.
- `exclusive_run(engine, name)`: one run of a kind (the nightly) at a time, for the
  whole run; the second waits, then plans on what the first stored. PostgreSQL: a
  session-level advisory lock on a connection of its own; SQLite: a lock file beside
  the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import exc, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.errors import StoreBusy

__all__ = ["WAIT_SECONDS", "exclusive_run", "take_turn"]

WAIT_SECONDS = 600.0
"""How long a writer waits for its turn before it gives up with `StoreBusy`."""

_POLL_SECONDS = 0.25


def _key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for `name`."""
    digest = hashlib.blake2b(f"tthc-reengineer:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def take_turn(session: Session, wait_seconds: float = WAIT_SECONDS) -> None:
    """Hold the store's write turn until the session's transaction ends; call it before
    the transaction reads what it is about to write. Raises `StoreBusy` after
    `wait_seconds` behind another writer."""
    connection = session.connection()
    try:
        if connection.dialect.name == "postgresql":
            timeout = f"{int(wait_seconds * 1000)}ms"
            connection.execute(text("SELECT set_config('lock_timeout', :t, true)"), {"t": timeout})
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key("store")})
        else:  # SQLite: a write that changes nothing takes the database's write lock now
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
            connection.exec_driver_sql("UPDATE procedure SET id = id WHERE 0")
    except exc.OperationalError as error:
        raise StoreBusy(
            f"another writer has held the store for over {wait_seconds:.0f} s; "
            "nothing was stored: try again when it has finished"
        ) from error


@contextlib.contextmanager
def exclusive_run(
    engine: Engine,
    name: str,
    wait_seconds: float = WAIT_SECONDS,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Run the block while no other run called `name` runs on this store; wait up to
    `wait_seconds` for it (calling `on_wait` once if it has to), then raise `StoreBusy`."""
    deadline = time.monotonic() + wait_seconds
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            key = {"k": _key(name)}

            def acquire() -> bool:
                taken = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), key)
                return bool(taken.scalar())

            _wait(acquire, name, deadline, wait_seconds, on_wait)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), key)
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    path = Path(f"{database}.{name}.lock")
    with path.open("a") as handle:
        _wait(lambda: _flock(handle.fileno()), name, deadline, wait_seconds, on_wait)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _flock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(
    acquire: Callable[[], bool],
    name: str,
    deadline: float,
    wait_seconds: float,
    on_wait: Callable[[], None] | None,
) -> None:
    waited = False
    while not acquire():
        if time.monotonic() >= deadline:
            raise StoreBusy(
                f"another {name} run has held the store for over {wait_seconds:.0f} s; "
                "this one did nothing: try again when it has finished"
            )
        if not waited and on_wait is not None:
            on_wait()
        waited = True
        time.sleep(_POLL_SECONDS)
