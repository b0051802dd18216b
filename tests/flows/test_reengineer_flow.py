"""The `reengineer-catalog` flow end to end, against one Prefect server for the flow tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import cast

import pytest
from prefect.artifacts import Artifact
from sqlmodel import Session, func, select

from inputs.settings import get_settings
from store.engine import make_engine
from store.tables import Analysis, ProcedureVersion
from tests.conftest import CATALOG

pytestmark = [pytest.mark.prefect, pytest.mark.dot]


def test_flow_stores_renders_and_is_repeatable(
    prefect_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.reengineer import reengineer_catalog

    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for path in sorted((CATALOG / "essential").glob("*.yaml"))[:3]:
        shutil.copy(path, catalog)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    out = tmp_path / "out"
    monkeypatch.setenv("TTHC_DATABASE_URL", url)
    monkeypatch.setenv("TTHC_INBOX_DIRS", json.dumps([str(catalog)]))
    monkeypatch.setenv("TTHC_OUT_DIR", str(out))
    get_settings.cache_clear()

    first = reengineer_catalog(paths=[str(catalog)], out_dir=str(out))
    second = reengineer_catalog(paths=[str(catalog)], out_dir=str(out))
    get_settings.cache_clear()
    assert isinstance(first, dict) and isinstance(second, dict)

    assert first["new_analyses"] == 3 and second["new_analyses"] == 0
    assert first["procedures"] == second["procedures"]
    index = (out / "index.html").read_text("utf-8")
    for row in first["procedures"]:
        assert row["code"] in index
        assert row["after"]["steps"] < row["before"]["steps"]
    assert len(list((out / "diagrams").glob("*.svg"))) == 6
    assert len(list((out / "procedures").glob("*.html"))) == 3
    assert 'href="report/vi/index.html"' in index
    assert first["plans"] == str(out / "plans" / "phuong-an-don-gian-hoa.docx")
    for document in (
        "phuong-an-don-gian-hoa.docx",
        "quy-trinh-noi-bo.docx",
        "quy-trinh-noi-bo.xlsx",
    ):
        assert (out / "plans" / document).is_file()
        assert f'href="plans/{document}"' in index
        assert f'href="../../plans/{document}"' in (out / "report" / "vi" / "index.html").read_text(
            "utf-8"
        )
    assert len(list((out / "plans" / "tai-cau-truc").glob("*.docx"))) == 3
    page = next((out / "procedures").glob("*.html")).read_text("utf-8")
    assert 'href="../plans/tai-cau-truc/' in page
    links = cast("Artifact | None", Artifact.get("plans"))
    assert links is not None and "phuong-an-don-gian-hoa.docx" in str(links.data)
    outputs = cast("Artifact | None", Artifact.get("catalog-outputs"))
    assert outputs is not None
    listed = str(outputs.data)  # where everything the run wrote went
    for written in (
        "index.html",
        "report/vi/index.html",
        "report/vi/report.xlsx",
        "report/en/index.html",
        "plans/phuong-an-don-gian-hoa.docx",
    ):
        assert f"{out / written}>)" in listed and (out / written).is_file(), written
    for lang in ("vi", "en"):
        report = out / "report" / lang
        assert {f.name for f in report.iterdir()} >= {"index.html", "report.xlsx", "report.csv"}
        assert len(list((report / "procedures").glob("*.html"))) == 3
    official = (out / "index.html").read_bytes()
    monkeypatch.setenv("TTHC_DATABASE_URL", url)
    get_settings.cache_clear()
    scenario = reengineer_catalog(paths=[str(catalog)], out_dir=str(out), rules=("CH01",))
    get_settings.cache_clear()
    assert isinstance(scenario, dict) and scenario["scenario"].startswith("Kịch bản giả định")
    assert scenario["index"].startswith(str(out / "scenarios" / "scenario-"))
    assert "chỉ áp dụng quy tắc CH01" in Path(scenario["index"]).read_text("utf-8")
    assert (out / "index.html").read_bytes() == official
    with Session(make_engine(url)) as session:
        versions = session.exec(select(func.count()).select_from(ProcedureVersion)).one()
        analyses = session.exec(select(func.count()).select_from(Analysis)).one()
    assert (versions, analyses) == (6, 3)  # 3 as-is + 3 proposed, stored once; none by the scenario
