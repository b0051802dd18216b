"""Properties of the engine on every valid procedure graph (hypothesis), and kept counter-examples.

On each graph: the result validates; the steps the law requires are all
there; every use of a document is still met; documents leave the dossier
only when a connected source holds them; no parallel branch is left empty; the
engine applied to its result changes nothing; and no measure gets worse.

A counter-example hypothesis finds is printed as JSON (format v1); save it
under tests/rules/counterexamples/ and it is checked as a regular test ever
after.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, note

from models.graph import ProcedureGraph, graph_from_json, graph_to_json, submitted_documents
from models.metrics import measure
from models.validation import validate_graph
from rules import RuleContext, get_rules
from rules.engine import reengineer
from rules.guardrails import unmet_uses
from rules.structure import empty_branches
from tests.strategies import procedure_graphs

CONTEXT = RuleContext(
    connected_sources=frozenset({"population_db", "civil_status_db", "business_db"})
)
RULES = get_rules()
COUNTEREXAMPLES = Path(__file__).parent / "counterexamples"
TOLERANCE = 1e-9


def check_engine_properties(G: ProcedureGraph) -> None:
    """Assert every property the engine promises on the valid graph `G`."""
    outcome = reengineer(G, RULES, CONTEXT)
    after = outcome.after
    assert validate_graph(after, file="(result)") == []
    for node, mandatory in G.nodes(data="mandatory"):
        if mandatory:
            assert node in after and after.nodes[node]["mandatory"], node
    assert unmet_uses(after, CONTEXT) <= unmet_uses(G, CONTEXT)
    assert empty_branches(after) <= empty_branches(G)
    documents = G.graph["documents"]
    for doc in submitted_documents(G) - submitted_documents(after):
        assert documents[doc].get("held_by") in CONTEXT.connected_sources, doc
    again = reengineer(after, RULES, CONTEXT)
    assert again.changes == (), [c.rule for c in again.changes]
    assert nx.utils.graphs_equal(again.after, after)
    before_metrics, after_metrics = measure(G), measure(after)
    for name, value in after_metrics.model_dump().items():
        assert value <= getattr(before_metrics, name) + TOLERANCE, name


@given(procedure_graphs(min_steps=3, max_steps=40))
def test_engine_properties_on_generated_graphs(G: ProcedureGraph) -> None:
    note(json.dumps(graph_to_json(G), ensure_ascii=False))
    check_engine_properties(G)


@pytest.mark.parametrize("path", sorted(COUNTEREXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_engine_properties_on_kept_counterexamples(path: Path) -> None:
    check_engine_properties(graph_from_json(json.loads(path.read_text("utf-8"))))
