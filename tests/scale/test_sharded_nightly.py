"""A national nightly on a pool of two workers, one of whose machines dies mid-shard.

The Prefect server and the store are on PostgreSQL; two worker processes poll the
pool; the nightly run (started as the schedule starts it) cuts the night into
shards, and one worker is killed with SIGKILL, with everything it started, while a
shard of its own is half stored. The night must complete, every procedure analysed
exactly once, the summary's counts right, and no half-written output left.
"""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func
from sqlmodel import Session, col, select

from store.engine import make_engine
from store.tables import Analysis, NightWork
from tests.scale.cluster import (
    Cluster,
    cluster,
    descendants,
    fill_store,
    flow_run_of,
    kill_machine,
)

pytestmark = [pytest.mark.prefect, pytest.mark.postgres, pytest.mark.dot]

PROCEDURES = 2000
SHARD = 250
BATCH = 50
NIGHT_TIMEOUT = 900.0


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Any:
    postgres = os.environ.get("TTHC_TEST_POSTGRES_URL")
    if not postgres:
        pytest.skip("TTHC_TEST_POSTGRES_URL is not set (CI sets it to the local server)")
    root = tmp_path_factory.mktemp("pool")
    with cluster(root, postgres, workers=2, shards_at_once=2, analysis_processes=1) as running:
        fill_store(running.store_url, PROCEDURES)
        with temporary_settings({PREFECT_API_URL: running.stack.api_url}):
            yield running


def _children(parent: UUID) -> list[FlowRun]:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent])
            ),
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["nightly-shard"])),
        )


def _run(run: UUID) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run)


def _stored(url: str, versions: list[int]) -> int:
    with Session(make_engine(url)) as session:
        found = session.exec(
            select(func.count()).where(col(Analysis.before_version_id).in_(versions))
        ).one()
    return int(found)


def _kill_mid_shard(pool: Cluster, parent: UUID) -> tuple[str, int]:
    """Wait until a worker that does not run the nightly itself runs a shard that has
    stored part of its work; kill that worker's machine. Return the shard's run name and
    what it had stored."""
    deadline = time.monotonic() + NIGHT_TIMEOUT
    while time.monotonic() < deadline:
        for worker in pool.worker_pids():
            runs = {flow_run_of(pid) for pid in descendants(worker)} - {None}
            if str(parent) in runs:
                continue
            for run_id in runs:
                run = _run(UUID(cast(str, run_id)))
                if run.state is None or run.state.type != StateType.RUNNING:
                    continue
                versions = [item[0] for item in run.parameters["work"]]
                stored = _stored(pool.store_url, versions)
                if BATCH <= stored <= len(versions) - BATCH:
                    kill_machine(worker)
                    return run.name, stored
        time.sleep(0.2)
    raise AssertionError("no shard was caught half done")


def test_a_night_survives_a_worker_killed_mid_shard(pool: Cluster) -> None:
    parameters = {
        "shard_size": SHARD,
        "batch_size": BATCH,
        "output": {"diagrams": True, "review_site": True, "artifacts": False},
    }
    started = cast(
        FlowRun,
        run_deployment("nightly-reanalysis/nightly-reanalysis", parameters=parameters, timeout=0),
    )
    killed, half = _kill_mid_shard(pool, started.id)
    deadline = time.monotonic() + NIGHT_TIMEOUT
    night = _run(started.id)
    while not (night.state and night.state.is_final()) and time.monotonic() < deadline:
        time.sleep(2)
        night = _run(started.id)
    assert night.state is not None and night.state.is_completed(), night.state

    # the killed machine's shards crashed (no heartbeat) and ran again to completion
    shards = _children(started.id)
    names = {s.name for s in shards}
    assert len(names) == PROCEDURES // SHARD
    crashed = {s.name for s in shards if s.state and s.state.type == StateType.CRASHED}
    assert killed in crashed
    for name in names:
        runs = [s for s in shards if s.name == name]
        completed = [s for s in runs if s.state and s.state.is_completed()]
        assert len(completed) == 1, [(s.name, s.state) for s in runs]
        assert len(runs) == (2 if name in crashed else 1), [(s.name, s.state) for s in runs]

    # every procedure analysed exactly once, every analysis credited to this night
    with Session(make_engine(pool.store_url)) as session:
        analyses = session.exec(select(Analysis.before_version_id)).all()
        credited = session.exec(select(NightWork.night)).all()
    assert len(analyses) == len(set(analyses)) == PROCEDURES
    assert credited == [str(started.id)] * PROCEDURES

    # the summary counts the crashed attempt's work once, as the night's own
    summary = cast("Artifact | None", Artifact.get("nightly-summary"))
    assert summary is not None
    text = str(summary.data)
    assert "Phân tích lại **2.000** thủ tục" in text, text[:400]
    assert "lần chạy khác" not in text and "chưa được phân tích" not in text
    assert 0 < half < SHARD

    # no partial output: every diagram whole, no temporary file left, a page each
    out = pool.stack.out_dir
    assert out is not None
    diagrams = out / "diagrams"
    assert not list(diagrams.glob(".*")), "a half-written diagram was left"
    svgs = sorted(diagrams.glob("*.svg"))
    assert len(svgs) == 2 * PROCEDURES
    for svg in svgs:
        ET.parse(svg)  # whole XML
        assert svg.with_suffix(".dot").is_file()  # written last, once the image was
    pages = list((out / "procedures").glob("*.html"))
    assert len(pages) == PROCEDURES
    assert Path(out / "index.html").is_file()
