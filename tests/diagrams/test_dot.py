"""DOT source (golden text), real Graphviz renders, and hostile labels kept inert."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analysis.result import Inputs, ProcedureAnalysis, analyze, rule_context
from diagrams.figures import before_after_dot, write_diagrams
from diagrams.render import render
from inputs.files import load_procedure
from inputs.registry import load_cost_settings, load_data_sources
from models.graph import to_graph
from models.procedure import Procedure
from publishing.site import SiteEntry, write_site
from rules import RuleContext, get_rules
from tests.conftest import CATALOG, minimal_procedure

GOLDEN = Path(__file__).parent / "golden"
CONTEXT = RuleContext(frozenset({"population_db"}), {"population_db": "CSDL dân cư"})
HOSTILE = (
    'Tên "độc hại" {x} [y] <script>alert(1)</script> &amp; &lt;b&gt; \\ ; -> } '
    + "Thủ tục rất dài " * 13  # at the 300-character limit of a name
)


def _analysis(**overrides: object) -> ProcedureAnalysis:
    procedure = Procedure.model_validate(minimal_procedure(**overrides))
    return analyze(to_graph(procedure), get_rules(), CONTEXT)


def _hostile_analysis() -> ProcedureAnalysis:
    document = minimal_procedure(name=HOSTILE)
    document["steps"][1]["name"] = HOSTILE
    document["actors"]["desk"]["name"] = HOSTILE
    document["documents"]["id_card"]["name"] = HOSTILE
    return analyze(to_graph(Procedure.model_validate(document)), get_rules(), CONTEXT)


def _fixture(name: str) -> ProcedureAnalysis:
    """A frozen copy of a bundled procedure, so catalogue edits do not churn the goldens."""
    sources = load_data_sources(CATALOG / "data_sources.yaml")
    procedure = load_procedure(Path(__file__).parent / "fixtures" / f"{name}.yaml", sources)
    return analyze(to_graph(procedure), get_rules(), rule_context(sources))


def _birth_registration() -> ProcedureAnalysis:
    return _fixture("birth-registration")


@pytest.mark.parametrize("moment", ["before", "after"])
@pytest.mark.parametrize("name", ["minimal", "birth-registration", "land-transfer"])
def test_dot_source_matches_golden(name: str, moment: str) -> None:
    """Kinds, lanes, change marks and escaping; land-transfer adds a parallel block,
    merges and a cross-agency flow."""
    analysis = _analysis() if name == "minimal" else _fixture(name)
    before, after = before_after_dot(analysis)
    source = before if moment == "before" else after
    golden = GOLDEN / f"{name}-{moment}.dot"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(source, "utf-8")
    assert source == golden.read_text("utf-8")


def test_dot_source_is_deterministic() -> None:
    assert before_after_dot(_analysis()) == before_after_dot(_analysis())


def test_hostile_labels_cannot_escape_the_label() -> None:
    before, _ = before_after_dot(_hostile_analysis())
    outside_quoted_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', before)
    assert "<script>" not in outside_quoted_strings
    assert "&lt;script&gt;" in before
    assert "&amp;amp;" in before  # the entity is shown as typed, not interpreted


@pytest.mark.dot
def test_render_gives_svg_with_vietnamese_and_a_png_for_an_essential_service(
    tmp_path: Path,
) -> None:
    files = write_diagrams(tmp_path, _analysis(essential=7))
    svg = (tmp_path / files.before_svg).read_text("utf-8")
    ET.fromstring(svg)  # well-formed
    assert "Thủ tục mẫu" in svg and "DejaVu Sans" in svg
    assert files.after_png is not None
    assert (tmp_path / files.after_png).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.dot
def test_other_procedures_get_svg_only(tmp_path: Path) -> None:
    """PNG only where a consumer needs it: the plans in Word, of essential services."""
    files = write_diagrams(tmp_path, _analysis())
    assert files.before_png is None and files.after_png is None
    written = sorted(p.name for p in (tmp_path / "diagrams").iterdir())
    assert written == [
        "9.999999-after.dot",
        "9.999999-after.svg",
        "9.999999-before.dot",
        "9.999999-before.svg",
    ]


@pytest.mark.dot
def test_hostile_labels_render_inert_in_svg_and_html(tmp_path: Path) -> None:
    analysis = _hostile_analysis()
    costs = load_cost_settings(CATALOG / "cost_settings.yaml")
    inputs = Inputs(load_data_sources(CATALOG / "data_sources.yaml"), costs)
    entry = SiteEntry(analysis.result(inputs), write_diagrams(tmp_path, analysis))
    files = entry.diagrams
    for path in (files.before_svg, files.after_svg):
        root = ET.fromstring((tmp_path / path).read_text("utf-8"))
        assert not [el for el in root.iter() if el.tag.endswith("script")]
        text = "".join(root.itertext())
        assert "<script>alert(1)</script>" in text  # shown as text
    index = write_site(tmp_path, [entry], "test")
    for page in (index, tmp_path / entry.page):
        html = page.read_text("utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_changes_are_marked_with_their_rule_codes_and_explained_by_a_legend() -> None:
    analysis = _birth_registration()
    before, after = before_after_dot(analysis)
    rules = {change.rule for change in analysis.outcome.changes}
    removing = {c.rule for c in analysis.outcome.changes if c.removed_steps}
    for rule in removing:
        assert f"✕ {rule}" in before
    assert "✓ DO02" in after and "DO02" in rules  # the automatic look-up stands out
    assert "✕" not in after.split("legend")[0] and "✓" not in before.split("legend")[0]
    for source in (before, after):
        assert "Chú giải" in source and "bắt buộc theo luật" in source


def test_merged_steps_are_bracketed_on_the_before_diagram() -> None:
    analysis = _birth_registration()
    merges = [c for c in analysis.outcome.changes if c.rule == "ST02"]
    assert merges
    before, _ = before_after_dot(analysis)
    bracket = before.split("subgraph cluster_merge_0 {")[1].split("}")[0]
    ids = {node: f"s{i}" for i, node in enumerate(analysis.before)}
    for step in merges[0].steps:
        assert f"    {ids[step]} [" in bracket


@pytest.mark.dot
def test_pdf_embeds_only_the_dejavu_fonts_chosen_for_vietnamese() -> None:
    pdf = render(before_after_dot(_birth_registration())[0], "pdf")
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z-]+)", pdf))
    assert fonts and fonts <= {b"DejaVuSans", b"DejaVuSans-Bold"}
    assert (
        pdf.count(b"/FontFile") == len(re.findall(rb"/BaseFont", pdf)) // 2 or b"/FontFile" in pdf
    )


def test_documents_that_go_with_a_never_run_step_are_in_the_dropped_table() -> None:
    """A decision that only goes one way takes its other branch, and the document asked
    there, with it: the table of documents no longer asked for lists it too."""
    document = minimal_procedure()
    # held by a connected source, so the guardrails let the never-run branch go with it
    document["documents"]["extra"] = {"name": "Giấy xác nhận phụ", "held_by": "population_db"}
    document["steps"].insert(
        2,
        {"id": "route", "name": "Thuộc diện đặc biệt?", "actor": "desk", "kind": "decide"},
    )
    document["steps"].insert(
        3,
        {
            "id": "extra_step",
            "name": "Nộp giấy xác nhận phụ",
            "actor": "applicant",
            "kind": "submit",
            "hours": 1,
            "documents": ["extra"],
        },
    )
    document["flows"] = [
        {"from": "submit", "to": "check"},
        {"from": "check", "to": "route"},
        {"from": "route", "to": "transfer", "when": "không", "probability": 1},
        {"from": "route", "to": "extra_step", "when": "có", "probability": 0},
        {"from": "extra_step", "to": "transfer"},
        {"from": "transfer", "to": "sign"},
        {"from": "sign", "to": "return"},
    ]
    analysis = analyze(to_graph(Procedure.model_validate(document)), get_rules(), CONTEXT)
    [removal] = [c for c in analysis.outcome.changes if "extra_step" in c.removed_steps]
    before, _ = before_after_dot(analysis)
    table = before.split("Giấy xác nhận phụ")[1].split("</TR>")[0]
    assert f"{removal.rule}: population_db" in table
