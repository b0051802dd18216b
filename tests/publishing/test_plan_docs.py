"""The documents the province submits, written for the 25 essential services and read
back: every table cell against the analysis, the arithmetic refused when it does not
add up, and LibreOffice converting each document to a PDF with the Vietnamese text and
the diagram in it."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from docx.table import Table
from openpyxl import load_workbook

from analysis.approval import ApprovalLevel
from analysis.result import analyze
from diagrams.figures import write_diagrams
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_inputs, load_plan_settings
from inputs.settings import get_settings
from models.errors import PlanDoesNotAddUp
from models.graph import to_graph
from models.official_cost import CostMethod
from publishing.labels import APPROVAL_LEVELS, number, plain_number, working_days, working_time
from publishing.plan_docs import (
    PROCESS_HEADER,
    PlanEntry,
    PlanFiles,
    plan_entries,
    publish_plans,
)
from publishing.word import TEXT_WIDTH_CM
from rules import get_rules
from tests.conftest import CATALOG

pytestmark = pytest.mark.dot


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PlanEntry], PlanFiles]:
    settings = get_settings()
    inputs = load_inputs(settings)
    procedures = load_procedures(find_procedure_files([CATALOG / "essential"]), inputs.sources)
    analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in procedures.values()]
    out = tmp_path_factory.mktemp("plans")
    diagrams = {a.code: write_diagrams(out, a) for a in analyses}
    plan_settings = load_plan_settings(settings.plan_settings_file)
    entries = plan_entries(analyses, inputs, plan_settings, out, diagrams)
    return out, entries, publish_plans(out, entries)


def _cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_list_table_names_every_procedure_under_who_approves(
    written: tuple[Path, list[PlanEntry], PlanFiles],
) -> None:
    out, entries, files = written
    assert len(entries) == 25
    assert [e.plan.header["essential"] for e in entries] == list(range(1, 26))
    document = Document(str(out / files.simplification))
    texts = [p.text for p in document.paragraphs]
    for level in ApprovalLevel:
        assert any(APPROVAL_LEVELS[level.value] in t for t in texts), level
    part_one = document.tables[:3]
    ministry = _cells(part_one[2])
    assert ministry[0] == [
        "STT", "Mã số TTHC", "Tên TTHC", "Văn bản/quy định kiến nghị đơn giản hóa",
        "Nội dung đề xuất",
    ]  # fmt: skip
    listed = {row[1]: row for row in ministry[1:]}
    birth = next(e.plan for e in entries if e.plan.header["code"] == "1.001193")
    row = listed["1.001193"]
    assert row[2] == "Đăng ký khai sinh"
    assert row[3] == "Thông tư 04/2020/TT-BTP"
    for dropped in birth.result.dropped_documents:
        assert dropped.name in row[4]
    assert [r[0] for r in ministry[1:]] == [str(i) for i in range(1, len(ministry))]


def test_each_benefit_table_is_the_analysis_figure_by_figure(
    written: tuple[Path, list[PlanEntry], PlanFiles],
) -> None:
    out, entries, files = written
    document = Document(str(out / files.simplification))
    benefit_tables = [t for t in document.tables if t.cell(0, 0).text == "Chỉ tiêu"]
    assert len(benefit_tables) == len(entries)
    for entry, table in zip(entries, benefit_tables, strict=True):
        b = entry.plan.benefit
        assert b.method is CostMethod.circular_02
        volume = entry.plan.header["annual_volume"]
        cells = _cells(table)
        assert cells[1][1:4] == [
            number(b.before.per_compliance_vnd, "vi"),
            number(b.after.per_compliance_vnd, "vi"),
            number(b.before.per_compliance_vnd - b.after.per_compliance_vnd, "vi"),
        ]
        assert cells[4][1:] == [
            number(b.before.per_compliance_vnd * volume, "vi"),
            number(b.after.per_compliance_vnd * volume, "vi"),
            number((b.before.per_compliance_vnd - b.after.per_compliance_vnd) * volume, "vi"),
            f"{plain_number(b.saving_percent, 1)} %",
        ]
        assert b.days_before == entry.plan.header["statutory_days"]
        assert cells[5][1:4] == [
            plain_number(b.days_before),
            plain_number(b.days_after),
            plain_number(b.days_before - b.days_after),
        ]
        assert b.days_after <= b.days_before


def test_the_internal_process_tables_add_up_in_word_and_excel(
    written: tuple[Path, list[PlanEntry], PlanFiles],
) -> None:
    out, entries, files = written
    document = Document(str(out / files.internal_process_docx))
    workbook = load_workbook(out / files.internal_process_xlsx)
    assert len(document.tables) == len(entries) == len(workbook.worksheets)
    for entry, table, sheet in zip(entries, document.tables, workbook.worksheets, strict=True):
        plan = entry.plan
        cells = _cells(table)
        assert tuple(cells[0]) == PROCESS_HEADER
        assert len(cells) == len(plan.process_after) + 2
        for row, line in zip(plan.process_after, cells[1:-1], strict=True):
            assert line[:4] == [
                f"Bước {row.number}",
                row.content,
                row.responsible,
                working_time(row.hours),
            ]
        hours = sum(r.hours for r in plan.process_after if r.hours is not None)
        total = cells[-1]
        assert total[1] == "Tổng thời gian giải quyết TTHC"
        assert total[3] == working_days(round(hours / 8, 2))
        assert round(hours / 8, 2) <= plan.benefit.days_after or not plan.benefit.days_after
        assert total[4] == f"Thời hạn đề xuất: {working_days(plan.benefit.days_after)}"
        rows = [[c.value or "" for c in line] for line in sheet.iter_rows(min_row=2)]
        assert rows == cells


def test_a_restructuring_plan_has_its_diagram_steps_and_staff(
    written: tuple[Path, list[PlanEntry], PlanFiles],
) -> None:
    out, entries, files = written
    birth = next(e.plan for e in entries if e.plan.header["code"] == "1.001193")
    document = Document(str(out / files.restructuring["1.001193"]))
    assert len(document.inline_shapes) >= 2  # the tall diagram, cut into page-high parts
    assert all(shape.width == Cm(TEXT_WIDTH_CM) for shape in document.inline_shapes)
    texts = "\n".join(p.text for p in document.paragraphs)
    for heading in ("A. LÝ DO", "B. PHƯƠNG ÁN", "C. ĐÁNH GIÁ TÁC ĐỘNG"):
        assert heading in texts
    assert "Không phải nộp Bản sao CCCD của cha, mẹ." in texts
    steps, staff = document.tables
    assert [r[1] for r in _cells(steps)[1:-1]] == [r.content for r in birth.process_after]
    assert [r[0] for r in _cells(staff)[1:]] == [s.role for s in birth.staff]
    assert len(files.restructuring) == 25


def test_a_plan_that_does_not_add_up_is_refused_and_nothing_is_written(
    written: tuple[Path, list[PlanEntry], PlanFiles], tmp_path: Path
) -> None:
    _, entries, _ = written
    entry = entries[0]
    plan = entry.plan
    benefit = plan.benefit
    wrong = dataclasses.replace(
        benefit,
        after=dataclasses.replace(benefit.after, per_year_vnd=benefit.after.per_year_vnd + 1),
    )
    broken = dataclasses.replace(plan, benefits={**plan.benefits, plan.method: wrong})
    with pytest.raises(PlanDoesNotAddUp, match=r"circular_02 cost after: annual cost .* is not"):
        publish_plans(tmp_path, [*entries[1:], dataclasses.replace(entry, plan=broken)])
    assert not (tmp_path / "plans").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_every_document_to_pdf_with_its_text_and_diagram(
    written: tuple[Path, list[PlanEntry], PlanFiles], tmp_path: Path
) -> None:
    out, entries, files = written
    documents = [
        out / files.simplification,
        out / files.internal_process_docx,
        out / files.restructuring["1.001193"],
    ]
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         *map(str, documents)],
        capture_output=True, text=True, timeout=300, check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    birth = next(e.plan for e in entries if e.plan.header["code"] == "1.001193")
    expected = {
        "phuong-an-don-gian-hoa": [
            "PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH",
            "Lợi ích phương án đơn giản hóa",
            number(birth.benefit.before.per_year_vnd, "vi"),
        ],
        "quy-trinh-noi-bo": ["Tổng thời gian giải quyết TTHC", "Đăng ký khai sinh"],
        "1.001193": ["PHƯƠNG ÁN TÁI CẤU TRÚC QUY TRÌNH", "ĐÁNH GIÁ TÁC ĐỘNG"],
    }
    for name, phrases in expected.items():
        pdf = tmp_path / f"{name}.pdf"
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for phrase in phrases:  # compared without spaces: table cells wrap their lines
            assert "".join(phrase.split()) in "".join(text.split()), (name, phrase)
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "1.001193.pdf")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert len(images.strip().splitlines()) >= 3  # a header, a rule, the diagram


def test_a_passport_is_posted_never_returned_electronically(
    written: tuple[Path, list[PlanEntry], PlanFiles],
) -> None:
    out, _, files = written
    province = _cells(Document(str(out / files.simplification)).tables[1])
    (passport,) = [row for row in province if row[1] == "1.001456"]
    assert "Trả kết quả qua dịch vụ bưu chính công ích" in passport[4]
    assert "Trả kết quả điện tử" not in passport[4]
