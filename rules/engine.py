"""The engine: apply the rules' proposals one at a time, under guardrails, to a fixed point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.graph import ProcedureGraph
from rules.base import Change, Rule, RuleContext
from rules.guardrails import broken_guardrail

__all__ = ["MAX_CHANGES", "Outcome", "Refusal", "reengineer"]

MAX_CHANGES = 500
"""A bound on changes per procedure, far above any real procedure's needs."""


@dataclass(frozen=True)
class Refusal:
    """A proposal the engine did not apply, and the guardrail it would have broken."""

    change: Change
    guardrail: str


@dataclass(frozen=True)
class Outcome:
    """The re-engineered graph, the changes applied in order, and the refusals."""

    after: ProcedureGraph
    changes: tuple[Change, ...]
    refused: tuple[Refusal, ...]


def reengineer(G: ProcedureGraph, rules: Sequence[Rule], context: RuleContext) -> Outcome:
    """Apply the proposals of `rules` to `G` until none is left; `G` is not mutated.

    Rules are asked in order; the first proposal that passes the guardrails is
    applied and the rules are asked again, so each proposal sees the current
    graph. A proposal that breaks a guardrail is refused once and not retried.
    """
    current = G
    changes: list[Change] = []
    refused: dict[object, Refusal] = {}
    while len(changes) < MAX_CHANGES:
        applied = False
        for rule in rules:
            for proposal in rule.propose(current, context):
                if proposal.key in refused:
                    continue
                candidate = proposal.apply(current)
                guardrail = broken_guardrail(current, candidate, context)
                if guardrail is not None:
                    refused[proposal.key] = Refusal(proposal.change, guardrail)
                    continue
                current = candidate
                changes.append(proposal.change)
                applied = True
                break
            if applied:
                break
        if not applied:
            break
    return Outcome(after=current, changes=tuple(changes), refused=tuple(refused.values()))
