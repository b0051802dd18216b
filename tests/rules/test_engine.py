"""The engine's guardrails: a proposal that breaks one is refused and named, never applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import networkx as nx

from models.graph import ProcedureGraph, copy_graph, to_graph
from models.procedure import Procedure
from rules import Change, Proposal, Rule, RuleContext, get_rules
from rules.edits import Edit, Realised, RemoveStep
from rules.engine import reengineer
from tests.conftest import minimal_procedure


@dataclass(frozen=True)
class _DropAllDocuments(Edit):
    kind: ClassVar[str] = "test_drop_all_documents"

    def apply(self, G: ProcedureGraph) -> Realised:
        for _, docs in G.nodes(data="documents"):
            docs.clear()
        return Realised()


@dataclass(frozen=True)
class _SignBeforeTheCheck(Edit):
    """Swap 'check' (which produces the checklist) and 'sign' (which uses it)."""

    kind: ClassVar[str] = "test_sign_before_the_check"

    def apply(self, G: ProcedureGraph) -> Realised:
        G.remove_edges_from([("submit", "check"), ("check", "transfer"), ("transfer", "sign")])
        G.remove_edge("sign", "return")
        G.add_edges_from(
            [("submit", "sign"), ("sign", "transfer"), ("transfer", "check"), ("check", "return")],
            when=None,
            probability=None,
        )
        return Realised()


@dataclass(frozen=True)
class _CutLastFlow(Edit):
    kind: ClassVar[str] = "test_cut_last_flow"

    def apply(self, G: ProcedureGraph) -> Realised:
        G.remove_edge("sign", "return")
        return Realised()


class Reckless(Rule):
    """Proposes what the guardrails must stop.

    **Anti-pattern**: none. **Best practice**: none.
    """

    code = "XX99"
    name = "test.reckless"
    groups = ("test",)
    reason = reason_en = "test"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        def change(steps: tuple[str, ...], edit: Edit) -> Proposal:
            return Proposal(Change(self.code, steps, "x", "x", edits=(edit,)))

        proposals = [
            change(("sign",), RemoveStep("sign")),
            change(("submit",), _DropAllDocuments()),
            change(("check", "sign"), _SignBeforeTheCheck()),
            change(("sign", "return"), _CutLastFlow()),
        ]
        # like a real rule, propose only what applies to the graph as it is
        return [p for p in proposals if all(step in G for step in p.change.steps)]


def _procedure_with_a_checklist() -> ProcedureGraph:
    document = minimal_procedure()
    document["documents"]["checklist"] = {"name": "Phiếu kiểm tra"}
    for step in document["steps"]:
        if step["id"] == "check":
            step["produces"] = ["checklist"]
        if step["id"] == "sign":
            step["uses"] = ["checklist"]
    return to_graph(Procedure.model_validate(document))


def test_guardrails_refuse_and_name_each_broken_rule() -> None:
    G = _procedure_with_a_checklist()
    outcome = reengineer(G, [Reckless()], RuleContext(frozenset({"population_db"})))
    assert outcome.changes == ()
    assert [r.guardrail for r in outcome.refused] == [
        "mandatory_step_kept",
        "document_dropped_only_when_held",
        "production_order_kept",
        "valid_process",
    ]
    assert nx.utils.graphs_equal(outcome.after, G)


def test_input_graph_is_never_mutated() -> None:
    G = to_graph(Procedure.model_validate(minimal_procedure()))
    snapshot = copy_graph(G)
    outcome = reengineer(G, get_rules(), RuleContext(frozenset({"population_db"})))
    assert outcome.changes
    assert nx.utils.graphs_equal(G, snapshot)
    assert [a["documents"] for _, a in G.nodes(data=True)] == [
        a["documents"] for _, a in snapshot.nodes(data=True)
    ]


def test_rule_selection_by_group() -> None:
    assert [r.code for r in get_rules(["documents"])] == ["DO01", "DO03", "DO02"]
