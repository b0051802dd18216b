"""CH04: a transfer between agencies goes through the electronic interconnection."""

from __future__ import annotations

from models.graph import ProcedureGraph, actors_of, physical_items, steps_of
from models.procedure import ActorKind, StepKind
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import Interconnect
from rules.structure import same_agency
from rules.wording import interconnected

__all__ = ["ElectronicInterconnection"]


class ElectronicInterconnection(Rule):
    """A request, submission or notice sent on paper from one agency to another goes
    through the electronic interconnection (liên thông điện tử), at once.

    **Anti-pattern**: the commune sends the land registration office's slip to
    the tax office by courier; the centre carries the file to the Department;
    each carry takes half a day to a day, and the act is only as fast as the
    paper.

    **Best practice**: the act stays — it is a legal act of an agency within
    its own competence — but it is sent through the interconnected information
    systems (Decree 45/2020 on electronic procedures, Decision 296/QĐ-VPCP on
    the linked groups): no paper, no wait, in the system's lane. A transfer that
    carries a physical object (a card, a passport, a certificate on its blank)
    stays a carry.
    """

    code = "CH04"
    name = "channels.electronic_interconnection"
    groups = ("channels", "handoffs")
    reason = (
        "Chuyển văn bản, hồ sơ giữa các cơ quan qua liên thông điện tử thay cho chuyển giấy; "
        "văn bản vẫn được ban hành và gửi"
    )
    reason_en = (
        "Send the act between agencies through the electronic interconnection instead of on "
        "paper; the act itself stays"
    )

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        actors = actors_of(G)
        proposals = []
        for node, attrs in steps_of(G):
            if (
                attrs["kind"] != StepKind.transfer
                or actors[attrs["actor"]]["kind"] == ActorKind.system
                or attrs["mandatory"]
                or physical_items(G, node)
                or not (attrs["act"] or _between_agencies(G, node))
            ):
                continue
            new_name = interconnected(attrs["name"])
            edit = Interconnect(node, old_name=attrs["name"], new_name=new_name)
            proposals.append(
                self.change(
                    (node,),
                    f"«{attrs['name']}» → «{new_name}»",
                    f"“{attrs['name']}” → “{new_name}”",
                    effect=Effect(hours=attrs["hours"]),
                    edits=(edit,),
                )
            )
        return proposals


def _between_agencies(G: ProcedureGraph, node: str) -> bool:
    """Whether the transfer at `node` leads from one agency's step to another's."""
    return any(
        not same_agency(G, pred, succ)
        for pred in G.predecessors(node)
        for succ in G.successors(node)
    )
