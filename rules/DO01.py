"""DO01: stop asking for documents that a connected data source already holds."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.graph import ProcedureGraph, documents_of, steps_of, submitted_documents
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import AskWhenMissing, DropDocument, Edit

__all__ = ["DocumentHeldBySource"]


class DocumentHeldBySource(Rule):
    """Dossier components held by a connected data source are no longer asked for.

    **Anti-pattern**: the applicant photocopies the citizen ID card and gets a
    residence confirmation from the police, although the one-stop system reads
    the national population database.

    **Best practice**: the documents leave the dossier; the steps that used them
    read the same data from the source (they keep it in `uses`). A document is
    dropped only when a *connected* source holds it: a hospital birth
    certificate is not in the population database. An original the applicant
    surrenders (`physical`: the old land certificate that is replaced) stays.
    When the source does not answer every look-up (its `hit_rate` in the
    registry is below 1), a branch stays for the dossiers whose data is missing:
    the applicant supplies the papers (Resolution 66.7/2025/NQ-CP Art. 2(2)),
    and every measure counts that branch with its probability.
    """

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
        fallback_hours: float = Field(default=1.0, ge=0, le=80)
        """The applicant's working hours to send the papers when the data is missing (on
        top of preparing them, which the cost settings count per document)."""

    code = "DO01"
    name = "documents.held_by_source"
    groups = ("documents",)
    reason = "Bỏ thành phần hồ sơ mà cơ sở dữ liệu đã kết nối đã có; cán bộ khai thác dữ liệu"
    reason_en = "Drop dossier components that a connected database holds; staff read the data"

    params: Params

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        submitted = submitted_documents(G)
        documents = documents_of(G)
        by_source: dict[str, list[str]] = {}
        for doc_id, doc in documents.items():
            source = doc.get("held_by")
            if doc_id not in submitted or source not in context.connected_sources:
                continue
            if doc.get("physical"):  # an original surrendered: data does not replace it
                continue
            by_source.setdefault(str(source), []).append(doc_id)
        proposals = []
        for source, docs in by_source.items():
            asking = [
                n
                for n, attrs in steps_of(G)
                if not attrs["fallback"] and set(docs) & set(attrs["documents"])
            ]
            source_name = context.source_name(source)
            names = ", ".join(f"«{documents[d]['name']}»" for d in docs)
            names_en = ", ".join(f"“{documents[d]['name']}”" for d in docs)
            edits: list[Edit] = [DropDocument(doc, source) for doc in docs]
            miss = round(1 - context.hit_rates.get(source, 1.0), 6)
            detail, detail_en = f"{names} có trong {source_name}", f"{names_en} in {source_name}"
            if miss > 0 and G.out_degree(asking[0]) == 1:
                edits.append(self._fallback(G, asking[0], source, source_name, docs, miss))
                detail += (
                    f"; khi không khai thác được dữ liệu (giả định {miss:.0%} hồ sơ), "
                    "người dân bổ sung giấy tờ"
                )
                detail_en += f"; when the data is missing (assumed {miss:.0%}), the paper is asked"
            proposals.append(
                self.change(
                    tuple(asking),
                    detail,
                    detail_en,
                    documents=tuple(docs),
                    effect=Effect(documents=len(docs)),
                    edits=tuple(edits),
                )
            )
        return proposals

    def _fallback(
        self,
        G: ProcedureGraph,
        after: str,
        source: str,
        source_name: str,
        docs: list[str],
        miss: float,
    ) -> AskWhenMissing:
        return AskWhenMissing(
            after=after,
            source=source,
            documents=tuple(docs),
            miss=miss,
            hours=self.params.fallback_hours,
            question=f"Khai thác được dữ liệu từ {source_name}?",
            name=f"Bổ sung giấy tờ do không khai thác được dữ liệu từ {source_name}",
        )
