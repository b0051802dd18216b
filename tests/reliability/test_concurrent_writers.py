"""Writers take turns (issue 13): imports of the same folder at once store each version
once and say so, without a traceback; a second nightly waits for the first; a writer
that waits too long stops with one sentence and stores nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from sqlmodel import Session, func, select

from models.errors import StoreBusy
from store.engine import make_engine
from store.locks import exclusive_run, take_turn
from store.tables import ProcedureVersion
from tests.conftest import CATALOG

ESSENTIAL = CATALOG / "essential"


def _tthc(*args: str, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from tthc.cli import app; app()", *args],
        env={**os.environ, "TTHC_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_three_imports_of_one_folder_at_once_store_each_version_once(database_url: str) -> None:
    make_engine(database_url).dispose()  # the schema, so that the imports race on rows
    runs = [_tthc("import", str(ESSENTIAL), url=database_url) for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], [err for _, err in outputs]
    assert all(err == "" for _, err in outputs)
    reported_new = sum(out.count(": new version") for out, _ in outputs)
    assert reported_new == 25  # each version reported new by exactly one import
    assert all(out.count("\n") == 25 for out, _ in outputs)
    with Session(make_engine(database_url)) as session:
        assert session.exec(select(func.count()).select_from(ProcedureVersion)).one() == 25


def test_a_writer_that_waits_too_long_stops_in_one_sentence(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as first, Session(engine) as second:
        take_turn(first)
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="nothing was stored"):
            take_turn(second, wait_seconds=1)
        assert 0.9 < time.monotonic() - started < 30
        second.rollback()
        first.commit()
        take_turn(second, wait_seconds=1)  # free again once the first has committed
    engine.dispose()


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from store.engine import make_engine
    from store.locks import exclusive_run
    with exclusive_run(make_engine(sys.argv[1]), "nightly"):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _holder(url: str, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, url, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    return holder


def test_a_second_nightly_waits_for_the_first_to_finish(database_url: str) -> None:
    engine = make_engine(database_url)
    holder = _holder(database_url, 2)
    waited: list[bool] = []
    started = time.monotonic()
    with exclusive_run(engine, "nightly", wait_seconds=60, on_wait=lambda: waited.append(True)):
        assert time.monotonic() - started > 1.5  # not before the first let go
    assert waited == [True]
    assert holder.wait(timeout=30) == 0
    with pytest.raises(StoreBusy, match="another nightly run"):
        holder = _holder(database_url, 60)
        try:
            with exclusive_run(engine, "nightly", wait_seconds=0.5):
                pass
        finally:
            holder.kill()
            holder.wait()
    engine.dispose()


def test_a_nightly_killed_with_minus_nine_leaves_no_lock_behind(database_url: str) -> None:
    engine = make_engine(database_url)
    holder = _holder(database_url, 600)
    holder.kill()
    holder.wait()
    with exclusive_run(engine, "nightly", wait_seconds=10):
        pass
    engine.dispose()
