"""The bundled catalogue validates; the engine finds gains on every essential service."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.result import analyze, rule_context
from inputs.files import find_procedure_files, load_procedures
from models.graph import to_graph
from models.procedure import DataSource, Procedure
from models.validation import validate_graph
from rules import get_rules
from tests.conftest import CATALOG


@pytest.fixture(scope="module")
def catalogue(sources: dict[str, DataSource]) -> dict[Path, Procedure]:
    return load_procedures(find_procedure_files([CATALOG]), sources)


def test_catalogue_holds_the_25_essential_services_and_ten_more(
    catalogue: dict[Path, Procedure],
) -> None:
    essential = sorted(p.essential for p in catalogue.values() if p.essential is not None)
    assert essential == list(range(1, 26))
    others = [p for p in catalogue.values() if p.essential is None]
    assert len(others) >= 10


def test_every_file_names_its_sources() -> None:
    for path in find_procedure_files([CATALOG]):
        assert path.read_text("utf-8").startswith("#"), f"{path}: sources comment missing"


def test_engine_improves_every_essential_service_safely(
    catalogue: dict[Path, Procedure], sources: dict[str, DataSource]
) -> None:
    context = rule_context(sources)
    for path, procedure in catalogue.items():
        if procedure.essential is None:
            continue
        G = to_graph(procedure)
        analysis = analyze(G, get_rules(), context)
        after = analysis.outcome.after
        assert analysis.outcome.changes, f"{path}: no change found"
        mandatory = {n for n, m in G.nodes(data="mandatory") if m}
        assert mandatory <= {n for n, m in after.nodes(data="mandatory") if m}, path
        assert validate_graph(after, file=str(path), sources=sources) == [], path
        before_m, after_m = analysis.metrics_before, analysis.metrics_after
        assert after_m.steps <= before_m.steps and after_m.documents <= before_m.documents
        assert after_m.lead_time_days <= before_m.lead_time_days + 1e-9, path
