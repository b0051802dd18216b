"""`make stop` signals only what `tthc serve` started (issue 13): a stale pid file that
names a pid now used by another process, or a file in the old format, signals nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from inputs.settings import PROJECT_ROOT
from tthc.serve import Stack, _spawn, stop

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _stack(tmp_path: Path) -> Stack:
    return Stack(project=PROJECT_ROOT, home=tmp_path)


def test_stop_ends_what_serve_started(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    _spawn(stack, "site", SLEEPER)
    pid = json.loads((stack.run_dir / "site.pid").read_text())["pid"]
    assert stop(stack, grace=5) == ["site"]
    assert not (stack.run_dir / "site.pid").exists()
    assert not Path(f"/proc/{pid}").exists()


def test_a_stale_pid_file_signals_nothing(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    stack.run_dir.mkdir(parents=True)
    bystander = subprocess.Popen(SLEEPER, start_new_session=True)
    try:
        records = {
            "server": {"pid": bystander.pid, "started": 1, "command": SLEEPER},  # pid reused
            "worker": {"pid": bystander.pid, "started": None, "command": ["prefect"]},
        }
        for name, record in records.items():
            (stack.run_dir / f"{name}.pid").write_text(json.dumps(record))
        (stack.run_dir / "site.pid").write_text(str(bystander.pid))  # the old format
        assert stop(stack, grace=2) == []
        assert bystander.poll() is None
        assert not list(stack.run_dir.glob("*.pid"))
    finally:
        bystander.kill()
        bystander.wait()
