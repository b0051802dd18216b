"""DO03: a check of papers that are no longer submitted is removed."""

from __future__ import annotations

from models.graph import ProcedureGraph, documents_of, step_of, steps_of, submitted_documents
from models.procedure import StepKind
from rules.base import Proposal, Rule, RuleContext
from rules.edits import NarrowCheck, RemoveCheck
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
    data itself (DO02 turns that into a look-up) stay; a check that also looks at
    papers still submitted stays for those, and no longer lists the others.
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

    reason_narrow = (
        "Bước kiểm tra không còn kiểm tra giấy tờ mà người dân không còn phải nộp; dữ liệu "
        "được khai thác từ cơ sở dữ liệu"
    )
    reason_narrow_en = (
        "The check no longer looks at papers the applicant no longer submits; the data comes "
        "from a database"
    )

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        submitted = submitted_documents(G)
        proposals = []
        for node, attrs in steps_of(G):
            if attrs["kind"] != StepKind.check or attrs["presence"] or attrs["mandatory"]:
                continue
            if (
                not attrs["produces"]
                and not attrs["documents"]
                and reads_only_sourced_data(G, node, context.connected_sources, submitted)
                and removable_check(G, node)
            ):
                proposals.append(self.removal(G, node, RemoveCheck(node)))
                continue
            gone = self._not_submitted(G, node, context, submitted)
            if gone and len(gone) < len(attrs["uses"]):
                proposals.append(self._narrowing(G, node, gone))
        return proposals

    @staticmethod
    def _not_submitted(
        G: ProcedureGraph, node: str, context: RuleContext, submitted: set[str]
    ) -> tuple[str, ...]:
        """The papers check `node` looks at that nobody submits and a connected source holds."""
        documents = documents_of(G)
        return tuple(
            doc
            for doc in step_of(G, node)["uses"]
            if doc not in submitted and documents[doc].get("held_by") in context.connected_sources
        )

    def _narrowing(self, G: ProcedureGraph, node: str, gone: tuple[str, ...]) -> Proposal:
        documents = documents_of(G)
        names = ", ".join(f"«{documents[d]['name']}»" for d in gone)
        names_en = ", ".join(f"“{documents[d]['name']}”" for d in gone)
        step = step_of(G, node)["name"]
        return self.change(
            (node,),
            f"«{step}»: {names}",
            f"“{step}”: {names_en}",
            documents=gone,
            edits=(NarrowCheck(node, gone),),
            reasons=(self.reason_narrow, self.reason_narrow_en),
        )
