"""FL02: steps that can never run are removed."""

from __future__ import annotations

from models.graph import ProcedureGraph, step_of
from rules.base import Proposal, Rule, RuleContext, saving
from rules.edits import DropBranches
from rules.structure import decisions_with_dead_branches, never_run

__all__ = ["NeverRunSteps"]


class NeverRunSteps(Rule):
    """A branch that is never taken is removed, with the steps only it reaches.

    **Anti-pattern**: a procedure keeps a "refer to the provincial council"
    branch that the law abolished; its probability is 0, yet its steps stay in
    the model, in the diagrams and in every count of steps and documents.

    **Best practice**: steps that can never run are removed, so the model shows
    the procedure as it is; the decision keeps its other branches (FL01 removes
    a decision left with one). A mandatory step among them stops the change.
    """

    code = "FL02"
    name = "flow.never_run_steps"
    groups = ("flow",)
    reason = "Bỏ nhánh xử lý không bao giờ xảy ra cùng các bước chỉ thuộc nhánh đó"
    reason_en = "Remove a branch that is never taken, with the steps only it leads to"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for node, dead, live in decisions_with_dead_branches(G):
            if live < 2:
                continue
            names = ", ".join(f"«{step_of(G, v)['name']}»" for v in dead)
            proposal = self.change(
                (node, *dead),
                names,
                names.replace("«", "“").replace("»", "”"),
                effect=saving(G, never_run(G, node)),
                edits=(DropBranches(node),),
            )
            proposals.append(proposal)
        return proposals
