"""The review site's pages, written from typed results (no Graphviz needed)."""

from __future__ import annotations

from pathlib import Path

from analysis.result import Inputs, analyze
from diagrams.figures import diagram_files
from inputs.registry import load_cost_settings, load_data_sources
from models.graph import to_graph
from models.procedure import Procedure
from publishing.site import SiteEntry, write_site
from rules import get_rules
from tests.conftest import CATALOG, minimal_procedure


def test_a_procedure_page_lists_the_documents_no_longer_asked_for(tmp_path: Path) -> None:
    inputs = Inputs(
        load_data_sources(CATALOG / "data_sources.yaml"),
        load_cost_settings(CATALOG / "cost_settings.yaml"),
    )
    procedure = Procedure.model_validate(minimal_procedure())
    result = analyze(to_graph(procedure), get_rules(), inputs.context).result(inputs)
    entry = SiteEntry(result, diagram_files(result.code, result.essential))
    write_site(tmp_path, [entry], "test")
    page = (tmp_path / entry.page).read_text("utf-8")
    [dropped] = result.dropped_documents
    source = inputs.sources["population_db"].name
    assert f"<li>Bản sao CCCD — <code>{dropped.rule}</code>: {source}</li>" in page
    index = (tmp_path / "index.html").read_text("utf-8")
    assert entry.page in index and "Thủ tục mẫu" in index


def test_a_code_not_confirmed_says_so_and_a_service_shows_no_code(tmp_path: Path) -> None:
    inputs = Inputs(
        load_data_sources(CATALOG / "data_sources.yaml"),
        load_cost_settings(CATALOG / "cost_settings.yaml"),
    )
    entries = []
    for code, status in (("1.116407", "unconfirmed"), ("EVN-CAP-DIEN", "not_tthc")):
        document = {**minimal_procedure(), "code": code, "code_status": status}
        procedure = Procedure.model_validate(document)
        result = analyze(to_graph(procedure), get_rules(), inputs.context).result(inputs)
        entries.append(SiteEntry(result, diagram_files(result.code, result.essential)))
    write_site(tmp_path, entries, "test")
    unconfirmed, service = ((tmp_path / e.page).read_text("utf-8") for e in entries)
    assert "Mã 1.116407 (mã chưa xác nhận)" in unconfirmed
    assert "Mã (không phải TTHC, không có mã quốc gia)" in service
    assert "Mã EVN-CAP-DIEN" not in service
