"""ST02: merge consecutive steps of the same actor into one step."""

from __future__ import annotations

from models.graph import ProcedureGraph, is_gateway, physical_items, step_of
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import MergeSteps

__all__ = ["SameActorMerge"]


class SameActorMerge(Rule):
    """Two consecutive steps done by the same actor become one step.

    **Anti-pattern**: the one-stop desk "checks the dossier", then, as a
    separate step with its own queue, "writes the receipt"; the specialist
    "drafts the result", then separately "prints the result".

    **Best practice**: one actor, one step: the desk checks and writes the
    receipt in one sitting. Only steps joined by a single flow and done through
    the same channel merge, never a step the law requires, a legal act or the
    hand-over of a physical object (a carry stays in sight); the
    merged step keeps what both did (a payment and a return stay a payment and
    a return for the measures).
    """

    code = "ST02"
    name = "steps.same_actor_merge"
    groups = ("steps",)
    reason = "Gộp hai bước liền nhau do cùng một người thực hiện thành một bước"
    reason_en = "Merge two consecutive steps done by the same actor into one step"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for first, second in G.edges:
            if not _mergeable(G, first, second):
                continue
            names = f"«{step_of(G, first)['name']}» + «{step_of(G, second)['name']}»"
            edit = MergeSteps(step=second, into=first)
            proposals.append(
                self.change((first, second), names, effect=Effect(steps=1), edits=(edit,))
            )
        return proposals


def _mergeable(G: ProcedureGraph, first: str, second: str) -> bool:
    a, b = step_of(G, first), step_of(G, second)
    return (
        first != second
        and G.out_degree(first) == 1
        and G.in_degree(second) == 1
        and not is_gateway(G, first)
        and not is_gateway(G, second)
        and a["actor"] == b["actor"]
        and a["channel"] == b["channel"]
        and not a["mandatory"]
        and not b["mandatory"]
        and not a["act"]
        and not b["act"]
        and not physical_items(G, first)
        and not physical_items(G, second)
    )
