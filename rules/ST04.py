"""ST04: successive approvals of one decision are reduced to the one the law requires."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from models.graph import ProcedureGraph, step_of
from models.procedure import StepKind
from rules.base import Proposal, Rule, RuleContext, removal_effect
from rules.edits import RemoveStep
from rules.structure import same_agency

__all__ = ["SuccessiveApprovals"]

_APPROVALS = frozenset({StepKind.approve, StepKind.sign})


class SuccessiveApprovals(Rule):
    """In a run of approvals and signatures in a row, only the one the law requires stays.

    **Anti-pattern**: the team leader initials the draft (ký nháy), the deputy
    head approves it, then the head signs it — three queues for one decision
    that the law gives to one person.

    **Best practice**: the person the law names signs; the others' review is
    part of drafting, not steps of their own. The signature the law requires is
    marked `mandatory` with its legal basis and always stays; when no approval
    in the run is marked, the last one (the signature that issues the decision)
    stays, unless `unmarked` is `keep_all`. An approval that produces a record
    of its own (an opinion, a decision) or is marked as a legal act stays too,
    and a run stops where the next approval belongs to another agency: each
    agency decides within its own competence (the employment centre proposes,
    the Department decides).
    """

    code = "ST04"
    name = "steps.successive_approvals"
    groups = ("steps", "handoffs")
    reason = "Giảm các cấp duyệt, ký nối tiếp cho cùng một kết quả về một cấp ký theo quy định"
    reason_en = (
        "Reduce successive approvals and signatures of one result to the one the law requires"
    )

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
        unmarked: Literal["keep_last", "keep_all"] = "keep_last"
        """What to keep when no approval in the run is marked mandatory."""

    params: Params

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for run in _approval_runs(G):
            kept = [n for n in run if step_of(G, n)["mandatory"]]
            if not kept:
                if self.params.unmarked == "keep_all":
                    continue
                kept = [run[-1]]
            keeper = step_of(G, kept[-1])["name"]
            for node in run:
                if node in kept or step_of(G, node)["produces"] or step_of(G, node)["act"]:
                    continue
                name = step_of(G, node)["name"]
                proposal = self.change(
                    (node, kept[-1]),
                    f"«{name}»; giữ «{keeper}»",
                    f"“{name}”; “{keeper}” stays",
                    effect=removal_effect(G, node),
                    edits=(RemoveStep(node),),
                )
                proposals.append(proposal)
        return proposals


def _approval_runs(G: ProcedureGraph) -> list[list[str]]:
    """Maximal runs of two or more approvals joined by single flows, in order."""

    def is_approval(node: str) -> bool:
        return step_of(G, node)["kind"] in _APPROVALS

    def next_in_run(node: str) -> str | None:
        if G.out_degree(node) != 1:
            return None
        (succ,) = G.successors(node)
        # another agency's approval is a decision within its own competence
        if is_approval(succ) and G.in_degree(succ) == 1 and succ != node:
            return succ if same_agency(G, node, succ) else None
        return None

    runs = []
    for node in G:
        if not is_approval(node):
            continue
        preds = list(G.predecessors(node))
        if len(preds) == 1 and is_approval(preds[0]) and next_in_run(preds[0]) == node:
            continue
        run = [node]
        while (succ := next_in_run(run[-1])) is not None and succ not in run:
            run.append(succ)
        if len(run) > 1:
            runs.append(run)
    return runs
