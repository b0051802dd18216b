"""The consolidated report for the 25 essential services: same figures in every format."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from analysis.result import Inputs, analyze
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_cost_settings, load_data_sources
from models.graph import to_graph
from publishing.labels import COLUMNS, LABELS, number
from publishing.report import TOTALLED, Report, assemble_report, procedure_report
from publishing.report_files import ReportFiles, table_rows, write_report
from rules import RULES_VERSION, get_rules
from tests.conftest import CATALOG


@pytest.fixture(scope="module")
def report() -> Report:
    sources = load_data_sources(CATALOG / "data_sources.yaml")
    procedures = load_procedures(find_procedure_files([CATALOG / "essential"]), sources)
    inputs = Inputs(sources, load_cost_settings(CATALOG / "cost_settings.yaml"))
    analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in procedures.values()]
    rows = [procedure_report(a.header, a.result(inputs)) for a in analyses]
    return assemble_report(rows, inputs.costs, RULES_VERSION)


@pytest.fixture(scope="module")
def files(report: Report, tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    return write_report(report, tmp_path_factory.mktemp("report"), "vi")


def test_totals_add_up_the_procedures_and_improve(report: Report) -> None:
    assert [p.essential for p in report.procedures] == list(range(1, 26))
    for key in TOTALLED:
        before = sum(getattr(p.before, key) for p in report.procedures)
        assert report.totals["before"][key] == pytest.approx(before)
        assert report.totals["after"][key] <= report.totals["before"][key], key
    assert report.change_percent("visits") < -50
    assert report.change_percent("cost_per_year_vnd") < 0


def test_xlsx_holds_the_same_numbers_as_numbers(report: Report, files: ReportFiles) -> None:
    book = openpyxl.load_workbook(files.xlsx)
    table, changes, assumptions = book.worksheets
    header, rows = table_rows(report, "vi")
    assert [cell.value for cell in table[1]] == header
    assert table[1][0].font.bold and table.freeze_panes == "C2"
    for excel_row, row in zip(table.iter_rows(min_row=2, values_only=True), rows, strict=True):
        assert list(excel_row) == row
    money = header.index(f"{LABELS['vi']['cost_per_year_vnd']} — {LABELS['vi']['before']}") + 1
    assert isinstance(table.cell(2, money).value, int)
    assert table.cell(2, money).number_format == "#,##0"
    assert changes.max_row - 1 == sum(len(p.changes) for p in report.procedures)
    settings = {row[0]: row[1] for row in assumptions.iter_rows(min_row=2, values_only=True)}
    assert settings["hourly_income_vnd"] == report.costs.hourly_income_vnd  # a number
    assert settings["version"] == report.costs.version


def test_html_shows_the_same_totals_and_rows(report: Report, files: ReportFiles) -> None:
    html = files.html.read_text("utf-8")
    for key in TOTALLED:
        for moment in ("before", "after"):
            shown = re.search(rf'data-key="{key}-{moment}">([^<]*)<', html)
            assert shown is not None
            decimals = 2 if key in ("lead_time_days", "expected_visits") else 0
            assert shown.group(1) == number(report.totals[moment][key], "vi", decimals)
    for p in report.procedures:
        assert f'data-code="{p.code}"' in html
        assert (files.html.parent / p.page).is_file()


def test_csv_has_a_bom_for_excel_and_one_row_per_procedure(
    report: Report, files: ReportFiles
) -> None:
    raw = files.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][1] == "Tên thủ tục" and len(rows) == 1 + len(report.procedures)


def test_markdown_summary_and_english_report(report: Report, tmp_path: Path) -> None:
    english = write_report(report, tmp_path, "en")
    text = english.markdown.read_text("utf-8")
    assert LABELS["en"]["title"] in text and "| Steps |" in text
    assert LABELS["en"]["table"] in english.html.read_text("utf-8")
    header, rows = table_rows(report, "en")
    assert len(COLUMNS) * 2 + 11 == len(header) and header[-1] == "Basis"
    assert {row[-1] for row in rows} == {"proposal, not reviewed"}


def test_numbers_are_written_the_language_s_way() -> None:
    assert number(1234567.5, "vi", 1) == "1.234.567,5"
    assert number(1234567.5, "en", 1) == "1,234,567.5"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_xlsx_and_converts_it_to_pdf(
    files: ReportFiles, tmp_path: Path
) -> None:
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(files.xlsx)],
        capture_output=True, text=True, timeout=180, check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
