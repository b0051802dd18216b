"""Properties of the engine on every valid procedure graph (hypothesis), and kept counter-examples.

On each graph, generated or bundled: the result validates; the steps the law
requires are all there; every use of a document is still met; documents leave
the dossier only when a connected source holds them; no parallel branch is left
empty; no step's name contradicts its channel; no physical object is sent online
or its carry removed; a step requiring presence keeps its channel; legal acts
stay; a merged step keeps every role of its parts; the engine applied to its
result changes nothing; and no measure gets worse.

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

from analysis.result import rule_context
from inputs.files import find_procedure_files, load_procedure
from inputs.registry import load_data_sources
from inputs.settings import PROJECT_ROOT
from models.graph import (
    ProcedureGraph,
    graph_from_json,
    graph_to_json,
    physical_items,
    step_of,
    steps_of,
    submitted_documents,
    to_graph,
)
from models.metrics import expected_hours, measure
from models.procedure import Channel
from models.validation import validate_graph
from rules import RuleContext, get_rules
from rules.edits import MergeSteps
from rules.engine import Outcome, reengineer
from rules.guardrails import unmet_uses
from rules.structure import empty_branches
from rules.wording import contradiction
from tests.strategies import procedure_graphs

CONTEXT = RuleContext(
    connected_sources=frozenset({"population_db", "civil_status_db", "business_db"}),
    hit_rates={"population_db": 0.95, "civil_status_db": 0.8},
)
RULES = get_rules()
COUNTEREXAMPLES = Path(__file__).parent / "counterexamples"
TOLERANCE = 1e-9


def check_engine_properties(G: ProcedureGraph, context: RuleContext = CONTEXT) -> None:
    """Assert every property the engine promises on the valid graph `G`."""
    outcome = reengineer(G, RULES, context)
    after = outcome.after
    check_what_steps_are(G, outcome)
    assert validate_graph(after, file="(result)") == []
    for node, mandatory in G.nodes(data="mandatory"):
        if mandatory:
            assert node in after and after.nodes[node]["mandatory"], node
    assert unmet_uses(after, context) <= unmet_uses(G, context)
    assert empty_branches(after) <= empty_branches(G)
    documents = G.graph["documents"]
    for doc in submitted_documents(G) - submitted_documents(after):
        assert documents[doc].get("held_by") in context.connected_sources, doc
    again = reengineer(after, RULES, context)
    assert again.changes == (), [c.rule for c in again.changes]
    assert nx.utils.graphs_equal(again.after, after)
    before_metrics, after_metrics = measure(G), measure(after)
    for name, value in after_metrics.model_dump().items():
        if name != "lead_time_days":
            assert value <= getattr(before_metrics, name) + TOLERANCE, name
    # time grows only by the branches where a look-up finds nothing
    hours = {node: 0.0 if attrs["fallback"] else attrs["hours"] for node, attrs in steps_of(after)}
    assert expected_hours(after, hours) <= expected_hours(G) + TOLERANCE


def check_what_steps_are(G: ProcedureGraph, outcome: Outcome) -> None:
    """The after-graph says what its steps do, and does what they must."""
    after = outcome.after
    for node, attrs in steps_of(after):
        if node not in G or attrs["name"] != step_of(G, node)["name"]:
            assert contradiction(attrs["name"], Channel(attrs["channel"])) is None, attrs["name"]
    merged_into = {
        edit.step: edit.into
        for change in outcome.changes
        for edit in change.edits
        if isinstance(edit, MergeSteps)
    }
    for node, attrs in steps_of(G):
        now = node
        while now in merged_into:
            now = merged_into[now]
        if physical_items(G, node):
            assert now in after, f"{node} carries {physical_items(G, node)} and was removed"
            assert step_of(after, now)["channel"] != Channel.online, node
        if attrs["presence"] and now in after:
            assert step_of(after, now)["channel"] == attrs["channel"], node
        if attrs["act"]:
            assert node in after, f"the act {node} was removed"
        if now in after:
            assert set(attrs["roles"]) <= set(step_of(after, now)["roles"]), node


@given(procedure_graphs(min_steps=3, max_steps=40))
def test_engine_properties_on_generated_graphs(G: ProcedureGraph) -> None:
    note(json.dumps(graph_to_json(G), ensure_ascii=False))
    check_engine_properties(G)


@pytest.mark.parametrize("path", sorted(COUNTEREXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_engine_properties_on_kept_counterexamples(path: Path) -> None:
    check_engine_properties(graph_from_json(json.loads(path.read_text("utf-8"))))


CATALOGUE = find_procedure_files([PROJECT_ROOT / "catalog"])


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda path: path.stem[:40])
def test_engine_properties_on_the_bundled_catalogue(path: Path) -> None:
    sources = load_data_sources(PROJECT_ROOT / "catalog" / "data_sources.yaml")
    check_engine_properties(to_graph(load_procedure(path)), rule_context(sources))
