"""A reviewer decides through the API of a real Prefect server: the run pauses with the
proposal's page above a form, refuses input that does not fit, and on a mixed
accept/reject resume stores the approved version; a second resume changes nothing; a
run nobody answers ends cleanly with the proposal awaiting review."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.exceptions import NotPausedError
from prefect.flow_runs import resume_flow_run
from sqlmodel import Session

from store.engine import make_engine
from store.queries import version_graph
from store.reviews import reviews_of
from tthc.serve import Stack

pytestmark = [pytest.mark.prefect, pytest.mark.dot]

DEPLOYMENT = "reengineer-procedure/reengineer-procedure"
WAIT_S = 300
CODE = "1.000656"  # death registration: a procedure no other flow test uses


def _start(**parameters: Any) -> UUID:
    run = cast(FlowRun, run_deployment(DEPLOYMENT, parameters=parameters, timeout=0))
    return run.id


def _wait(run_id: UUID, done: str) -> FlowRun:
    """Wait until the run is paused (`done="paused"`) or final."""
    deadline = time.monotonic() + WAIT_S
    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(run_id)
            state = run.state
            assert state is not None
            if (done == "paused" and state.is_paused()) or (done == "final" and state.is_final()):
                return run
            assert not state.is_final(), state
            assert time.monotonic() < deadline, f"not {done} after {WAIT_S} s: {state}"
            time.sleep(1)


def _form(run: FlowRun) -> tuple[dict[str, Any], str]:
    """The paused run's form schema and the page shown above it."""
    assert run.state is not None
    keys = run.state.state_details.run_input_keyset
    assert keys is not None
    with get_client(sync_client=True) as client:
        schema = json.loads(client.read_flow_run_input(run.id, keys["schema"]))
        page = json.loads(client.read_flow_run_input(run.id, keys["description"]))
    return schema, page


def test_a_reviewer_rejects_some_changes_and_the_approved_version_has_the_rest(
    stack: Stack, prefect_server: Path
) -> None:
    run_id = _start(codes=[CODE], review=True)
    schema, page = _form(_wait(run_id, "paused"))
    assert "data:image/svg+xml;base64," in page and "Rà soát đề xuất" in page
    fields = schema["properties"]
    assert "reviewer" in schema["required"]
    changes = {name: field["title"] for name, field in fields.items() if name.startswith("change_")}
    assert changes and '"enum": ["Đồng ý", "Không đồng ý"]' in json.dumps(
        schema, ensure_ascii=False
    )
    rejected = [name for name, title in changes.items() if ": " in title and "ST01" in title]
    assert rejected, changes

    for bad in ({name: "Không đồng ý" for name in changes}, {"reviewer": "A", "change_999": "x"}):
        with pytest.raises(RuntimeError, match="Cannot resume"):
            resume_flow_run(run_id, run_input=bad)
    assert _wait(run_id, "paused")  # still waiting

    answer: dict[str, Any] = {"reviewer": "Lê Văn C", "comment": "Giữ bước chuyển hồ sơ"}
    for name in rejected:
        answer[name] = "Không đồng ý"
        answer[name.replace("change_", "reason_")] = "Cần ký nhận khi chuyển"
    resume_flow_run(run_id, run_input=answer)
    final = _wait(run_id, "final")
    assert final.state is not None and final.state.is_completed(), final.state
    with pytest.raises(NotPausedError):
        resume_flow_run(run_id, run_input=answer)

    with Session(make_engine(f"sqlite:///{prefect_server}")) as session:
        (review,) = reviews_of(session, CODE)
        approved = version_graph(session, CODE, review.approved_version_id)
    assert (review.reviewer, review.comment) == ("Lê Văn C", "Giữ bước chuyển hồ sơ")
    verdicts = [d for d in review.decisions if d["verdict"] == "reject"]
    assert {d["rule"] for d in verdicts} == {"ST01"} and len(verdicts) == len(rejected)
    assert all(d["reason"] == "Cần ký nhận khi chuyển" for d in verdicts)
    assert approved is not None
    steps = {step["id"] for step in approved["steps"]}
    assert all(set(d["steps"]) <= steps for d in verdicts)  # the rejected removals stay
    assert stack.out_dir is not None
    assert (stack.out_dir / "approved" / "diagrams" / f"{CODE}-after.svg").is_file()
    diff = cast("Artifact | None", Artifact.get(f"diff-procedure-{CODE.replace('.', '-')}"))
    assert diff is not None and "thủ tục được duyệt so với hiện trạng" in str(diff.data)
    assert "«trực tiếp» → «trực tuyến»" in str(diff.data)
    site = (stack.out_dir / "procedures" / f"{CODE}.html").read_text("utf-8")
    assert "Đã rà soát: Lê Văn C" in site
    assert site.count("Không đồng ý: Cần ký nhận khi chuyển") == len(rejected)
    assert "Khác biệt so với hiện trạng (thủ tục được duyệt)" in site
    assert "«trực tiếp» → «trực tuyến»" in site


def test_a_run_nobody_answers_ends_cleanly_awaiting_review(
    stack: Stack, prefect_server: Path
) -> None:
    run_id = _start(codes=["1.000894"], review=True, review_wait_hours=0.004)
    _wait(run_id, "paused")
    final = _wait(run_id, "final")
    assert final.state is not None and final.state.is_completed(), final.state
    with Session(make_engine(f"sqlite:///{prefect_server}")) as session:
        assert reviews_of(session, "1.000894") == []
    assert stack.out_dir is not None
    site = (stack.out_dir / "procedures" / "1.000894.html").read_text("utf-8")
    assert "Chờ rà soát." in site
    assert "Khác biệt so với hiện trạng (đề xuất)" in site and "Bỏ bước" in site
