"""The header families of internal-process tables, matched by meaning: one process laid out
as each family writes it (tests/inputs/office/layouts/, not a real decision) reads the same
steps, times and links, in Word, Excel and PDF."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from inputs.office import read_office_document
from tests.inputs.office.fixtures import read_spec, to_pdf, write_docx, write_xlsx

LAYOUTS = Path(__file__).parent / "layouts" / "header-families.md"


@pytest.fixture(scope="module", params=["docx", "xlsx", "pdf"])
def drafts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("layouts")
    spec = read_spec(LAYOUTS)
    if request.param == "pdf":
        if shutil.which("soffice") is None:
            pytest.skip("LibreOffice is needed to make the PDF")
        path = to_pdf(write_docx(spec, folder / "layouts.docx"), folder)
    else:
        writer = write_docx if request.param == "docx" else write_xlsx
        path = writer(spec, folder / f"layouts.{request.param}")
    imported = read_office_document(path)
    assert imported.problems == []
    return {d.code: d.document for d in imported.drafts}


def _rows(document: dict[str, Any]) -> list[tuple[str, str, float | None]]:
    """(actor kind, step kind, working days) of the steps read from rows."""
    actors = document["actors"]
    return [
        (actors[s["actor"]]["kind"], s["kind"], s.get("days", s.get("hours", 0) / 8))
        for s in document["steps"]
        if s["id"].startswith("buoc_")
    ]


def test_every_family_is_read(drafts: dict[str, Any]) -> None:
    assert list(drafts) == [
        "TEST-F2",
        "TEST-F3",
        "TEST-F4",
        "TEST-F5",
        "TEST-F6",
        "TEST-F7",
        "TEST-F9",
    ]
    totals = {code: d["statutory_days"] for code, d in drafts.items()}
    assert totals == {"TEST-F2": 10, "TEST-F3": 10, "TEST-F4": 9.5, "TEST-F5": 2.25,
                      "TEST-F6": 4, "TEST-F7": 4, "TEST-F9": 4}  # fmt: skip


def test_bare_numbers_take_the_unit_of_the_header(drafts: dict[str, Any]) -> None:
    assert [days for *_, days in _rows(drafts["TEST-F7"])] == [0.5, 3, 0.5, 0]


def test_hours_are_hours(drafts: dict[str, Any]) -> None:
    assert [s.get("hours") for s in drafts["TEST-F9"]["steps"] if s["id"].startswith("buoc_")][
        :3
    ] == [4, 4, 16]
    assert _rows(drafts["TEST-F9"])[3] == ("leader", "sign", 1)


def test_a_step_numbered_in_its_content(drafts: dict[str, Any]) -> None:
    steps = [s for s in drafts["TEST-F4"]["steps"] if s["id"].startswith("buoc_")]
    assert [s["id"] for s in steps] == ["buoc_1", "buoc_2", "buoc_3", "buoc_4"]
    assert steps[1]["name"] == "Thẩm định hồ sơ, dự thảo kết quả"


def test_chuyen_buoc_with_cases_is_a_decision(drafts: dict[str, Any]) -> None:
    document = drafts["TEST-F3"]
    out = [f for f in document["flows"] if f["from"] == "buoc_3_re_nhanh"]
    assert {(f["to"], f["when"], f["probability"]) for f in out} == {
        ("buoc_4", "Trường hợp hồ sơ đủ điều kiện", 0.9),
        ("buoc_6", "Trường hợp hồ sơ không đủ điều kiện", 0.1),
    }
    assert {"from": "buoc_1", "to": "buoc_2"} in document["flows"]  # the next row: no decision


def test_forms_and_results_are_produced_documents(drafts: dict[str, Any]) -> None:
    document = drafts["TEST-F5"]
    names = {d["name"] for d in document["documents"].values()}
    assert "Mẫu số 01 \u2013 Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in names
    assert "Biểu mẫu BM02" in names and "Giấy chứng nhận" in names
    sign = next(s for s in document["steps"] if s["id"] == "buoc_3")
    assert [document["documents"][d]["name"] for d in sign["produces"]] == ["Giấy chứng nhận"]
