"""Each guardrail refuses the graph that breaks it, whatever rule proposed it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from models.graph import ProcedureGraph, copy_graph, step_of, to_graph
from models.procedure import Procedure
from rules import RuleContext
from rules.guardrails import Guarded
from rules.structure import remove_step


def _graph() -> ProcedureGraph:
    return to_graph(
        Procedure.model_validate(
            {
                "code": "9.999998",
                "name": "Thủ tục thử",
                "level": "commune",
                "statutory_days": 1,
                "actors": {
                    "applicant": {"name": "Công dân", "kind": "applicant"},
                    "desk": {"name": "Bộ phận Một cửa", "kind": "one_stop"},
                    "tax": {"name": "Cơ quan thuế", "kind": "external_agency"},
                },
                "documents": {"card": {"name": "Thẻ", "physical": True}},
                "steps": [
                    {
                        "id": "photo",
                        "name": "Chụp ảnh",
                        "actor": "applicant",
                        "kind": "submit",
                        "channel": "in_person",
                        "presence": {"why": "chụp ảnh", "legal_basis": "Điều 1"},
                    },
                    {"id": "route", "name": "Cần ý kiến thuế?", "actor": "desk", "kind": "decide"},
                    {
                        "id": "ask",
                        "name": "Gửi phiếu",
                        "actor": "desk",
                        "kind": "transfer",
                        "act": "request",
                    },
                    {"id": "opinion", "name": "Ý kiến", "actor": "tax", "kind": "appraise"},
                    {
                        "id": "back",
                        "name": "Nhận thẻ",
                        "actor": "applicant",
                        "kind": "return",
                        "channel": "in_person",
                        "carries": ["card"],
                    },
                ],
                "flows": [
                    {"from": "photo", "to": "route"},
                    {"from": "route", "to": "ask", "probability": 0.3},
                    {"from": "route", "to": "back", "probability": 0.7},
                    {"from": "ask", "to": "opinion"},
                    {"from": "opinion", "to": "back"},
                ],
            }
        )
    )


def _channel(step: str, channel: str) -> Callable[[ProcedureGraph], None]:
    def switch(H: ProcedureGraph) -> None:
        step_of(H, step)["channel"] = channel

    return switch


def _remove(*steps: str) -> Callable[[ProcedureGraph], None]:
    def removal(H: ProcedureGraph) -> None:
        for step in steps:
            remove_step(H, step)

    return removal


@pytest.mark.parametrize(
    ("breach", "guardrail"),
    [
        (_remove("ask"), "legal_act_kept"),
        (_channel("photo", "online"), "presence_kept"),
        (_channel("back", "post"), None),  # a card may be posted
        (_channel("back", "online"), "physical_kept"),
        (_remove("opinion", "ask"), "legal_act_kept"),
    ],
)
def test_a_guardrail_refuses_what_breaks_it(
    breach: Callable[[ProcedureGraph], None], guardrail: str | None
) -> None:
    G = _graph()
    after = copy_graph(G)
    breach(after)
    checked = Guarded.of(G, RuleContext()).check(after)
    assert (checked if isinstance(checked, str) else None) == guardrail


def test_a_decision_whose_branches_meet_at_once_is_refused_as_no_process() -> None:
    G = _graph()
    after = copy_graph(G)
    step_of(after, "ask")["act"] = None  # not an act here: only the routing is at stake
    G2 = copy_graph(after)
    after.remove_nodes_from(["ask", "opinion"])
    after.add_edge("route", "back", when=None, probability=1.0)
    assert Guarded.of(G2, RuleContext()).check(after) == "valid_process"
