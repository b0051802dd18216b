"""DO02: a verification that only checks database-held documents becomes a look-up."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.graph import ProcedureGraph, documents_of, steps_of, submitted_documents
from models.procedure import StepKind, fitted
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import Automate
from rules.structure import reads_only_sourced_data

__all__ = ["AutomaticLookup"]

_CHECKS = frozenset({StepKind.verify, StepKind.check})


class AutomaticLookup(Rule):
    """A check of documents that a connected source holds becomes an automatic look-up.

    **Anti-pattern**: a civil servant compares the photocopied ID card and the
    residence confirmation with the applicant's declaration, by hand, after
    waiting for the dossier to reach the desk.

    **Best practice**: once those documents are no longer submitted (DO01), the
    one-stop system looks the data up in the connected database as the dossier
    arrives; no one waits for it. Checks the law requires stay with their actor;
    a check of papers that can simply go is removed by DO03 first.
    """

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
        lookup_hours: float = Field(default=0.0, ge=0, le=8)
        """How long the automatic look-up takes, in working hours."""

    code = "DO02"
    name = "documents.automatic_lookup"
    groups = ("documents", "steps")
    reason = "Chuyển bước đối chiếu giấy tờ thành tra cứu tự động trên cơ sở dữ liệu đã kết nối"
    reason_en = "Turn the manual check of documents into an automatic look-up in the database"

    params: Params

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        documents = documents_of(G)
        submitted = submitted_documents(G)
        proposals = []
        for node, attrs in steps_of(G):
            uses = attrs["uses"]
            if (
                attrs["kind"] not in _CHECKS
                or attrs["mandatory"]
                or attrs["presence"]
                or attrs["act"]
                or not reads_only_sourced_data(G, node, context.connected_sources, submitted)
            ):
                continue
            sources = sorted({context.source_name(str(documents[doc]["held_by"])) for doc in uses})
            lookup = Automate(
                node,
                hours=self.params.lookup_hours,
                old_name=attrs["name"],
                new_name=fitted(f"Tra cứu tự động: {attrs['name']}"),
            )
            proposal = self.change(
                (node,),
                f"«{attrs['name']}»: {', '.join(sources)}",
                f"“{attrs['name']}”: {', '.join(sources)}",
                documents=tuple(uses),
                effect=Effect(hours=attrs["hours"] - self.params.lookup_hours),
                edits=(lookup,),
            )
            proposals.append(proposal)
        return proposals
