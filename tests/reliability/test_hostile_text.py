"""Text is data wherever it goes: validation refuses what would not show as written
(control and bidirectional characters, overlong fields, codes that collide), and every
output writer keeps the rest inert (no formula in XLSX or CSV, no link, image or HTML
in markdown)."""

from __future__ import annotations

import csv
import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis.result import AnalysisResult, Inputs, analyze
from diagrams.figures import diagram_files, slug
from flows.artifacts import artifact_key
from inputs.files import load_procedure
from inputs.registry import load_cost_settings, load_data_sources
from models.errors import InvalidProcedure
from models.graph import to_graph
from models.procedure import Procedure
from publishing.labels import markdown_text
from publishing.report import ProcedureReport, assemble_report
from publishing.report_files import write_report
from publishing.site import SiteEntry
from publishing.ui_pages import procedure_markdown
from rules import get_rules
from tests.conftest import CATALOG, minimal_procedure

FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","x")'
IMAGE = "![x](http://127.0.0.1:9/x.png)"


def _problems(tmp_path: Path, document: dict[str, object]) -> list[str]:
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    with pytest.raises(InvalidProcedure) as refused:
        load_procedure(path)
    return [f"{p.where}: {p.message}" for p in refused.value.problems]


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x08", "\x1b", "\n", "\ufffe", "\u202e", "\u2066"]
)
def test_a_control_or_bidi_character_is_refused_with_the_element_named(
    tmp_path: Path, char: str
) -> None:
    document = minimal_procedure()
    document["steps"][0]["name"] = f"Nộp{char}hồ sơ"
    (problem,) = _problems(tmp_path, document)
    assert problem.startswith("step 'submit'") and f"U+{ord(char):04X}" in problem


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 501),
        ("code", "1." + "0" * 63),
        ("code", "2.000001/HN"),
        ("code", "2.000001 HN"),
        ("code", "1.001193.h41"),
        ("code", IMAGE),
    ],
)
def test_overlong_fields_and_codes_that_could_collide_are_refused(
    tmp_path: Path, field: str, value: str
) -> None:
    (problem,) = _problems(tmp_path, minimal_procedure(**{field: value}))
    assert problem.startswith("procedure:") and f"`{field}`" in problem


@given(st.from_regex(r"[0-9A-Z]{1,3}(?:[.-][0-9A-Z]{1,3}){0,3}", fullmatch=True))
def test_each_valid_code_has_a_file_name_and_an_artifact_key_of_its_own(code: str) -> None:
    assert slug(code) == code  # a valid code is its own file name
    # the key maps back: two valid codes never share one
    back = artifact_key(code).removeprefix("procedure-").replace("--", "\0")
    assert back.replace("-", ".").replace("\0", "-").upper() == code


@cache
def _result() -> tuple[AnalysisResult, Inputs]:
    inputs = Inputs(
        load_data_sources(CATALOG / "data_sources.yaml"),
        load_cost_settings(CATALOG / "cost_settings.yaml"),
    )
    procedure = Procedure.model_validate(minimal_procedure())
    return analyze(to_graph(procedure), get_rules(), inputs.context).result(inputs), inputs


_UNESCAPED = re.compile(r"(?<!\\)(?:!\[|\]\(|<[A-Za-z/!]|\[[^\]]*\]\()")


_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto|xmpp):|www\.|\w@")
"""Bare text GitHub-flavoured markdown turns into a link."""


def _inert_markdown(text: str) -> bool:
    return not _UNESCAPED.search(text)


hostile_names = st.one_of(
    st.sampled_from(
        [
            FORMULA,
            IMAGE,
            "+1+1",
            "-2",
            "@SUM(A1)",
            "<img src=x onerror=1>",
            "[a](javascript:alert(1))",
            "| a | b |",
            "# heading",
            "`code`",
            "http://127.0.0.1:9/x www.example.vn a@b.vn MAILTO:a",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co")), min_size=1, max_size=40),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile_names)
def test_every_writer_keeps_hostile_text_inert(tmp_path: Path, name: str) -> None:
    result, inputs = _result()
    hostile = dataclasses.replace(result, name=name)
    report = assemble_report([ProcedureReport(hostile, 100, 3.0)], inputs.costs, "test")
    files = write_report(report, tmp_path, "vi")
    for sheet in load_workbook(files.xlsx).worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    with files.csv.open(encoding="utf-8-sig", newline="") as stream:
        for values in csv.reader(stream):
            assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    assert _inert_markdown(files.markdown.read_text("utf-8").split("\n", 2)[2])
    entry = SiteEntry(hostile, diagram_files(hostile.code, hostile.essential))
    page = procedure_markdown(
        entry, "data:image/svg+xml;base64,AA==", "data:image/svg+xml;base64,AA=="
    )
    heading = page.split("\n", 1)[0]
    assert _inert_markdown(heading) and heading.startswith("# ")
    shown = markdown_text(name).replace("\\", "")  # as a renderer resolves the escapes
    assert not _AUTOLINK.search(shown)
    assert shown.replace("\u2060", "") == " ".join(name.split()).replace("\\", "").replace(
        "\u2060", ""
    )


def test_a_formula_name_is_a_string_in_xlsx_and_quoted_in_csv(tmp_path: Path) -> None:
    result, inputs = _result()
    report = assemble_report(
        [ProcedureReport(dataclasses.replace(result, name=FORMULA), 100, 3.0)], inputs.costs, "t"
    )
    files = write_report(report, tmp_path, "vi")
    sheet = load_workbook(files.xlsx).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert any(c.value == FORMULA and c.data_type == "s" for c in cells)
    assert f"'{FORMULA}" in files.csv.read_text("utf-8-sig").replace('""', '"')
