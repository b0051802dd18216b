"""The engine: apply the rules' proposals under guardrails, rule by rule, to a fixed point."""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, replace

from models.graph import ProcedureGraph, copy_graph
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

    @property
    def rule(self) -> str:
        return self.change.rule

    @property
    def reason(self) -> str:
        return self.change.reason

    @property
    def reason_en(self) -> str:
        return self.change.reason_en


@dataclass(frozen=True)
class Outcome:
    """The re-engineered graph, the changes applied in order, and the refusals."""

    after: ProcedureGraph
    changes: tuple[Change, ...]
    refused: tuple[Refusal, ...]
    """The proposals the final graph still prompts and the guardrails refuse."""


def reengineer(G: ProcedureGraph, rules: Sequence[Rule], context: RuleContext) -> Outcome:
    """Apply the proposals of `rules` to the valid graph `G` until none is left.

    A pass asks each rule in turn for its proposals and makes them on a
    working copy, each on the graph as the previous one left it; the
    guardrails then check the pass's changes together. When they refuse, the
    pass is redone rule by rule, and a rule whose changes are refused
    together has its proposals checked one at a time, each refused one
    recorded with its guardrail. Passes repeat until every rule, asked on the
    final graph, has nothing to propose: the result is a fixed point, and the
    engine applied to it changes nothing. `G` is never mutated.
    """
    current = Guarded.of(G, context)
    changes: list[Change] = []
    refused: dict[object, Refusal] = {}
    settled: set[Rule] = set()
    while len(settled) < len(rules) and len(changes) < MAX_CHANGES:
        pending = [rule for rule in rules if rule not in settled]
        together = _together(pending, current, context, refused)
        if together is None:
            batch, current = _rule_by_rule(rules, current, context, refused)
            settled = set() if batch else set(rules)
        else:
            batch, current, quiet = together
            settled = set(quiet) if batch else settled | set(quiet)
        changes.extend(batch)
        for key, refusal in list(refused.items()):
            if not any(rule.code == refusal.change.rule for rule in settled):
                del refused[key]
    return Outcome(after=current.graph, changes=tuple(changes), refused=tuple(refused.values()))


def _proposals(rule: Rule, G: ProcedureGraph, context: RuleContext) -> Iterator[Proposal]:
    """`rule`'s proposals that the context allows (none a reviewer rejected)."""
    return (p for p in rule.propose(G, context) if context.allows(p.key))


def _next(
    rule: Rule, G: ProcedureGraph, context: RuleContext, skip: Container[object]
) -> Proposal | None:
    return next((p for p in _proposals(rule, G, context) if p.key not in skip), None)


def _applied(proposal: Proposal, work: ProcedureGraph) -> Change:
    """Make the edits of `proposal` in `work`; return its change with the steps they
    removed and added."""
    removed: list[str] = []
    added: list[str] = []
    for edit in proposal.change.edits:
        realised = edit.apply(work)
        removed += realised.removed
        added += realised.added
    return replace(proposal.change, removed_steps=tuple(removed), added_steps=tuple(added))


def _together(
    rules: Sequence[Rule], current: Guarded, context: RuleContext, refused: dict[object, Refusal]
) -> tuple[list[Change], Guarded, list[Rule]] | None:
    """The rules' proposals, each rule's made in turn, checked once; None if refused.

    Also returns the rules settled: asked on the final graph, they proposed
    nothing. A rule is asked again after its change only when it had
    proposed more than one (the others may be stale); whatever a change
    newly allows is found by the next pass, which asks the unsettled rules.
    """
    work: ProcedureGraph | None = None
    made: dict[object, object] = dict(refused)
    batch: list[Change] = []
    quiet_since: dict[Rule, int] = {}
    for rule in rules:
        while len(batch) < MAX_CHANGES:
            graph = current.graph if work is None else work
            proposals = [p for p in _proposals(rule, graph, context) if p.key not in made]
            if not proposals:
                quiet_since[rule] = len(batch)
                break
            if work is None:
                work = copy_graph(current.graph)
            made[proposals[0].key] = proposals[0]
            batch.append(_applied(proposals[0], work))
            if len(proposals) == 1:
                break
    settled = [rule for rule, since in quiet_since.items() if since == len(batch)]
    if work is None:
        return [], current, settled
    checked = current.check(work)
    return (batch, checked, settled) if isinstance(checked, Guarded) else None


def _rule_by_rule(
    rules: Sequence[Rule], current: Guarded, context: RuleContext, refused: dict[object, Refusal]
) -> tuple[list[Change], Guarded]:
    """A pass rule by rule: each rule's changes checked together, else one at a time."""
    batch: list[Change] = []
    for rule in rules:
        together = _together([rule], current, context, refused)
        made = _one_by_one(rule, current, context, refused) if together is None else together[:2]
        batch += made[0]
        current = made[1]
    return batch, current


def _one_by_one(
    rule: Rule, current: Guarded, context: RuleContext, refused: dict[object, Refusal]
) -> tuple[list[Change], Guarded]:
    """`rule`'s proposals one at a time, each checked; refusals are recorded."""
    batch: list[Change] = []
    while len(batch) < MAX_CHANGES:
        proposal = _next(rule, current.graph, context, refused)
        if proposal is None:
            break
        work = copy_graph(current.graph)
        change = _applied(proposal, work)
        checked = current.check(work)
        if isinstance(checked, Guarded):
            batch.append(change)
            current = checked
        else:
            refused[proposal.key] = Refusal(proposal.change, checked)
    return batch, current
