"""Everything an analyst needs on one machine: a Prefect server, the process work
pool, the deployments of prefect.yaml, a worker, and the review site's web server
(`tthc.site_server`: the site and its upload page). `make serve` starts it (`tthc
serve`), `make stop` stops it; the tests start their own on other ports.

`start` touches nothing while a stack of the same home still runs or a port is taken
(it says which program holds it); once the server answers, it checks that the process
listening is the one it started, so it never deploys into someone else's server.

Each part runs in its own session and is recorded in a pid file under
`<prefect home>/serve/` with its start time, its command line and the stack's mark (an
environment variable every process of the stack inherits, flow runs included). `stop`
finds them from another shell, signals a process only while it is still the one
started, and stops the part's whole family: its session, its descendants (a flow run
runs in a session of its own) and any process left bearing the mark.

The server is closed to web pages: CSRF protection is on (a page cannot post without a
token it cannot read) and CORS admits only the UI's own origin. Basic authentication
comes from PREFECT_SERVER_API_AUTH_STRING and PREFECT_API_AUTH_STRING in the
environment (README.md).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import StackError

__all__ = [
    "MARK",
    "PARTS",
    "POOL",
    "SHARDS",
    "Stack",
    "Stopped",
    "check",
    "shut_down",
    "start",
    "stop",
]

POOL = "tthc-local"
"""The process work pool the deployments of prefect.yaml run on."""
SHARDS = "shards"
"""The pool's work queue of the nightly's shards (prefect.yaml's `nightly-shard`)."""
PARTS = ("worker", "site", "server")
"""The parts of a stack, each with a pid file, in the order `stop` stops them."""
MARK = "TTHC_SERVE_STACK"
"""The environment variable that marks every process of one started stack."""


@dataclass(frozen=True)
class Stack:
    """Where the local stack lives and listens."""

    project: Path
    home: Path
    """PREFECT_HOME: the server's database, the logs and the pid files."""
    port: int = 4200
    """The Prefect server's and its UI's (TTHC_UI_PORT for `tthc serve`)."""
    site_port: int = 4201
    """The review site's (TTHC_SITE_PORT for `tthc serve`)."""
    out_dir: Path | None = None
    """The review site served on `site_port`; none when None."""
    drafts_dir: Path | None = None
    """Where the upload page saves the files handed in (default `<project>/var/drafts`);
    the worker may read it: it joins TTHC_INBOX_DIRS."""
    extra_env: Mapping[str, str] = field(default_factory=dict)
    """More environment for the server and the worker (e.g. TTHC_* settings)."""
    worker_poll_seconds: int = 1
    """How often the worker asks for runs: a run started from the UI waits for it."""
    heartbeat_seconds: int = 30
    """How often a flow run says it is alive; one silent for three periods is marked
    Crashed (`flows.crashes`), and a crashed nightly shard is submitted again."""
    shards_at_once: int = 1
    """The `shards` work queue's limit: nightly shards running at once over the pool."""

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
    def upload_url(self) -> str:
        """The page where an analyst hands in a procedure file."""
        return f"{self.site_url}upload"

    @property
    def drafts(self) -> Path:
        """The folder the upload page saves to."""
        return self.project / (self.drafts_dir or Path("var") / "drafts")

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
                "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(self.heartbeat_seconds),
                "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "true",
                "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": ",".join(self.ui_origins),
            }
        )
        if self.out_dir is not None:
            env["TTHC_OUT_DIR"] = str(self.out_dir)
            env["TTHC_SITE_URL"] = self.site_url
        env.update(self.extra_env)
        if self.out_dir is not None:
            env["TTHC_INBOX_DIRS"] = _with_folder(env.get("TTHC_INBOX_DIRS"), self.drafts)
        return env


def _with_folder(value: str | None, folder: Path) -> str:
    """TTHC_INBOX_DIRS (a JSON list) with `folder` added."""
    try:
        folders = json.loads(value) if value else []
    except ValueError:
        folders = None
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        raise StackError(
            f"TTHC_INBOX_DIRS is {value!r}, not a JSON list of folders: write it as "
            "'[\"/srv/tthc/inbox\"]', then start again"
        )
    if str(folder) not in folders:
        folders.append(str(folder))
    return json.dumps(folders)


# --- what runs: /proc --------------------------------------------------------------


@dataclass(frozen=True)
class _Process:
    pid: int
    ppid: int
    pgid: int
    sid: int
    started: int
    """Clock ticks after boot: with the pid, names the process (pids are reused)."""
    zombie: bool


def _process(pid: int) -> _Process | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    ppid, pgid, sid, started = (int(fields[i]) for i in (1, 2, 3, 19))
    return _Process(pid, ppid, pgid, sid, started, fields[0] in ("Z", "X"))


def _processes() -> dict[int, _Process]:
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (process := _process(int(name))) is not None:
            found[process.pid] = process
    return found


def _started(pid: int) -> int | None:
    """When process `pid` started (clock ticks after boot), or None if it is gone."""
    process = _process(pid)
    return None if process is None else process.started


def _command(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.decode("utf-8", "replace").split("\0")[:-1]


def _marked(pid: int, mark: str) -> bool:
    """Whether process `pid` bears the stack's mark in its environment."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False
    return f"{MARK}={mark}".encode() in environ.split(b"\0")


def _listeners(port: int) -> set[int]:
    """The processes listening on TCP `port` (any address), as far as /proc tells."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            listening = len(fields) > 9 and fields[3] == "0A" and fields[9] != "0"
            if listening and int(fields[1].rsplit(":", 1)[1], 16) == port:
                sockets.add(f"socket:[{fields[9]}]")
    owners: set[int] = set()
    if not sockets:
        return owners
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{name}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{name}/fd/{fd}") in sockets:
                        owners.add(int(name))
                        break
    return owners


def _holder(port: int) -> str:
    """Who listens on `port`, in words: a pid and its command line where /proc tells."""
    for pid in sorted(_listeners(port)):
        command = _command(pid)
        if command:
            text = " ".join(command)
            text = text if len(text) <= 80 else text[:79] + "…"
            return f"process {pid} (`{text}`)"
    return "another program"


# --- the pid files -----------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """What a pid file says of the process `start` started."""

    pid: int
    started: int | None
    command: list[str]
    mark: str | None

    def is_alive(self) -> bool:
        """Whether the pid is still that process: same start time and command line (a
        stale file may name a pid reused by anything)."""
        started = _started(self.pid)
        same = started is not None and started == self.started
        return same and _command(self.pid) == self.command


def _record(pid_file: Path) -> _Record | None:
    try:
        raw = json.loads(pid_file.read_text())
        started = raw["started"]
        mark = raw.get("mark")
        return _Record(
            int(raw["pid"]),
            None if started is None else int(started),
            [str(part) for part in raw["command"]],
            None if mark is None else str(mark),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _running(stack: Stack) -> dict[str, int]:
    """The parts of the stack whose recorded process still runs, with their pids."""
    running = {}
    for name in PARTS:
        record = _record(stack.run_dir / f"{name}.pid")
        if record is not None and record.is_alive():
            running[name] = record.pid
    return running


# --- start -------------------------------------------------------------------------


def check(stack: Stack) -> None:
    """Refuse, touching nothing, to start a stack while one of this home still runs or
    while a port it needs is taken."""
    running = _running(stack)
    if running:
        parts = ", ".join(f"{name} pid {pid}" for name, pid in running.items())
        raise StackError(
            f"the stack of {stack.home} is already running ({parts}): `make stop` first "
            "(or `tthc stop`), then start it again"
        )
    ports = [(stack.port, "the Prefect server", "TTHC_UI_PORT")]
    if stack.out_dir is not None:
        if stack.site_port == stack.port:
            raise StackError(
                f"the Prefect server and the review site cannot share port {stack.port}: "
                "choose another port for the site with TTHC_SITE_PORT"
            )
        ports.append((stack.site_port, "the review site", "TTHC_SITE_PORT"))
        if stack.drafts.resolve().is_relative_to(stack.out_dir.resolve()):
            raise StackError(
                f"the drafts folder {stack.drafts} lies inside the output folder "
                f"{stack.out_dir}, which the site serves: choose a folder outside it"
            )
    for port, part, setting in ports:
        other = port + 100 if port + 100 <= 65535 else port - 100
        example = f"(e.g. `{setting}={other} make serve`)"
        try:
            _probe(port)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise StackError(
                    f"port {port}, for {part}, cannot be used ({error.strerror or error}): "
                    f"choose other ports with TTHC_UI_PORT and TTHC_SITE_PORT {example}"
                ) from error
            raise StackError(
                f"port {port}, for {part}, is taken by {_holder(port)}: stop it, or choose "
                f"other ports with TTHC_UI_PORT and TTHC_SITE_PORT {example}"
            ) from error
    stack.env()  # a TTHC_INBOX_DIRS that is not a list is said now


def _probe(port: int) -> None:
    """Bind `port` on 127.0.0.1 and let it go, as the servers will bind it (reusing an
    address in TIME_WAIT, never one a program listens on); raise OSError if taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def _prefect() -> list[str]:
    """The `prefect` command of this environment."""
    return [sys.executable, "-m", "prefect"]


def _spawn(
    stack: Stack, name: str, command: list[str], env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start `command` in the background, its own session, logging to `<name>.log`, with
    `env` (default: the stack's)."""
    env = stack.env() if env is None else env
    stack.run_dir.mkdir(parents=True, exist_ok=True)
    with (stack.run_dir / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=stack.project,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    record = {
        "pid": process.pid,
        "started": _started(process.pid),
        "command": command,
        "mark": env.get(MARK),
    }
    (stack.run_dir / f"{name}.pid").write_text(json.dumps(record))
    return process


def _run(stack: Stack, env: Mapping[str, str], *args: str, command: str = "prefect") -> None:
    """Run `prefect *args` (or `python -m *args` for another `command`) to completion."""
    program = _prefect() if command == "prefect" else [sys.executable, "-m"]
    result = subprocess.run(
        [*program, *args],
        cwd=stack.project,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise StackError(f"`{command} {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")


def _wait_healthy(stack: Stack, server: subprocess.Popen[bytes], timeout: float) -> None:
    log = stack.run_dir / "server.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise StackError(
                f"the Prefect server stopped while starting (exit code {server.returncode}): "
                f"see {log}"
            )
        health = f"{stack.api_url}/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise StackError(
        f"the Prefect server did not answer on {stack.api_url} within {timeout:.0f} s: see {log}"
    )


def _ours(port: int, process: subprocess.Popen[bytes]) -> bool | None:
    """Whether `process` (or its family) is what listens on `port`: None while nothing
    listens, False when another program does."""
    listeners = _listeners(port)
    if not listeners:
        return None
    return process.poll() is None and listeners <= set(_family(process.pid, None, _processes()))


def _require_ours(port: int, process: subprocess.Popen[bytes], part: str, log: Path) -> None:
    if not _ours(port, process):
        raise StackError(
            f"{part} started here is not what answers on port {port} "
            f"({_holder(port)} is): stop that program, then start again (see {log})"
        )


def _wait_listening(
    port: int, process: subprocess.Popen[bytes], part: str, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(
                f"{part} stopped while starting (exit code {process.returncode}): see {log}"
            )
        ours = _ours(port, process)
        if ours is not None:
            _require_ours(port, process, part, log)
            return
        time.sleep(0.2)
    raise StackError(f"{part} did not listen on port {port} within {timeout:.0f} s: see {log}")


def start(stack: Stack, timeout: float = 180.0) -> None:
    """Start the server, create the pool, deploy prefect.yaml, start a worker and the
    review site's web server; refuse first (`check`) if a stack of this home runs or a
    port is taken; stop whatever started if a part fails."""
    check(stack)
    env = {**stack.env(), MARK: f"{stack.home}#{secrets.token_hex(8)}"}
    try:
        server = ["server", "start", "--host", "127.0.0.1", "--port", str(stack.port)]
        process = _spawn(stack, "server", [*_prefect(), *server], env)
        _wait_healthy(stack, process, timeout)
        _require_ours(stack.port, process, "the Prefect server", stack.run_dir / "server.log")
        _run(stack, env, "work-pool", "create", POOL, "--type", "process", "--overwrite")
        _run(stack, env, "--no-prompt", "deploy", "--all")
        _run(stack, env, "flows.forms", command="python")  # the forms' Vietnamese titles
        _run(stack, env, "flows.crashes", command="python")  # dead runs marked Crashed
        limit = ("work-queue", "set-concurrency-limit", SHARDS, str(stack.shards_at_once))
        _run(stack, env, *limit, "--pool", POOL)
        _spawn(stack, "worker", [*_prefect(), "worker", "start", "--pool", POOL], env)
        if stack.out_dir is not None:
            stack.out_dir.mkdir(parents=True, exist_ok=True)
            site = [
                *("-m", "tthc.site_server", "--port", str(stack.site_port)),
                *("--out-dir", str(stack.out_dir), "--drafts-dir", str(stack.drafts)),
                *("--ui-url", stack.ui_url),
            ]
            process = _spawn(stack, "site", [sys.executable, *site], env)
            log = stack.run_dir / "site.log"
            _wait_listening(stack.site_port, process, "the review site", log, 60)
    except BaseException:
        stop(stack)
        raise


# --- stop --------------------------------------------------------------------------


def _family(pid: int, started: int | None, processes: Mapping[int, _Process]) -> dict[int, int]:
    """The processes of the session (or group) `pid` leads, started no earlier than it,
    and all their descendants, whatever their session: pid → start time."""
    leader = processes.get(pid)
    if leader is not None and started is not None and leader.started != started:
        return {}  # the pid names another process now: its session is not ours
    roots = [
        p.pid
        for p in processes.values()
        if (p.sid == pid or p.pgid == pid) and (started is None or p.started >= started)
    ]
    return _descendants(roots, processes)


def _descendants(roots: Iterable[int], processes: Mapping[int, _Process]) -> dict[int, int]:
    children: dict[int, list[int]] = {}
    for p in processes.values():
        children.setdefault(p.ppid, []).append(p.pid)
    found: dict[int, int] = {}
    pending = list(roots)
    while pending:
        pid = pending.pop()
        if pid in found or pid == os.getpid():
            continue
        found[pid] = processes[pid].started
        pending += children.get(pid, [])
    return {pid: started for pid, started in found.items() if not processes[pid].zombie}


@dataclass(frozen=True)
class Stopped:
    """A part `shut_down` stopped, or ("other") the processes left bearing the mark."""

    part: str
    pid: int | None
    """The process `start` started, if it was still running."""
    others: int
    """The other processes of its family: its session, its descendants (flow runs)."""

    def __str__(self) -> str:
        more = f"{self.others} process{'es' if self.others > 1 else ''}"
        if self.pid is None:
            return more if self.part == "other" else f"{self.part} ({more} left)"
        return f"{self.part} (pid {self.pid}{f' and {more} it started' if self.others else ''})"


def stop(stack: Stack, grace: float = 10.0) -> list[str]:
    """Stop what `start` started (`shut_down`); return the names of the parts stopped
    ("other" for processes left bearing the stack's mark)."""
    return [stopped.part for stopped in shut_down(stack, grace)]


def shut_down(stack: Stack, grace: float = 10.0) -> list[Stopped]:
    """Stop what `start` started, the worker first (with its flow runs), then the site,
    then the server, and any process still bearing the stack's mark; return what was
    stopped. Afterwards no process of the stack runs, and no pid file is left."""
    stopped = []
    marks = set()
    for name in PARTS:
        pid_file = stack.run_dir / f"{name}.pid"
        record = _record(pid_file)
        if record is not None:
            if record.mark:
                marks.add(record.mark)
            if record.started is not None:
                members = _family(record.pid, record.started, _processes())
                if members:
                    _terminate(members, grace)
                    pid = record.pid if record.pid in members else None
                    stopped.append(Stopped(name, pid, len(members) - (pid is not None)))
        pid_file.unlink(missing_ok=True)
    if marks:
        processes = _processes()
        marked = [pid for pid in processes if any(_marked(pid, mark) for mark in marks)]
        left = _descendants(marked, processes)
        if left:
            _terminate(left, grace)
            stopped.append(Stopped("other", None, len(left)))
    return stopped


def _terminate(members: Mapping[int, int], grace: float) -> None:
    """TERM the processes (twice: a worker asks for it), then KILL what is left."""
    _send(members, signal.SIGTERM)
    deadline = time.monotonic() + grace
    again: float | None = time.monotonic() + grace / 2
    while left := _alive(members):
        now = time.monotonic()
        if now >= deadline:
            _send(left, signal.SIGKILL)
            end = now + 5
            while _alive(left) and time.monotonic() < end:
                time.sleep(0.1)
            return
        if again is not None and now >= again:
            _send(left, signal.SIGTERM)
            again = None
        time.sleep(0.2)


def _alive(members: Mapping[int, int]) -> dict[int, int]:
    """Those of `members` still running (a zombie child of ours is reaped: gone)."""
    left = {}
    for pid, started in members.items():
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        process = _process(pid)
        if process is not None and process.started == started and not process.zombie:
            left[pid] = started
    return left


def _send(members: Mapping[int, int], sig: signal.Signals) -> None:
    for pid in _alive(members):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
