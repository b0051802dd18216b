"""Graph surgery the rules share: what a removal leaves behind."""

from __future__ import annotations

from models.graph import to_graph
from models.procedure import Procedure
from rules import RuleContext, get_rules
from rules.engine import reengineer
from rules.structure import empty_branches, remove_step
from tests.conftest import minimal_procedure

CARRY = {"id": "carry", "name": "Chuyển hồ sơ", "actor": "desk", "kind": "transfer", "hours": 2}


def _parallel_opinions() -> Procedure:
    """submit → check → split → (tax opinion | a carry) → join → sign → return."""
    document = minimal_procedure()
    document["actors"]["tax"] = {"name": "Chi cục Thuế", "kind": "external_agency"}
    document["actors"]["police"] = {"name": "Công an xã", "kind": "external_agency"}
    steps = document["steps"]
    steps[2:3] = [
        {"id": "fork", "name": "Lấy ý kiến", "actor": "desk", "kind": "parallel"},
        {"id": "opinion", "name": "Ý kiến thuế", "actor": "tax", "kind": "verify", "days": 2},
        CARRY,
        {"id": "join", "name": "Tổng hợp ý kiến", "actor": "desk", "kind": "join"},
    ]
    flows = [("submit", "check"), ("check", "fork"), ("fork", "opinion"), ("opinion", "join")]
    flows += [("fork", "carry"), ("carry", "join"), ("join", "sign"), ("sign", "return")]
    document["flows"] = [{"from": u, "to": v} for u, v in flows]
    return Procedure.model_validate(document)


def test_removing_the_only_step_of_a_branch_removes_the_branch_and_the_block() -> None:
    procedure = _parallel_opinions()
    G = to_graph(procedure)
    remove_step(G, "carry")
    assert empty_branches(G) == set()
    assert "fork" not in G and "join" not in G  # one branch left: no parallel block
    assert list(G.successors("check")) == ["opinion"] and list(G.successors("opinion")) == ["sign"]


def test_a_three_way_block_keeps_its_two_real_branches() -> None:
    procedure = _parallel_opinions()
    G = to_graph(procedure)
    G.add_node("police_view", **{**G.nodes["opinion"], "name": "Ý kiến công an", "actor": "police"})
    G.add_edge("fork", "police_view", when=None, probability=None)
    G.add_edge("police_view", "join", when=None, probability=None)
    remove_step(G, "carry")
    assert empty_branches(G) == set()
    assert sorted(G.successors("fork")) == ["opinion", "police_view"]


def test_the_engine_leaves_no_empty_branch_where_a_pass_through_carry_goes() -> None:
    procedure = _parallel_opinions()
    outcome = reengineer(to_graph(procedure), get_rules(), RuleContext())
    assert any("carry" in change.removed_steps for change in outcome.changes)
    assert empty_branches(outcome.after) == set()
