"""CH03: the result is returned electronically (or by post) instead of at the desk."""

from __future__ import annotations

from models.graph import ProcedureGraph, header_of
from models.procedure import Channel, StepKind
from rules.base import Proposal, RuleContext
from rules.channels import ChannelRule

__all__ = ["ElectronicResult"]


class ElectronicResult(ChannelRule):
    """The result reaches the applicant electronically, or by public post.

    **Anti-pattern**: the applicant returns to the one-stop desk only to collect
    the signed result.

    **Best practice**: an electronic result in the applicant's account (with
    the paper copy by post when one is needed, Decree 42/2022 Art. 11); where
    the law keeps the procedure off-line (`online_allowed: false`), delivery by
    public post still saves the trip.
    """

    code = "CH03"
    name = "channels.electronic_result"
    groups = ("channels",)
    kinds = frozenset({StepKind.return_})
    reason = "Trả kết quả điện tử hoặc qua bưu chính công ích thay cho nhận trực tiếp"
    reason_en = "Return the result electronically or by public post instead of at the desk"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        online = header_of(G)["online_allowed"]
        return list(self._proposals(G, Channel.online if online else Channel.post))
