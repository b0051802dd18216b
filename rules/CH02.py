"""CH02: cash payment at the desk becomes online payment."""

from __future__ import annotations

from models.graph import ProcedureGraph
from models.procedure import Channel, StepKind
from rules.base import Proposal, RuleContext
from rules.channels import ChannelRule

__all__ = ["OnlinePayment"]


class OnlinePayment(ChannelRule):
    """Fees are paid online instead of in cash at the desk.

    **Anti-pattern**: the applicant queues at the desk to pay the fee in cash
    and keeps the paper receipt.

    **Best practice**: payment through the national payment platform when the
    dossier is accepted, often at the lower online fee (indicator 3.5 of
    Decision 766/QĐ-TTg).
    """

    code = "CH02"
    name = "channels.online_payment"
    groups = ("channels",)
    kinds = frozenset({StepKind.pay})
    reason = "Chuyển nộp phí, lệ phí bằng tiền mặt sang thanh toán trực tuyến"
    reason_en = "Move cash payment at the desk to online payment"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        return list(self._proposals(G, Channel.online))
