"""CH01: in-person submission becomes online submission."""

from __future__ import annotations

from models.graph import ProcedureGraph, header_of
from models.procedure import Channel, StepKind
from rules.base import Proposal, RuleContext
from rules.channels import ChannelRule

__all__ = ["OnlineSubmission"]


class OnlineSubmission(ChannelRule):
    """The applicant submits (and supplements) the dossier online instead of at the desk.

    **Anti-pattern**: the applicant travels to the one-stop desk to hand in a
    paper dossier, and travels again to hand in a missing paper.

    **Best practice**: submission through the public service portal, for every
    procedure the law allows online (toàn trình, Decree 42/2022 Art. 11).
    Submissions the law requires in person (`online_allowed: false`, or a
    mandatory step) stay.
    """

    code = "CH01"
    name = "channels.online_submission"
    groups = ("channels",)
    kinds = frozenset({StepKind.submit, StepKind.receive})
    reason = "Chuyển nộp hồ sơ trực tiếp sang nộp trực tuyến trên Cổng dịch vụ công"
    reason_en = "Move in-person submission to online submission on the public service portal"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        if not header_of(G)["online_allowed"]:
            return []
        return list(self._proposals(G, Channel.online))
