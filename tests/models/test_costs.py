"""Compliance cost and online readiness on small procedures, answers worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from models.costs import CostSettings, compliance_cost, readiness
from models.graph import ProcedureGraph, to_graph
from models.metrics import expected_hours, expected_total
from models.procedure import Procedure

SETTINGS = CostSettings(
    version="test",
    hourly_income_vnd=10_000,
    learning_hours=1,
    document_hours=2,
    copy_vnd=1_000,
    travel_vnd=20_000,
    travel_hours=1,
    waiting_hours=0.5,
)
ACTORS = {
    "applicant": {"name": "Công dân", "kind": "applicant"},
    "desk": {"name": "Một cửa", "kind": "one_stop"},
}


def _step(step_id: str, actor: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "name": step_id, "actor": actor, "kind": kind, **extra}


def _rework_procedure(channel: str) -> ProcedureGraph:
    """submit → check → ok? (0.2: supplement → check; 0.8: return at the desk)."""
    return to_graph(
        Procedure.model_validate(
            {
                "code": "T.1",
                "name": "Thủ tục thử",
                "level": "commune",
                "statutory_days": 1,
                "annual_volume": 100,
                "fees_vnd": {"in_person": 50_000, "online": 30_000},
                "actors": ACTORS,
                "documents": {
                    "form": {"name": "Tờ khai", "copies": 2},
                    "id_card": {"name": "CCCD", "held_by": "population_db"},
                },
                "steps": [
                    _step("submit", "applicant", "submit", channel=channel, hours=1,
                          documents=["form"]),
                    _step("check", "desk", "check", hours=2),
                    _step("ok", "desk", "decide"),
                    _step("supplement", "applicant", "submit", channel=channel, hours=1,
                          documents=["form"]),
                    _step("return", "desk", "return", channel=channel, hours=1),
                ],
                "flows": [
                    {"from": "submit", "to": "check"},
                    {"from": "check", "to": "ok"},
                    {"from": "ok", "to": "supplement", "probability": 0.2},
                    {"from": "ok", "to": "return", "probability": 0.8},
                    {"from": "supplement", "to": "check"},
                ],
            }
        )
    )  # fmt: skip


def test_in_person_dossier_costs_time_travel_copies_and_the_desk_fee() -> None:
    # The check runs 1/0.8 = 1.25 times, so the supplement 0.25 times.
    # Hours: learning 1 + submit (1 own + 2 preparing + 1.5 trip) + 0.25 * supplement
    # (same 4.5) + return trip 1.5 = 8.125 h → 81,250 đ. Travel: 20,000 * (1 + 0.25 + 1)
    # = 45,000. Copies: 2 * 1,000 * 1.25 = 2,500. Fee at the desk 50,000.
    cost = compliance_cost(_rework_procedure("in_person"), SETTINGS)
    assert cost.hours == pytest.approx(8.125)
    assert (cost.time_vnd, cost.travel_vnd, cost.copies_vnd, cost.fees_vnd) == (
        81_250, 45_000, 2_500, 50_000,
    )  # fmt: skip
    assert cost.per_dossier_vnd == 178_750
    assert cost.per_year_vnd == 17_875_000
    assert cost.settings_version == "test"


def test_online_dossier_has_no_trips_and_the_online_fee() -> None:
    # Hours: 1 + (1 + 2) + 0.25 * (1 + 2) = 4.75 → 47,500; no travel; copies 2,500; fee 30,000.
    cost = compliance_cost(_rework_procedure("online"), SETTINGS)
    assert (cost.time_vnd, cost.travel_vnd, cost.copies_vnd, cost.fees_vnd) == (
        47_500, 0, 2_500, 30_000,
    )  # fmt: skip
    assert cost.per_dossier_vnd == 80_000


def test_parallel_branches_add_up_in_costs_but_not_in_time() -> None:
    G = to_graph(
        Procedure.model_validate(
            {
                "code": "T.2", "name": "Song song", "level": "commune", "statutory_days": 1,
                "actors": ACTORS,
                "steps": [
                    _step("p", "desk", "parallel"), _step("a", "applicant", "submit", hours=2),
                    _step("b", "applicant", "submit", hours=3), _step("j", "desk", "join"),
                ],
                "flows": [{"from": "p", "to": "a"}, {"from": "p", "to": "b"},
                          {"from": "a", "to": "j"}, {"from": "b", "to": "j"}],
            }
        )
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(3)
    assert expected_total(G, {"a": 2, "b": 3}) == pytest.approx(5)


def test_readiness_before_and_after_going_online() -> None:
    connected = frozenset({"population_db"})
    paper = readiness(_rework_procedure("in_person"), connected)
    assert (paper.full_online, paper.online_payment, paper.electronic_result) == (
        False, False, False,
    )  # fmt: skip
    assert (paper.documents_reused, paper.documents_submitted) == (1, 1)
    online = readiness(_rework_procedure("online"), connected)
    assert (online.full_online, online.online_payment, online.electronic_result) == (
        True, True, True,
    )  # fmt: skip
