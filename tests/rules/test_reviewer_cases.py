"""Proposals a reviewer refused to sign (../shared/CATALOGUE-REVIEW.md), pinned on the
bundled catalogue: physical things stay physical, presence stays in person, legal acts
between agencies stay (sent through the electronic interconnection), steps are named
for their channel, and no parallel branch is empty."""

from __future__ import annotations

import pytest

from analysis.result import ProcedureAnalysis, analyze, rule_context
from inputs.files import load_procedure
from models.costs import readiness
from models.graph import actors_of, has_role, step_of, steps_of, to_graph
from models.procedure import ActorKind, Channel, DataSource
from rules import get_rules
from rules.structure import empty_branches
from tests.conftest import CATALOG


def _analysis(stem: str, sources: dict[str, DataSource]) -> ProcedureAnalysis:
    procedure = load_procedure(CATALOG / "essential" / f"{stem}.yaml", sources)
    return analyze(to_graph(procedure), get_rules(), rule_context(sources))


@pytest.mark.parametrize(
    ("stem", "kept"),
    [
        # the land office's information slip to the tax office
        ("18-dang-ky-bien-dong-chuyen-nhuong-quyen-su-dung-dat", ["send_tax"]),
        # the written request that triggers the courts' verification
        ("22-cap-phieu-ly-lich-tu-phap", ["request_verification"]),
        # the centre proposes, the Department decides: two competences
        ("23-giai-quyet-huong-tro-cap-that-nghiep", ["centre_review", "transfer_department"]),
    ],
)
def test_acts_between_agencies_stay(
    stem: str, kept: list[str], sources: dict[str, DataSource]
) -> None:
    after = _analysis(stem, sources).outcome.after
    for step in kept:
        assert step in after, step


@pytest.mark.parametrize("stem", ["10-dang-ky-khai-tu", "11-dang-ky-ket-hon"])
def test_no_parallel_branch_is_left_empty(stem: str, sources: dict[str, DataSource]) -> None:
    analysis = _analysis(stem, sources)
    assert empty_branches(analysis.outcome.after) == set()
    assert "join" not in analysis.outcome.after  # the block for a dropped verification


@pytest.mark.parametrize(
    ("stem", "carry"),
    [("02-cap-doi-the-can-cuoc", "to_province"), ("12-cap-ho-chieu-pho-thong", "to_province")],
)
def test_the_card_and_the_passport_keep_their_shipment_and_go_by_post(
    stem: str, carry: str, sources: dict[str, DataSource]
) -> None:
    analysis = _analysis(stem, sources)
    after = analysis.outcome.after
    assert carry in after and step_of(after, carry)["hours"] > 0  # carried, not "routed"
    assert step_of(after, "return")["channel"] == Channel.post
    assert not readiness(after, frozenset()).electronic_result  # a posted card is not electronic


@pytest.mark.parametrize("stem", ["13-dang-ky-mau-con-dau-moi", "14-dang-ky-lai-mau-con-dau"])
def test_the_seal_is_handed_over_in_person(stem: str, sources: dict[str, DataSource]) -> None:
    analysis = _analysis(stem, sources)
    after = analysis.outcome.after
    for step in ("bring_seal", "return"):
        assert step_of(after, step)["channel"] == Channel.in_person, step
    assert analysis.metrics_after.visits >= 1  # never "full online, 0 visits"


def test_the_tax_slip_becomes_an_electronic_interconnection(
    sources: dict[str, DataSource],
) -> None:
    after = _analysis("18-dang-ky-bien-dong-chuyen-nhuong-quyen-su-dung-dat", sources).outcome.after
    slip = step_of(after, "send_tax")
    assert actors_of(after)[slip["actor"]]["kind"] == ActorKind.system
    assert slip["hours"] == 0 and "liên thông điện tử" in slip["name"]
    assert slip["act"] == "notice"


def test_birth_registration_has_no_payment_and_an_electronic_result(
    sources: dict[str, DataSource],
) -> None:
    analysis = _analysis("09-dang-ky-khai-sinh", sources)
    after = analysis.outcome.after
    assert not any(has_role(after, node, "pay") for node, _ in steps_of(after))
    assert readiness(after, frozenset()).electronic_result
