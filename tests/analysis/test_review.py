"""A reviewer's decision makes the approved procedure: exactly the accepted changes,
validated and guarded; a change that no longer applies is reported, not forced."""

from __future__ import annotations

from datetime import UTC, datetime

from analysis.diff import diff_versions
from analysis.result import analyze
from analysis.review import (
    Decision,
    ReviewDecision,
    Verdict,
    apply_review,
    decision_from_json,
    decision_to_json,
)
from inputs.files import load_procedure
from inputs.registry import load_inputs
from inputs.settings import get_settings
from models.graph import to_graph
from models.validation import validate_graph
from rules import get_rules
from tests.conftest import CATALOG

INPUTS = load_inputs(get_settings())
BIRTH = to_graph(
    load_procedure(CATALOG / "essential" / "09-dang-ky-khai-sinh.yaml", INPUTS.sources)
)


def _review(verdicts: dict[str, Verdict]) -> tuple[ReviewDecision, list[Decision]]:
    proposal = analyze(BIRTH, get_rules(), INPUTS.context)
    decisions = [
        Decision(c.key, verdicts.get(c.rule, Verdict.accept), "giữ bước này")
        for c in proposal.outcome.changes
    ]
    return ReviewDecision("Nguyễn Văn A", "", datetime.now(UTC), tuple(decisions)), decisions


def test_accepting_everything_gives_the_proposal() -> None:
    review, _ = _review({})
    approved = apply_review(BIRTH, get_rules(), INPUTS.context, review)
    proposal = analyze(BIRTH, get_rules(), INPUTS.context)
    assert approved.not_applied == ()
    assert diff_versions(proposal.outcome.after, approved.analysis.outcome.after).empty


def test_rejected_changes_are_not_made_and_the_rest_is_valid() -> None:
    review, decisions = _review({"ST01": Verdict.reject, "CH03": Verdict.reject})
    approved = apply_review(BIRTH, get_rules(), INPUTS.context, review)
    made = {c.key for c in approved.analysis.outcome.changes}
    rejected = {d.key for d in decisions if d.verdict is Verdict.reject}
    assert made.isdisjoint(rejected)
    assert made == {d.key for d in decisions if d.verdict is Verdict.accept} - set(
        approved.not_applied
    )
    after = approved.analysis.outcome.after
    assert validate_graph(after, file="approved", sources=INPUTS.sources) == []
    assert {"transfer", "transfer_back"} <= set(after)  # the rejected removals stay
    assert after.nodes["return"]["channel"] == "in_person"


def test_a_decision_survives_the_store() -> None:
    _, decisions = _review({"DO01": Verdict.reject})
    for decision in decisions:
        assert decision_from_json(decision_to_json(decision, applied=True)) == decision
