"""DO03: a check of papers that are no longer submitted is removed."""

from __future__ import annotations

from models.graph import ProcedureGraph, steps_of, submitted_documents
from models.procedure import StepKind
from rules.base import Proposal, Rule, RuleContext
from rules.edits import RemoveCheck
from rules.structure import reads_only_sourced_data, removable_check

__all__ = ["NothingLeftToCheck"]


class NothingLeftToCheck(Rule):
    """A check of dossier papers goes when none of those papers is submitted any more.

    **Anti-pattern**: the desk still "checks the copy of the ID card and the
    residence confirmation" — and sends the dossier back for a better copy —
    after the procedure stopped asking for them because the population
    database holds the data.

    **Best practice**: with the papers gone (DO01) there is nothing left to
    check: the check and the send-back loop it drove are removed. A check of
    papers still submitted, a check the law requires, and a verification of the
    data itself (DO02 turns that into a look-up) stay.
    """

    code = "DO03"
    name = "documents.nothing_left_to_check"
    groups = ("documents", "steps")
    reason = (
        "Bỏ bước kiểm tra giấy tờ mà người dân không còn phải nộp vì đã khai thác từ cơ sở dữ liệu"
    )
    reason_en = (
        "Remove the check of papers the applicant no longer submits, since the data comes "
        "from a database"
    )

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        submitted = submitted_documents(G)
        proposals = []
        for node, attrs in steps_of(G):
            if (
                attrs["kind"] != StepKind.check
                or attrs["produces"]
                or attrs["documents"]
                or attrs["presence"]
                or not reads_only_sourced_data(G, node, context.connected_sources, submitted)
                or not removable_check(G, node)
            ):
                continue
            proposals.append(self.removal(G, node, RemoveCheck(node)))
        return proposals
