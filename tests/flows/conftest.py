"""One real Prefect stack for the flow tests: a server, the deployments of
prefect.yaml, a process worker and the review site's web server, started the way
`make serve` starts them (on free ports, in a temporary home) and stopped when
the package's tests are done.

Package scope, not session: the client's background services keep running
while a server is in use, and their use of the `random` module would then
disturb the property tests that follow.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.utilities.asyncutils import run_coro_as_sync

from inputs.settings import PROJECT_ROOT
from tthc.serve import Stack, start, stop


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack; its worker runs flows on a store, an inbox and an output folder of its
    own. Starting it takes about 30 s here (server 15 s, deploy, worker)."""
    root = tmp_path_factory.mktemp("stack")
    served = Stack(
        project=PROJECT_ROOT,
        home=root / "prefect",
        port=_free_port(),
        site_port=_free_port(),
        out_dir=root / "out",
        drafts_dir=root / "drafts",  # files handed in on the upload page
        extra_env={
            "TTHC_DATABASE_URL": f"sqlite:///{root / 'store.db'}",
            "TTHC_INBOX_DIRS": json.dumps([str(root / "inbox")]),
        },
        worker_poll_seconds=1,
    )
    start(served, timeout=240)
    try:
        with temporary_settings({PREFECT_API_URL: served.api_url}):
            yield served
            _drain()
    finally:
        stop(served)


def _drain() -> None:
    """Send the test process's pending logs and events before the server stops, as
    Prefect's own test harness does, so that nothing retries against a dead server."""

    async def drain() -> None:
        with contextlib.suppress(RuntimeError):  # never started
            logs = APILogWorker.instance().drain()
            if inspect.isawaitable(logs):
                await logs
        events = EventsWorker.drain_all()
        if inspect.isawaitable(events):
            await events

    run_coro_as_sync(drain())


@pytest.fixture
def prefect_server(stack: Stack) -> Path:
    """The server for flows run in the test process; returns the stack's store file."""
    return Path(stack.extra_env["TTHC_DATABASE_URL"].removeprefix("sqlite:///"))


@pytest.fixture
def inbox(stack: Stack, tmp_path: Path) -> Path:
    """A new folder inside the stack's inbox, which its flows may read."""
    (root,) = json.loads(stack.extra_env["TTHC_INBOX_DIRS"])
    folder = Path(root) / tmp_path.name
    folder.mkdir(parents=True)
    return folder
