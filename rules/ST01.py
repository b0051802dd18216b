"""ST01: remove a pass-through transfer step and connect its neighbours directly."""

from __future__ import annotations

from models.graph import ProcedureGraph, StepData, physical_items, steps_of
from models.procedure import StepKind
from rules.base import Proposal, Rule, RuleContext
from rules.edits import RemoveStep
from rules.structure import same_agency

__all__ = ["PassThroughTransfer"]


class PassThroughTransfer(Rule):
    """A step that only carries the dossier from one actor to the next is removed.

    **Anti-pattern**: the one-stop desk receives a dossier, then a clerk spends
    half a day "transferring" it on paper to the specialist unit, and the unit
    later "transfers" the result back; each carry is a step, a queue and a
    hand-off that adds nothing.

    **Best practice**: the one-stop information system routes the dossier the
    moment it is received; the receiving actor's step follows the sender's
    directly. Transfers that do work (carry documents, are required by law) stay, and
    so does a transfer that carries a physical object (a card, a passport) or one from
    one agency to another (a request or submission between agencies is a legal act of
    its own: a tax information slip, a request for the courts' verification; CH04 makes
    it an electronic interconnection).
    """

    code = "ST01"
    name = "steps.pass_through_transfer"
    groups = ("steps", "handoffs")
    reason = (
        "Bỏ bước chuyển hồ sơ trung gian: hệ thống một cửa điện tử chuyển hồ sơ ngay, "
        "không cần một bước và một lượt chờ riêng"
    )
    reason_en = (
        "Remove the pass-through transfer: the electronic one-stop system routes the "
        "dossier at once, without a step and a queue of its own"
    )

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for node, attrs in steps_of(G):
            if not _is_pass_through(G, node, attrs):
                continue
            proposals.append(self.removal(G, node, RemoveStep(node)))
        return proposals


def _is_pass_through(G: ProcedureGraph, node: str, attrs: StepData) -> bool:
    if attrs["kind"] != StepKind.transfer or attrs["mandatory"] or attrs["act"]:
        return False
    if physical_items(G, node):  # a card, a passport, a seal: carried, not routed
        return False
    if attrs["documents"] or attrs["uses"]:
        return False
    if G.in_degree(node) != 1 or G.out_degree(node) != 1:
        return False
    (pred,) = G.predecessors(node)
    (succ,) = G.successors(node)
    if pred in (node, succ) or succ == node:
        return False
    # A transfer from one agency to another is a legal act (a written request, a
    # submission), not a carry: it stays.
    return same_agency(G, pred, succ)
