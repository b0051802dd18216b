"""The engine: apply the rules' proposals one at a time, under guardrails, to a fixed point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from models.graph import ProcedureGraph
from rules.base import Change, Proposal, Rule, RuleContext
from rules.guardrails import Guarded

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
    """The proposals the final graph still prompts and the guardrails refuse."""


def reengineer(G: ProcedureGraph, rules: Sequence[Rule], context: RuleContext) -> Outcome:
    """Apply the proposals of `rules` to the valid graph `G` until none is left.

    Each rule in turn applies its first acceptable proposal and is asked again
    until it has nothing more; passes over the rules repeat until one changes
    nothing, so the result is a fixed point: the engine applied to it changes
    nothing. `G` is never mutated.
    """
    current = Guarded.of(G, context)
    changes: list[Change] = []
    refused: dict[object, Refusal] = {}
    progress = True
    while progress:
        progress = False
        for rule in rules:
            while len(changes) < MAX_CHANGES:
                accepted = _first_accepted(rule.propose(current.graph, context), current, refused)
                if accepted is None:
                    break
                change, current = accepted
                changes.append(change)
                refused.clear()
                progress = True
    return Outcome(after=current.graph, changes=tuple(changes), refused=tuple(refused.values()))


def _first_accepted(
    proposals: Sequence[Proposal], current: Guarded, refused: dict[object, Refusal]
) -> tuple[Change, Guarded] | None:
    """The first proposal no guardrail refuses, applied; refusals are recorded."""
    for proposal in proposals:
        if proposal.key in refused:
            continue
        checked = current.check(proposal.apply(current.graph))
        if isinstance(checked, Guarded):
            removed = tuple(node for node in current.graph if node not in checked.graph)
            return replace(proposal.change, removed_steps=removed), checked
        refused[proposal.key] = Refusal(proposal.change, checked)
    return None
