"""A reviewer's decision on a proposal, and the approved procedure it makes.

The approved procedure is not the proposal with the rejected changes cut out: the engine
runs again on the as-is version, allowed to make only the accepted changes (changes are
data, identified by their rule, steps and documents), so the result is validated and
guarded like any other. An accepted change that no longer applies once others are
rejected is reported, never forced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from analysis.result import ProcedureAnalysis, analyze
from models.graph import ProcedureGraph
from rules import ChangeKey, Rule, RuleContext

__all__ = [
    "Approved",
    "Decision",
    "ReviewDecision",
    "Verdict",
    "apply_review",
    "decision_from_json",
    "decision_to_json",
]


class Verdict(StrEnum):
    accept = "accept"
    reject = "reject"


@dataclass(frozen=True)
class Decision:
    """The verdict on one proposed change (a rejection says why)."""

    key: ChangeKey
    verdict: Verdict
    reason: str = ""


@dataclass(frozen=True)
class ReviewDecision:
    """Who decided a proposal, when, with what comment, and the verdict on each change."""

    reviewer: str
    comment: str
    decided_at: datetime
    decisions: tuple[Decision, ...]

    def keys(self, verdict: Verdict) -> frozenset[ChangeKey]:
        return frozenset(d.key for d in self.decisions if d.verdict is verdict)


@dataclass(frozen=True)
class Approved:
    """The as-is version re-engineered with the accepted changes only."""

    analysis: ProcedureAnalysis
    not_applied: tuple[ChangeKey, ...]
    """Accepted changes the engine could not make once others were rejected."""


def apply_review(
    before: ProcedureGraph, rules: Sequence[Rule], context: RuleContext, review: ReviewDecision
) -> Approved:
    """The approved procedure: `before` re-engineered with exactly the accepted changes."""
    accepted = review.keys(Verdict.accept)
    allowed = replace(context, only=accepted, rejected=review.keys(Verdict.reject))
    analysis = analyze(before, list(rules), allowed)
    made = {change.key for change in analysis.outcome.changes}
    ordered = [d.key for d in review.decisions if d.key in accepted]
    return Approved(analysis, tuple(key for key in ordered if key not in made))


def decision_to_json(decision: Decision, applied: bool | None = None) -> dict[str, Any]:
    """A decision as the store keeps it (with whether the engine could apply it)."""
    rule, steps, documents = decision.key
    document: dict[str, Any] = {
        "rule": rule,
        "steps": list(steps),
        "documents": list(documents),
        "verdict": decision.verdict.value,
        "reason": decision.reason,
    }
    if applied is not None:
        document["applied"] = applied
    return document


def decision_from_json(document: dict[str, Any]) -> Decision:
    key = (document["rule"], tuple(document["steps"]), tuple(document["documents"]))
    return Decision(key, Verdict(document["verdict"]), document.get("reason", ""))
