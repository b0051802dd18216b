"""The deployments of prefect.yaml on a real server, their runs picked up by a real
worker: the form, the schedule, the artifacts, and the incremental nightly run."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.client.schemas.responses import DeploymentResponse
from prefect.deployments import run_deployment
from sqlmodel import Session, col, select

from inputs.settings import PROJECT_ROOT
from rules import CATALOGUE
from store.engine import make_engine
from store.tables import Analysis, ProcedureRecord
from tests.conftest import CATALOG
from tthc.serve import Stack

pytestmark = [pytest.mark.prefect, pytest.mark.dot]

RUN_TIMEOUT = 300


def _deployment(name: str) -> DeploymentResponse:
    with get_client(sync_client=True) as client:
        return client.read_deployment_by_name(f"{name}/{name}")


def _run(name: str, **parameters: Any) -> None:
    """Start a run through the API as the UI's Run button does; wait for the worker."""
    run = cast(
        FlowRun, run_deployment(f"{name}/{name}", parameters=parameters, timeout=RUN_TIMEOUT)
    )
    assert run.state is not None and run.state.is_completed(), (name, run.state)


def _artifact(key: str) -> tuple[str, str]:
    """The type and the content of the latest artifact with `key`."""
    found = cast("Artifact | None", Artifact.get(key))
    assert found is not None, key
    return str(found.type), str(found.data)


def _analyses(store: Path) -> list[str]:
    """The codes of the stored analyses, oldest first."""
    with Session(make_engine(f"sqlite:///{store}")) as session:
        rows = session.exec(
            select(ProcedureRecord.code)
            .join(Analysis, col(Analysis.procedure_id) == col(ProcedureRecord.id))
            .order_by(col(Analysis.id))
        ).all()
    return list(rows)


def test_every_deployment_of_prefect_yaml_is_deployed(stack: Stack) -> None:
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text("utf-8"))
    with get_client(sync_client=True) as client:
        deployed = {d.name for d in client.read_deployments()}
    assert deployed == {d["name"] for d in spec["deployments"]}
    assert {"reengineer-procedure", "nightly-reanalysis", "import-catalog", "whatif"} <= deployed


def test_the_nightly_run_is_at_two_in_hanoi_and_never_overlaps(stack: Stack) -> None:
    nightly = _deployment("nightly-reanalysis")
    [schedule] = nightly.schedules
    assert schedule.active
    assert getattr(schedule.schedule, "cron", None) == "0 2 * * *"
    assert getattr(schedule.schedule, "timezone", None) == "Asia/Ho_Chi_Minh"
    assert nightly.global_concurrency_limit is not None
    assert nightly.global_concurrency_limit.limit == 1


def test_the_procedure_form_has_dropdowns_bounds_and_descriptions(stack: Stack) -> None:
    schema = _deployment("reengineer-procedure").parameter_openapi_schema
    assert schema is not None
    text = json.dumps(schema, ensure_ascii=False)
    codes = {rule.code for rule in CATALOGUE}
    enums = [set(e) for e in re.findall(r'"enum": (\[[^\]]*\])', text) for e in [json.loads(e)]]
    assert codes in enums  # the rules dropdown lists the whole catalogue
    assert any("land_db" in e and "population_db" in e for e in enums)  # data sources
    width = schema["definitions"]["OutputOptions"]["properties"]["image_width_px"]
    assert (width["minimum"], width["maximum"]) == (240, 1600)
    assert "Mã thủ tục" in schema["properties"]["codes"]["description"]
    titles = {name: field["title"] for name, field in schema["properties"].items()}
    assert titles["codes"] == "Mã thủ tục" and titles["rules"] == "Quy tắc áp dụng"
    rules = " ".join(schema["properties"]["rules"]["description"].split())
    assert "ST01 — Bỏ bước chuyển hồ sơ trung gian" in rules


def test_a_run_started_through_the_api_shows_the_procedure_in_the_ui(stack: Stack) -> None:
    _run("reengineer-procedure", codes=["1.001193"])
    kind, page = _artifact("procedure-1-001193")
    assert kind == "markdown"
    images = re.findall(r"\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", page)
    assert len(images) == 2
    for image in images:
        svg = base64.b64decode(image).decode("utf-8")
        assert svg.startswith("<?xml") and "Đăng ký khai sinh" in svg
    assert "Chi phí tuân thủ" in page
    assert stack.site_url in _artifact("review-site")[1]
    assert stack.out_dir is not None and (stack.out_dir / "index.html").exists()


def test_the_nightly_run_skips_what_did_not_change(
    stack: Stack, prefect_server: Path, inbox: Path
) -> None:
    catalogue = inbox
    files = sorted((CATALOG / "essential").glob("*.yaml"))[:3]
    for path in files:
        shutil.copy(path, catalogue)
    _run("import-catalog", path=str(catalogue))
    summary = _artifact("import-summary")[1]  # what the import stored, in the UI
    assert re.search(r"3 thủ tục, \d phiên bản mới, \d không đổi", summary), summary
    _run("nightly-reanalysis")
    first = _analyses(prefect_server)
    assert len(first) >= 3

    _run("nightly-reanalysis")
    assert _analyses(prefect_server) == first  # nothing changed: nothing analysed
    assert "Phân tích lại **0**" in _artifact("nightly-summary")[1]

    changed = catalogue / files[1].name
    text = changed.read_text("utf-8")
    changed.write_text(re.sub(r"(?m)^statutory_days: .*$", "statutory_days: 30", text), "utf-8")
    _run("import-catalog", path=str(catalogue))
    _run("nightly-reanalysis")
    code = yaml.safe_load(text)["code"]
    assert _analyses(prefect_server) == [*first, code]  # exactly the changed one
    summary = _artifact("nightly-summary")[1]
    assert code in summary and "nội dung thủ tục thay đổi" in summary


def test_an_import_puts_its_procedures_in_the_forms_picker(stack: Stack, inbox: Path) -> None:
    text = (CATALOG / "essential" / "09-dang-ky-khai-sinh.yaml").read_text("utf-8")
    text = re.sub(r"(?m)^code: .*$", 'code: "1.999991"', text)
    text = re.sub(r"(?m)^name: .*$", "name: Thủ tục thử nghiệm bộ chọn", text, count=1)
    (inbox / "moi.yaml").write_text(text, "utf-8")
    _run("import-catalog", path=str(inbox / "moi.yaml"))
    for name in ("reengineer-procedure", "review-proposals"):
        schema = _deployment(name).parameter_openapi_schema
        assert schema is not None
        picked, typed, blank = schema["properties"]["codes"]["items"]["anyOf"]
        assert "1.999991 — Thủ tục thử nghiệm bộ chọn" in picked["enum"]
        assert "1.001193 — Đăng ký khai sinh" in picked["enum"]  # the bundled catalogue's
        assert typed["type"] == "string" and blank["type"] == "null"


def test_a_decision_is_drafted_then_stored_from_the_ui(stack: Stack, inbox: Path) -> None:
    decision = shutil.copy(PROJECT_ROOT / "examples" / "cao-bang-2022-qd-ubnd.docx", inbox)
    _run("import-catalog", path=str(decision))
    kind, report = _artifact("import-report")
    assert kind == "markdown" and report.startswith("# Báo cáo nhập quy trình nội bộ")
    assert "14 thủ tục, 111 bước đọc từ bảng" in report and "Chưa lưu gì vào kho" in report
    assert stack.out_dir is not None
    drafts = stack.out_dir / "imports" / "cao-bang-2022-qd-ubnd"
    assert (drafts / "1.001806.yaml").exists() and (drafts / "import-report.md").exists()
    schema = _deployment("reengineer-procedure").parameter_openapi_schema
    assert schema is not None
    assert not any(c.startswith("1.001806") for c in
                   schema["properties"]["codes"]["items"]["anyOf"][0]["enum"])  # fmt: skip

    _run("import-catalog", path=str(decision), store=True)
    assert "Đã lưu các bản nháp hợp lệ vào kho" in _artifact("import-report")[1]
    schema = _deployment("reengineer-procedure").parameter_openapi_schema
    assert schema is not None
    assert any(c.startswith("1.001806 — Quyết định công nhận cơ sở") for c in
               schema["properties"]["codes"]["items"]["anyOf"][0]["enum"])  # fmt: skip
