"""Scenarios never touch the official outputs: a run with only some rules, or with a data
source taken as connected, leaves every official file and UI page as it was and the next
nightly finds nothing to do; its own outputs exist apart, marked. Wrong input ends the
run with one Vietnamese sentence."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

import pytest
from prefect.artifacts import Artifact
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment

from analysis.scenario import scenario_of
from tthc.serve import Stack

pytestmark = [pytest.mark.prefect, pytest.mark.dot]

RUN_TIMEOUT = 300
CODE = "1.001193"


def _run(name: str, **parameters: Any) -> FlowRun:
    return cast(
        FlowRun, run_deployment(f"{name}/{name}", parameters=parameters, timeout=RUN_TIMEOUT)
    )


def _completed(name: str, **parameters: Any) -> FlowRun:
    run = _run(name, **parameters)
    assert run.state is not None and run.state.is_completed(), (name, run.state)
    return run


def _official_files(out: Path) -> dict[str, str]:
    """Every file under the output folder but the scenarios', with its digest."""
    return {
        str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.relative_to(out).parts[0] != "scenarios"
    }


def _artifact(key: str) -> Artifact:
    found = cast("Artifact | None", Artifact.get(key))
    assert found is not None, key
    return found


def test_scenarios_leave_the_official_outputs_and_the_nightly_alone(stack: Stack) -> None:
    out = stack.out_dir
    assert out is not None
    _completed("reengineer-procedure", codes=[CODE])
    _completed("nightly-reanalysis")
    official = _official_files(out)
    page = _artifact("procedure-1-001193")
    assert official and "index.html" in official

    _completed("reengineer-procedure", codes=[CODE], rules=["CH01"])
    _completed("reengineer-procedure", codes=[f" {CODE} "], connect=["land_db"])

    assert _official_files(out) == official
    assert _artifact("procedure-1-001193").data == page.data
    keys = [scenario_of(["CH01"], ()), scenario_of(None, ["land_db"])]
    scenarios = [out / s.folder / "index.html" for s in keys if s is not None]
    assert len(scenarios) == 2 and all(p.is_file() for p in scenarios)
    texts = [p.read_text("utf-8") for p in scenarios]
    assert any("chỉ áp dụng quy tắc CH01" in t for t in texts)
    assert any("kết nối" in t and "(land_db)" in t for t in texts)
    for folder in (p.parent for p in scenarios):
        for html in folder.rglob("*.html"):
            assert "Kịch bản giả định" in html.read_text("utf-8"), html
        assert list(folder.glob("diagrams/*-after.svg"))

    _completed("nightly-reanalysis")
    summary = str(_artifact("nightly-summary").data)
    assert "Phân tích lại **0**" in summary, summary
    # every night writes the plans afresh (a decision may have changed them; Word and
    # Excel stamp the time they were written): the rest stays byte for byte
    unplanned = {k: v for k, v in official.items() if not k.startswith("plans/")}
    after_night = _official_files(out)
    assert {k: v for k, v in after_night.items() if not k.startswith("plans/")} == unplanned
    assert set(after_night) == set(official)


@pytest.mark.parametrize(
    ("parameters", "sentence"),
    [
        ({"codes": ["9.999999"]}, "Không tìm thấy thủ tục 9.999999"),
        ({"codes": []}, "Chưa chọn thủ tục nào."),
        ({"codes": [None, "  "]}, "Chưa chọn thủ tục nào."),
        ({"codes": [CODE], "rules": ["CH01"], "review": True}, "Kịch bản giả định không"),
        ({"codes": ["9.999999"], "rules": ["CH01"]}, "Kịch bản giả định chỉ phân tích"),
    ],
)
def test_a_wrong_input_ends_the_run_with_one_sentence(
    stack: Stack, parameters: dict[str, Any], sentence: str
) -> None:
    run = _run("reengineer-procedure", **parameters)
    assert run.state is not None and run.state.is_failed()
    assert run.state.message is not None and run.state.message.startswith(sentence)
    assert "Traceback" not in run.state.message
    assert "Cách sửa" in str(_artifact("input-error").data)


def test_a_what_if_with_no_source_ends_with_one_sentence(stack: Stack) -> None:
    run = _run("whatif", connect=[])
    assert run.state is not None and run.state.is_failed()
    assert run.state.message == "Chưa chọn cơ sở dữ liệu nào để giả định kết nối."
    assert run.name == "whatif (chưa chọn CSDL)"
