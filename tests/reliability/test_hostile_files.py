"""Bounded work on any file: nothing but regular files inside the folder is read, size
and nesting are checked before anything is built, a parse error does not echo the
file's lines, and a diagram Graphviz cannot draw in time becomes a notice, never a
stalled night."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.result import analyze
from diagrams import render as rendering
from diagrams.figures import MAX_DRAWN_STEPS, write_diagrams
from inputs.files import MAX_FILE_BYTES, find_procedure_files, load_procedure
from models.errors import DiagramNotDrawn, InvalidProcedure
from models.graph import to_graph
from models.procedure import MAX_STEPS, Procedure
from rules import RuleContext, get_rules
from tests.conftest import minimal_procedure, write_yaml


def _refusals(path: Path) -> list[str]:
    started = time.monotonic()
    with pytest.raises(InvalidProcedure) as refused:
        load_procedure(path)
    assert time.monotonic() - started < 10
    return [str(problem) for problem in refused.value.problems]


def _refusal(path: Path) -> str:
    (problem,) = _refusals(path)
    return problem


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "a: " + "[" * 500 + "]" * 500 + "\n"),
        ("deep.json", '{"a": ' + "[" * 1000 + "]" * 1000 + "}"),
        ("deep-map.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "x\n"),
    ],
)
def test_deep_nesting_is_refused_before_it_is_built(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert "levels deep" in _refusal(path)


def test_a_file_too_large_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)
    assert "larger than" in _refusal(path)


def test_fifos_devices_and_links_out_of_the_folder_are_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", "utf-8")
    (folder / "outside.yaml").symlink_to(secret)
    (folder / "ok.yaml").write_text("code: '1.0'\n", "utf-8")
    assert find_procedure_files([folder]) == [folder / "ok.yaml"]
    assert "not a regular file" in _refusal(folder / "fifo.yaml")
    assert "not a regular file" in _refusal(folder / "zero.yaml")


def test_a_parse_error_names_the_line_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text("first: [open\nsecret: top-secret-value\n", "utf-8")
    message = _refusal(path)
    assert "line 2" in message and "top-secret-value" not in message


def _chain(steps: int) -> Procedure:
    return Procedure.model_validate(_chain_document(steps))


def _chain_document(steps: int) -> dict[str, Any]:
    document = minimal_procedure()
    middle = [
        {"id": f"s{i}", "name": f"Bước {i}", "actor": "desk", "kind": "check", "hours": 1}
        for i in range(steps)
    ]
    first, *rest = document["steps"]
    document["steps"] = [first, *middle, *rest]
    ids = [step["id"] for step in document["steps"]]
    document["flows"] = [{"from": a, "to": b} for a, b in itertools.pairwise(ids)]
    return document


def test_a_procedure_of_thousands_of_steps_is_refused_at_validation(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "chain.yaml", _chain_document(5 * MAX_STEPS))
    steps, flows = _refusals(path)
    assert f"`steps`: List should have at most {MAX_STEPS} items" in steps
    assert f"`flows`: List should have at most {4 * MAX_STEPS} items" in flows


@pytest.mark.dot
def test_a_procedure_too_large_to_draw_gets_a_notice_at_once(tmp_path: Path) -> None:
    analysis = analyze(to_graph(_chain(MAX_DRAWN_STEPS + 1)), get_rules([]), RuleContext())
    started = time.monotonic()
    files = write_diagrams(tmp_path, analysis)
    assert time.monotonic() - started < 10
    assert "quá lớn để vẽ" in (tmp_path / files.before_svg).read_text("utf-8")
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.dot
def test_graphviz_that_does_not_finish_in_time_gives_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis = analyze(to_graph(_chain(30)), get_rules([]), RuleContext())
    real = rendering.render

    def slow(source: str, fmt: rendering.Format) -> bytes:
        if "quá lớn" in source:
            return real(source, fmt)
        raise DiagramNotDrawn(f"Graphviz did not finish within {rendering.RENDER_SECONDS:.0f} s")

    monkeypatch.setattr("diagrams.figures.render", slow)
    files = write_diagrams(tmp_path, analysis)
    assert "quá lớn để vẽ" in (tmp_path / files.after_svg).read_text("utf-8")


def test_tthc_turns_prefect_analytics_off_wherever_it_starts() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_SERVER_ANALYTICS_ENABLED"}
    script = (
        "import tthc.cli; from prefect.settings import get_current_settings;"
        "print(get_current_settings().server.analytics_enabled)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def _one_line_error(*args: str, environment: dict[str, str] | None = None) -> str:
    """Run `tthc ARGS` as an operator would; it must fail with one line and nothing else."""
    done = subprocess.run(
        [sys.executable, "-c", "from tthc.cli import app; app()", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert not done.stdout
    (line,) = done.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://postgres:secret@127.0.0.1:1/x", "cannot open the store"),
        ("foo://bar", "not a database URL"),
        ("sqlite:////proc/no/such/store.db", "cannot open the store"),
    ],
)
def test_a_store_that_cannot_be_opened_is_one_sentence(url: str, says: str) -> None:
    line = _one_line_error("list", environment={**os.environ, "TTHC_DATABASE_URL": url})
    assert line.startswith("error: ") and says in line and "secret" not in line


def test_an_output_folder_that_cannot_be_written_is_one_sentence(tmp_path: Path) -> None:
    procedure = tmp_path / "p.yaml"
    procedure.write_text(yaml.safe_dump(minimal_procedure()), "utf-8")
    line = _one_line_error("analyze", str(procedure), "--out", "/proc/tthc-cannot-write-here")
    assert line.startswith("error: cannot write the outputs under /proc/tthc-cannot-write-here")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"PATH": ""}, "error: Graphviz's `dot` was not found on PATH"),
        (
            {"TTHC_OUT_DIR": "/proc/tthc-out"},
            "error: cannot write the outputs under /proc/tthc-out",
        ),
        ({"TTHC_DATABASE_URL": "sqlite:////proc/no/store.db"}, "error: cannot open the store"),
    ],
)
def test_demo_checks_what_it_needs_before_prefect_starts(
    tmp_path: Path, change: dict[str, str], says: str
) -> None:
    """One sentence, no Prefect traceback before it, and no server started."""
    environment = {
        **os.environ,
        "TTHC_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "TTHC_OUT_DIR": str(tmp_path / "out"),
        **change,
    }
    line = _one_line_error("demo", environment=environment)
    assert line.startswith(says), line
