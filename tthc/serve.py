"""Everything an analyst needs on one machine: a Prefect server, the process work
pool, the deployments of prefect.yaml, a worker, and a web server for the review
site. `make serve` starts it (`tthc serve`), `make stop` stops it; the tests
start their own on other ports.

Each process runs in its own session and is recorded in a pid file under
`<prefect home>/serve/` with its start time and command line, so `stop` finds it from
another shell and signals it only while that pid is still that process.

The server is closed to web pages: CSRF protection is on (a page cannot post without a
token it cannot read) and CORS admits only the UI's own origin. Basic authentication
comes from PREFECT_SERVER_API_AUTH_STRING and PREFECT_API_AUTH_STRING in the
environment (README.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import StackError

__all__ = ["POOL", "Stack", "start", "stop"]

POOL = "tthc-local"
"""The process work pool the deployments of prefect.yaml run on."""


@dataclass(frozen=True)
class Stack:
    """Where the local stack lives and listens."""

    project: Path
    home: Path
    """PREFECT_HOME: the server's database, the logs and the pid files."""
    port: int = 4200
    site_port: int = 4201
    out_dir: Path | None = None
    """The review site served on `site_port`; none when None."""
    extra_env: Mapping[str, str] = field(default_factory=dict)
    """More environment for the server and the worker (e.g. TTHC_* settings)."""
    worker_poll_seconds: int = 5

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ui_origins(self) -> tuple[str, ...]:
        """The origins the UI is opened from: the only ones CORS admits."""
        return (f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}")

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.site_port}/"

    @property
    def run_dir(self) -> Path:
        return self.home / "serve"

    def env(self) -> dict[str, str]:
        """The environment every part runs with: quiet, no telemetry, this server."""
        env = dict(os.environ)
        env.update(
            {
                "PREFECT_HOME": str(self.home),
                "PREFECT_API_URL": self.api_url,
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
                "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
                "PREFECT_LOGGING_LEVEL": "INFO",
                "PREFECT_WORKER_QUERY_SECONDS": str(self.worker_poll_seconds),
                "PREFECT_WORKER_PREFETCH_SECONDS": "5",
                "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "true",
                "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": ",".join(self.ui_origins),
            }
        )
        if self.out_dir is not None:
            env["TTHC_OUT_DIR"] = str(self.out_dir)
            env["TTHC_SITE_URL"] = self.site_url
        env.update(self.extra_env)
        return env


def _prefect() -> list[str]:
    """The `prefect` command of this environment."""
    return [sys.executable, "-m", "prefect"]


def _spawn(stack: Stack, name: str, command: list[str]) -> None:
    """Start `command` in the background, its own session, logging to `<name>.log`."""
    stack.run_dir.mkdir(parents=True, exist_ok=True)
    log = (stack.run_dir / f"{name}.log").open("ab")
    process = subprocess.Popen(
        command,
        cwd=stack.project,
        env=stack.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    record = {"pid": process.pid, "started": _started(process.pid), "command": command}
    (stack.run_dir / f"{name}.pid").write_text(json.dumps(record))


def _started(pid: int) -> int | None:
    """When process `pid` started (clock ticks after boot), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def _command(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.decode("utf-8", "replace").split("\0")[:-1]


def _recorded(pid_file: Path) -> int | None:
    """The pid a pid file names, if that process is still the one started: same start
    time and command line (a stale file may name a pid reused by anything)."""
    try:
        record = json.loads(pid_file.read_text())
        pid, started, command = int(record["pid"]), record["started"], list(record["command"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if started is None or _started(pid) != started or _command(pid) != command:
        return None
    return pid


def _run(stack: Stack, *args: str) -> None:
    result = subprocess.run(
        [*_prefect(), *args], cwd=stack.project, env=stack.env(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise StackError(f"`prefect {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")


def _wait_healthy(stack: Stack, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{stack.api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise StackError(
        f"the Prefect server did not answer on {stack.api_url} within {timeout:.0f} s: "
        f"see {stack.run_dir / 'server.log'}"
    )


def start(stack: Stack, timeout: float = 180.0) -> None:
    """Start the server, create the pool, deploy prefect.yaml, start a worker (and the
    review site's web server); stop whatever started if a part fails."""
    try:
        server = ["server", "start", "--host", "127.0.0.1", "--port", str(stack.port)]
        _spawn(stack, "server", [*_prefect(), *server])
        _wait_healthy(stack, timeout)
        _run(stack, "work-pool", "create", POOL, "--type", "process", "--overwrite")
        _run(stack, "--no-prompt", "deploy", "--all")
        _spawn(stack, "worker", [*_prefect(), "worker", "start", "--pool", POOL])
        if stack.out_dir is not None:
            stack.out_dir.mkdir(parents=True, exist_ok=True)
            site = ["http.server", str(stack.site_port), "--bind", "127.0.0.1"]
            _spawn(stack, "site", [sys.executable, "-m", *site, "--directory", str(stack.out_dir)])
    except BaseException:
        stop(stack)
        raise


def stop(stack: Stack, grace: float = 10.0) -> list[str]:
    """Stop what `start` started (the worker first); return the names stopped."""
    stopped = []
    for name in ("worker", "site", "server"):
        pid_file = stack.run_dir / f"{name}.pid"
        if not pid_file.exists():
            continue
        pid = _recorded(pid_file)
        pid_file.unlink()
        if pid is not None and _terminate(pid, grace):
            stopped.append(name)
    return stopped


def _terminate(pid: int, grace: float) -> bool:
    """TERM the process group (twice: a worker asks for it), then KILL it."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.3)
        if time.monotonic() > deadline - grace / 2:
            _signal(pid, signal.SIGTERM)
    _signal(pid, signal.SIGKILL)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of ours counts as gone
        finished, _ = os.waitpid(pid, os.WNOHANG)
        return finished == 0
    except ChildProcessError:
        return True


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
