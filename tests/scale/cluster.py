"""A pool of workers on one machine, as a team runs it on several: a Prefect server on
PostgreSQL, a PostgreSQL store, the deployments, and any number of worker processes.
Used by the scale-out test and `bench/bench_nightly.py`.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from inputs.settings import PROJECT_ROOT
from store.engine import make_engine
from store.queries import import_procedures
from tests.synthetic import random_catalogue
from tthc.serve import MARK, POOL, Stack, start, stop

__all__ = ["Cluster", "cluster", "postgres_database"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `server_url` (a SQLAlchemy URL),
    dropped afterwards; yields its name."""
    url = make_url(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    dsn = f"host={url.host} port={url.port or 5432} user={url.username} dbname={url.database}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Cluster:
    """A running stack and its workers."""

    stack: Stack
    store_url: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def add_worker(self) -> subprocess.Popen[bytes]:
        """Start one more worker on the pool, as another machine would (its own
        process, the same server, store and output folder)."""
        marked = json.loads((self.stack.run_dir / "worker.pid").read_text())["mark"]
        env = {**self.stack.env(), MARK: marked}
        number = len(self.workers) + 2
        log = (self.stack.run_dir / f"worker-{number}.log").open("ab")
        command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL]
        worker = subprocess.Popen(
            [*command, "--name", f"worker-{number}"],
            cwd=self.stack.project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def worker_pids(self) -> list[int]:
        """The workers' processes: the stack's own first."""
        first = json.loads((self.stack.run_dir / "worker.pid").read_text())["pid"]
        return [int(first), *(w.pid for w in self.workers)]


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def flow_run_of(pid: int) -> str | None:
    """The flow run a process runs (PREFECT__FLOW_RUN_ID in its environment), if any."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for item in environ:
        if item.startswith(b"PREFECT__FLOW_RUN_ID="):
            return item.split(b"=", 1)[1].decode()
    return None


def kill_machine(worker: int) -> list[int]:
    """SIGKILL a worker and everything it started, as when its machine dies."""
    victims = descendants(worker)
    for pid in victims:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return victims


def fill_store(url: str, count: int, seed: int = 5) -> None:
    """Import `count` generated procedures of 8-40 steps, a thousand a transaction."""
    engine = make_engine(url)
    generated = ((p.code, p) for p in random_catalogue(count, seed=seed))
    while chunk := list(itertools.islice(generated, 1000)):
        with Session(engine) as session:
            import_procedures(session, chunk)
            session.commit()


@contextmanager
def cluster(
    root: Path, postgres_url: str, workers: int, *, shards_at_once: int, analysis_processes: int
) -> Iterator[Cluster]:
    """A stack whose Prefect server and store live in new PostgreSQL databases, with
    `workers` worker processes, each analysing in `analysis_processes` processes."""
    url = make_url(postgres_url)
    server = f"{url.host}:{url.port or 5432}"
    with (
        postgres_database(postgres_url, "prefect_scale") as prefect_db,
        postgres_database(postgres_url, "tthc_scale") as store_db,
    ):
        store_url = f"postgresql+psycopg://{url.username}@{server}/{store_db}"
        stack = Stack(
            project=PROJECT_ROOT,
            home=root / "prefect",
            port=_free_port(),
            site_port=_free_port(),
            out_dir=root / "out",
            drafts_dir=root / "drafts",
            extra_env={
                "PREFECT_API_DATABASE_CONNECTION_URL": (
                    f"postgresql+asyncpg://{url.username}@{server}/{prefect_db}"
                ),
                "TTHC_DATABASE_URL": store_url,
                "TTHC_WORKERS": str(analysis_processes),
            },
            worker_poll_seconds=1,
            shards_at_once=shards_at_once,
        )
        make_engine(store_url)  # the store's tables, before any worker opens it
        start(stack, timeout=240)
        running = Cluster(stack, store_url)
        try:
            for _ in range(workers - 1):
                running.add_worker()
            yield running
        finally:
            stop(stack)
            for worker in running.workers:
                worker.wait(timeout=30)
