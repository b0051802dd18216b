"""Who approves each proposal, and the official cost method (Circular 02/2017/TT-VPCP,
Art. 27, and the provincial processing-days practice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.approval import ApprovalLevel, approval
from analysis.plan import plan_of
from analysis.result import analyze
from inputs.files import load_procedure
from inputs.registry import load_inputs, load_plan_settings
from inputs.settings import get_settings
from models.costs import CostSettings
from models.errors import InvalidSettings
from models.graph import to_graph
from models.official_cost import CostMethod, benefit, proposed_days
from rules import Change, get_rules
from tests.conftest import CATALOG

BIRTH = CATALOG / "essential" / "09-dang-ky-khai-sinh.yaml"


def test_each_change_is_approved_at_the_level_its_nature_needs() -> None:
    inputs = load_inputs(get_settings())
    analysis = analyze(to_graph(load_procedure(BIRTH, inputs.sources)), get_rules(), inputs.context)
    levels = {c.rule: approval(c, analysis.before) for c in analysis.outcome.changes}
    assert levels["DO01"].level is ApprovalLevel.ministry
    assert levels["DO01"].legal_text == "Thông tư 04/2020/TT-BTP"  # the circular, not the law
    assert levels["CH01"].level is ApprovalLevel.province
    assert levels["ST01"].level is ApprovalLevel.department
    assert levels["ST01"].legal_text is None


def test_removing_a_step_the_law_describes_needs_a_ministry_and_names_the_article() -> None:
    G = to_graph(load_procedure(BIRTH))
    change = Change("ST02", ("record",), "gộp", "merge", removed_steps=("record",))
    decided = approval(change, G)
    assert decided.level is ApprovalLevel.ministry
    assert decided.legal_text == "Luật Hộ tịch 2014, Điều 16 khoản 2"


def test_the_official_method_and_the_provincial_practice_state_the_same_cut_differently() -> None:
    official = benefit(CostMethod.circular_02, (50_000, 20_000), (5, 3), 40_000, 1_200, 2)
    assert official.before.subjects_per_year == 600  # 1,200 dossiers, twice a year each
    assert (official.before.per_year_vnd, official.after.per_year_vnd) == (60_000_000, 24_000_000)
    assert (official.saving_vnd, official.saving_percent) == (36_000_000, 60.0)
    assert (official.days_saved, official.days_percent) == (2, 40.0)
    practice = benefit(CostMethod.processing_days, (50_000, 20_000), (5, 3), 40_000, 1_200, 2)
    assert practice.before.per_compliance_vnd == 5 * 8 * 40_000
    assert practice.saving_percent == 40.0
    with pytest.raises(ValueError, match="positive"):
        benefit(CostMethod.circular_02, (1, 1), (1, 1), 1, 1, 0)


def test_the_proposed_time_is_counted_in_half_days_within_the_statutory_time() -> None:
    assert proposed_days(7, 4.01) == 4.5
    assert proposed_days(7, 4.0) == 4.0
    assert proposed_days(2, 3.2) == 2  # never beyond the statutory time
    assert proposed_days(0, 0.2) == 0  # no statutory time: none proposed


def test_a_bad_plan_settings_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "plan_settings.yaml"
    text = (get_settings().plan_settings_file).read_text("utf-8")
    path.write_text(text.replace("method: circular_02", "method: guesswork"), "utf-8")
    with pytest.raises(InvalidSettings, match="method"):
        load_plan_settings(path)


def test_where_income_figures_disagree_the_lower_average_is_required() -> None:
    costs = load_inputs(get_settings()).costs
    document = costs.model_dump()
    figures = {"GSO 2025": 47_000, "provincial statistics 2024": 40_000}
    with pytest.raises(ValueError, match=r"lower average: 40,000 \(provincial statistics 2024\)"):
        CostSettings.model_validate({**document, "hourly_income_figures": figures})
    agreed = {**document, "hourly_income_figures": figures, "hourly_income_vnd": 40_000}
    assert CostSettings.model_validate(agreed).hourly_income_vnd == 40_000


def test_staff_load_counts_work_not_gateways() -> None:
    """A parallel split and join are not steps a member of staff does."""
    inputs = load_inputs(get_settings())
    residence = load_procedure(CATALOG / "essential" / "03-dang-ky-thuong-tru.yaml", inputs.sources)
    analysis = analyze(to_graph(residence), get_rules(), inputs.context)
    after = analysis.outcome.after
    assert any(after.nodes[n]["kind"] == "join" for n in after)
    plan = plan_of(analysis, analysis.result(inputs), 47_000, load_plan_settings(
        get_settings().plan_settings_file))  # fmt: skip
    actors = after.graph["actors"]
    work = [
        n for n in after
        if after.nodes[n]["kind"] not in ("decide", "parallel", "join")
        and actors[after.nodes[n]["actor"]]["kind"] != "applicant"
    ]  # fmt: skip
    assert sum(s.steps_after for s in plan.staff) == len(work)
