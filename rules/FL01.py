"""FL01: a decision that can only go one way is removed."""

from __future__ import annotations

from models.graph import ProcedureGraph, step_of
from rules.base import Proposal, Rule, RuleContext, saving
from rules.edits import DropBranches
from rules.structure import decisions_with_dead_branches, never_run

__all__ = ["SingleBranchDecision"]


class SingleBranchDecision(Rule):
    """A decision whose every branch but one is never taken is removed.

    **Anti-pattern**: the model still routes every dossier through "is the land
    in a planning area?" although the answer has been "no" for years (the
    other branch has probability 0): a gateway that decides nothing, and
    steps behind it that never run.

    **Best practice**: the flow goes straight on along the one branch taken;
    the never-taken branch and the steps only it reaches are removed (a
    mandatory step among them stops the change).
    """

    code = "FL01"
    name = "flow.single_branch_decision"
    groups = ("flow",)
    reason = "Bỏ điểm rẽ nhánh chỉ còn một hướng thực tế xảy ra"
    reason_en = "Remove a decision that in practice only ever goes one way"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for node, _, live in decisions_with_dead_branches(G):
            if live != 1:
                continue
            name = step_of(G, node)["name"]
            proposal = self.change(
                (node,),
                f"«{name}»",
                f"“{name}”",
                effect=saving(G, never_run(G, node)),
                edits=(DropBranches(node),),
            )
            proposals.append(proposal)
        return proposals
