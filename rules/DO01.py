"""DO01: stop asking for a document that a connected data source already holds."""

from __future__ import annotations

from models.graph import ProcedureGraph, documents_of, steps_of, submitted_documents
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import DropDocument

__all__ = ["DocumentHeldBySource"]


class DocumentHeldBySource(Rule):
    """A dossier component held by a connected data source is no longer asked for.

    **Anti-pattern**: the applicant photocopies the citizen ID card and gets a
    residence confirmation from the police, although the one-stop system reads
    the national population database.

    **Best practice**: the document leaves the dossier; the steps that used it
    read the same data from the source (they keep it in `uses`). A document is
    dropped only when a *connected* source holds it: a hospital birth
    certificate is not in the population database. An original the applicant
    surrenders (`physical`: the old land certificate that is replaced) stays.
    """

    code = "DO01"
    name = "documents.held_by_source"
    groups = ("documents",)
    reason = "Bỏ thành phần hồ sơ mà cơ sở dữ liệu đã kết nối đã có; cán bộ khai thác dữ liệu"
    reason_en = "Drop a dossier component that a connected database holds; staff read the data"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        submitted = submitted_documents(G)
        proposals = []
        for doc_id, doc in documents_of(G).items():
            source = doc.get("held_by")
            if doc_id not in submitted or source not in context.connected_sources:
                continue
            if doc.get("physical"):  # an original surrendered: data does not replace it
                continue
            steps = tuple(n for n, attrs in steps_of(G) if doc_id in attrs["documents"])
            source_name = context.source_name(source)
            proposal = self.change(
                steps,
                f"«{doc['name']}» có trong {source_name}",
                f"“{doc['name']}” is in {source_name}",
                documents=(doc_id,),
                effect=Effect(documents=1),
                edits=(DropDocument(doc_id, source),),
            )
            proposals.append(proposal)
        return proposals
