"""Expected values, not best cases: a look-up that can miss leaves a branch where the
applicant supplies the paper, and visits and cost are weighed over the share of
dossiers that go online (today's before, the target after)."""

from __future__ import annotations

import pytest

from analysis.result import Inputs, analyze, rule_context
from inputs.registry import load_cost_settings
from models.graph import step_of, steps_of, to_graph
from models.metrics import expected_visits, measure
from models.procedure import DataSource, Procedure
from rules import get_rules
from tests.conftest import CATALOG

SOURCES = {
    "population_db": DataSource(
        id="population_db", name="CSDL dân cư", connected=True, hit_rate=0.9
    )
}


def _procedure() -> Procedure:
    return Procedure.model_validate(
        {
            "code": "9.999999",
            "name": "Thủ tục thử",
            "level": "commune",
            "statutory_days": 3,
            "annual_volume": 1000,
            "actors": {
                "applicant": {"name": "Công dân", "kind": "applicant"},
                "desk": {"name": "Bộ phận Một cửa", "kind": "one_stop"},
                "leader": {"name": "Chủ tịch", "kind": "leader"},
            },
            "documents": {
                "form": {"name": "Tờ khai"},
                "id_copy": {"name": "Bản sao CCCD", "held_by": "population_db"},
            },
            "steps": [
                {
                    "id": "submit",
                    "name": "Nộp hồ sơ trực tiếp tại Bộ phận Một cửa",
                    "actor": "applicant",
                    "kind": "submit",
                    "channel": "in_person",
                    "hours": 1,
                    "documents": ["form", "id_copy"],
                },
                {
                    "id": "check",
                    "name": "Kiểm tra",
                    "actor": "desk",
                    "kind": "check",
                    "hours": 1,
                    "uses": ["form", "id_copy"],
                },
                {
                    "id": "sign",
                    "name": "Ký",
                    "actor": "leader",
                    "kind": "sign",
                    "hours": 2,
                    "mandatory": True,
                    "legal_basis": "Điều 1",
                },
                {
                    "id": "back",
                    "name": "Nhận kết quả tại Bộ phận Một cửa",
                    "actor": "applicant",
                    "kind": "return",
                    "channel": "in_person",
                    "hours": 0.5,
                },
            ],
            "flows": [
                {"from": "submit", "to": "check"},
                {"from": "check", "to": "sign"},
                {"from": "sign", "to": "back"},
            ],
        }
    )


def _inputs(today: float, target: float) -> Inputs:
    costs = load_cost_settings(CATALOG / "cost_settings.yaml").model_copy(
        update={"online_share_today": today, "online_share_target": target}
    )
    return Inputs(SOURCES, costs)


def test_a_look_up_that_can_miss_leaves_a_branch_for_the_paper() -> None:
    analysis = analyze(to_graph(_procedure()), get_rules(["DO01"]), rule_context(SOURCES))
    after = analysis.outcome.after
    (fallback,) = [node for node, attrs in steps_of(after) if attrs["fallback"]]
    assert step_of(after, fallback)["documents"] == ["id_copy"]
    (decision,) = after.predecessors(fallback)
    assert after.edges[decision, fallback]["probability"] == pytest.approx(0.1)
    assert after.edges[decision, "check"]["probability"] == pytest.approx(0.9)
    # the paper is no longer a dossier component, and the fallback is no step of the design
    assert measure(after).documents == 1 and measure(after).steps == 4
    assert measure(after).visits == 2
    # but the applicant's expected trips count it: in person, one time in ten
    assert expected_visits(after) == pytest.approx(2.1)
    assert "giả định 10% hồ sơ" in analysis.outcome.changes[0].reason


def test_a_source_that_always_answers_leaves_no_branch() -> None:
    sources = {"population_db": SOURCES["population_db"].model_copy(update={"hit_rate": 1.0})}
    analysis = analyze(to_graph(_procedure()), get_rules(["DO01"]), rule_context(sources))
    assert not any(attrs["fallback"] for _, attrs in steps_of(analysis.outcome.after))


def test_visits_and_cost_are_weighed_over_the_online_share() -> None:
    analysis = analyze(to_graph(_procedure()), get_rules(), rule_context(SOURCES))
    result = analysis.result(_inputs(today=0.5, target=0.8))
    # before: half go online today (no trip), half come twice
    assert result.before.online_share == 0.5
    assert result.before.expected_visits == pytest.approx(0.5 * 0 + 0.5 * 2)
    # after: those who still come in person make 2 trips, plus the fallback one time in ten
    assert result.after.online_share == 0.8
    assert result.after.expected_visits == pytest.approx(0.2 * 2.1)
    assert result.after.visits == 0  # the design's count: every step online
    best = analysis.result(_inputs(today=0.0, target=1.0))
    assert best.after.expected_cost_per_year_vnd == best.after.cost_per_year_vnd
    assert best.before.expected_cost_per_year_vnd == best.before.cost_per_year_vnd
    assert (result.after.expected_cost_per_year_vnd or 0) > best.after.cost_per_year_vnd


def test_the_bundled_figures_are_expected_values_too() -> None:
    costs = load_cost_settings(CATALOG / "cost_settings.yaml")
    assert 0 < costs.online_share_today < costs.online_share_target <= 1
