"""`tthc serve` does not lie: on a taken port, or while a stack of the same home still
runs, it says so in one sentence and touches nothing; `stop` leaves no process of the
stack behind (flow runs in sessions of their own and orphans included). The last test
starts a real stack (a Prefect server, slow), hands a file in and stops it."""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from inputs.settings import PROJECT_ROOT, get_settings
from models.errors import StackError
from tests.conftest import minimal_procedure
from tthc import serve
from tthc.cli import app
from tthc.serve import MARK, PARTS, Stack, check, shut_down, start, stop

runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def held() -> Iterator[int]:
    """A port a plain socket listens on, in this process."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _stack(root: Path, port: int, site_port: int, **more: Any) -> Stack:
    more.setdefault("drafts_dir", root / "drafts")
    return Stack(
        project=PROJECT_ROOT,
        home=root / "prefect",
        port=port,
        site_port=site_port,
        out_dir=root / "out",
        **more,
    )


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _children() -> set[int]:
    """The processes this one started and that still exist."""
    found = set()
    for name in os.listdir("/proc"):
        process = serve._process(int(name)) if name.isdigit() else None
        if process is not None and process.ppid == os.getpid():
            found.add(process.pid)
    return found


def _running(pid: int, started: int) -> bool:
    process = serve._process(pid)
    return process is not None and process.started == started and not process.zombie


def _stale_first_stack(stack: Stack) -> None:
    """The pid files of a stack that ran before, whose processes are gone."""
    stack.run_dir.mkdir(parents=True)
    for name in PARTS:
        record = {"pid": 2**22 + 7, "started": 1, "command": ["gone"], "mark": "old#1"}
        (stack.run_dir / f"{name}.pid").write_text(json.dumps(record))


@pytest.mark.parametrize("busy", ["ui", "site"])
def test_a_taken_port_is_one_sentence_and_nothing_is_touched(
    tmp_path: Path, held: int, busy: str
) -> None:
    port, site_port = (held, _free_port()) if busy == "ui" else (_free_port(), held)
    stack = _stack(tmp_path, port, site_port)
    _stale_first_stack(stack)
    before, children = _files(tmp_path), _children()
    with pytest.raises(StackError) as error:
        start(stack)
    message = str(error.value)
    assert "\n" not in message
    part = "the Prefect server" if busy == "ui" else "the review site"
    assert message.startswith(f"port {held}, for {part}, is taken by process {os.getpid()} (`")
    assert "stop it, or choose other ports with TTHC_UI_PORT and TTHC_SITE_PORT" in message
    assert f"{'TTHC_UI_PORT' if busy == 'ui' else 'TTHC_SITE_PORT'}={held + 100} make serve" in (
        message
    )
    assert _files(tmp_path) == before  # the pid files as they were, no log, no folder
    assert not (tmp_path / "out").exists() and not (tmp_path / "drafts").exists()
    assert _children() == children  # nothing started


def test_tthc_serve_on_a_taken_port_says_one_line_and_starts_nothing(
    tmp_path: Path, held: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ports come from TTHC_UI_PORT and TTHC_SITE_PORT."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("TTHC_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("TTHC_UI_PORT", str(_free_port()))
    monkeypatch.setenv("TTHC_SITE_PORT", str(held))
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: port {held}, for the review site, is taken by process ")
    assert list(tmp_path.iterdir()) == []


def test_the_ports_default_to_4200_and_4201(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TTHC_UI_PORT", raising=False)
    monkeypatch.delenv("TTHC_SITE_PORT", raising=False)
    settings = get_settings()
    assert (settings.ui_port, settings.site_port) == (4200, 4201)


def test_one_port_for_both_is_refused(tmp_path: Path) -> None:
    port = _free_port()
    with pytest.raises(StackError, match=f"cannot share port {port}: .*TTHC_SITE_PORT"):
        check(_stack(tmp_path, port, port))


def test_a_port_that_cannot_be_bound_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port below 1024 for an ordinary user, say: the reason, and the way out."""

    def refused(port: int) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(serve, "_probe", refused)
    with pytest.raises(StackError) as error:
        check(_stack(tmp_path, 80, _free_port()))
    assert str(error.value) == (
        "port 80, for the Prefect server, cannot be used (Permission denied): choose other "
        "ports with TTHC_UI_PORT and TTHC_SITE_PORT (e.g. `TTHC_UI_PORT=180 make serve`)"
    )


def test_the_drafts_folder_is_one_the_flows_may_read(tmp_path: Path) -> None:
    inbox = json.dumps(["/srv/tthc/inbox"])
    stack = _stack(tmp_path, 1, 2, extra_env={"TTHC_INBOX_DIRS": inbox})
    folders = json.loads(stack.env()["TTHC_INBOX_DIRS"])
    assert folders == ["/srv/tthc/inbox", str(tmp_path / "drafts")]
    assert Stack(project=tmp_path, home=tmp_path, out_dir=tmp_path / "out").drafts == (
        tmp_path / "var" / "drafts"
    )


def test_a_drafts_folder_in_the_site_or_a_wrong_inbox_setting_is_refused(
    tmp_path: Path,
) -> None:
    inside = _stack(tmp_path, _free_port(), _free_port(), drafts_dir=tmp_path / "out" / "d")
    with pytest.raises(StackError, match="lies inside the output folder"):
        check(inside)
    wrong = _stack(tmp_path, _free_port(), _free_port(), extra_env={"TTHC_INBOX_DIRS": "/x"})
    with pytest.raises(StackError, match="TTHC_INBOX_DIRS is '/x', not a JSON list"):
        check(wrong)
    assert list(tmp_path.iterdir()) == []


def _spawn(stack: Stack, name: str, script: str) -> int:
    env = {**stack.env(), MARK: f"{stack.home}#test"}
    return serve._spawn(stack, name, [sys.executable, "-c", script], env).pid


SLEEPER = "import time; time.sleep(120)"


def test_a_running_stack_is_not_started_again(tmp_path: Path) -> None:
    stack = _stack(tmp_path, _free_port(), _free_port())
    pid = _spawn(stack, "server", SLEEPER)
    before, children = _files(tmp_path), _children()
    with pytest.raises(StackError) as error:
        start(stack)
    assert str(error.value) == (
        f"the stack of {stack.home} is already running (server pid {pid}): `make stop` "
        "first (or `tthc stop`), then start it again"
    )
    assert _files(tmp_path) == before and _children() == children
    assert [str(part) for part in shut_down(stack)] == [f"server (pid {pid})"]
    assert serve._process(pid) is None
    assert list(stack.run_dir.glob("*.pid")) == []
    assert stop(stack) == []


def test_a_stale_pid_file_is_no_stack(tmp_path: Path) -> None:
    stack = _stack(tmp_path, _free_port(), _free_port())
    _stale_first_stack(stack)
    check(stack)
    assert stop(stack) == []  # nothing signalled: the pid names no process of ours
    assert list(stack.run_dir.glob("*.pid")) == []


FAMILY = f"""
import subprocess, sys, time
sleeper = [sys.executable, "-c", {SLEEPER!r}]
subprocess.Popen(sleeper, start_new_session=True)  # a flow run: a session of its own
subprocess.Popen(sleeper)  # in the part's own session
orphan = "import subprocess, sys; subprocess.Popen(%r, start_new_session=True)" % (sleeper,)
subprocess.run([sys.executable, "-c", orphan])  # its parent is gone at once
print("ready", flush=True)
time.sleep(120)
"""


def _marked(mark: str) -> dict[int, int]:
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and serve._marked(int(name), mark):
            process = serve._process(int(name))
            if process is not None and not process.zombie:
                found[process.pid] = process.started
    return found


def test_stop_leaves_no_process_of_a_part_behind(tmp_path: Path) -> None:
    stack = _stack(tmp_path, _free_port(), _free_port())
    pid = _spawn(stack, "worker", FAMILY)
    deadline = time.monotonic() + 60
    while "ready" not in (stack.run_dir / "worker.log").read_text():
        assert time.monotonic() < deadline, (stack.run_dir / "worker.log").read_text()
        time.sleep(0.1)
    family = _marked(f"{stack.home}#test")
    assert len(family) == 4 and pid in family
    assert [str(part) for part in shut_down(stack, grace=5)] == [
        f"worker (pid {pid} and 2 processes it started)",
        "1 process",
    ]
    assert not any(_running(p, started) for p, started in family.items())


# --- a real stack ------------------------------------------------------------------


def _hand_in(stack: Stack, content: bytes) -> httpx.Response:
    files = {"file": ("thu-tuc.yaml", content, "application/x-yaml")}
    origin = stack.site_url.rstrip("/")
    return httpx.post(stack.upload_url, files=files, headers={"Origin": origin}, timeout=60)


def _final_state(stack: Stack, run_id: str, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()
        state = str(run["state"]["type"]) if run.get("state") else "PENDING"
        if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return state
        time.sleep(1)
    return "TIMED OUT"


@pytest.mark.prefect
def test_a_real_stack_takes_a_file_and_stops_entirely(tmp_path: Path) -> None:
    stack = _stack(
        tmp_path,
        _free_port(),
        _free_port(),
        extra_env={
            "TTHC_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
            "TTHC_INBOX_DIRS": json.dumps([str(tmp_path / "inbox")]),
        },
        worker_poll_seconds=1,
    )
    start(stack, timeout=240)
    try:
        records = {n: json.loads((stack.run_dir / f"{n}.pid").read_text()) for n in PARTS}
        assert json.loads(stack.env()["TTHC_INBOX_DIRS"]) == [
            str(tmp_path / "inbox"),
            str(tmp_path / "drafts"),
        ]
        with pytest.raises(StackError, match="already running"):
            start(stack)
        other = _stack(tmp_path / "other", stack.port, _free_port())
        with pytest.raises(StackError, match=f"port {stack.port}, .* is taken by process "):
            check(other)
        assert not (tmp_path / "other").exists()

        page = _hand_in(stack, yaml.safe_dump(minimal_procedure(), allow_unicode=True).encode())
        assert page.status_code == 200, page.text
        link = rf'href="{re.escape(stack.ui_url)}/v2/runs/flow-run/([0-9a-f-]{{36}})"'
        found = re.search(link, page.text)
        assert found is not None, page.text
        (draft,) = (tmp_path / "drafts").iterdir()
        assert _final_state(stack, found.group(1)) == "COMPLETED"
    finally:
        stopped = stop(stack)
    assert stopped[:3] == list(PARTS), stopped
    leaders = {int(r["pid"]): int(r["started"]) for r in records.values()}
    mark = str(records["server"]["mark"])
    assert not any(_running(pid, started) for pid, started in leaders.items())
    for name in os.listdir("/proc"):
        process = serve._process(int(name)) if name.isdigit() else None
        if process is not None and not process.zombie:
            assert process.sid not in leaders and process.pgid not in leaders, process
    assert _marked(mark) == {}
    assert list(stack.run_dir.glob("*.pid")) == []
    assert draft.exists()
