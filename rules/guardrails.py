"""The legal and structural guardrails every applied change must respect."""

from __future__ import annotations

from models.graph import ProcedureGraph, submitted_documents
from models.validation import validate_graph
from rules.base import RuleContext

__all__ = ["GUARDRAILS", "broken_guardrail"]

GUARDRAILS = {
    "mandatory_step_kept": "a step the law requires is never removed or merged away",
    "document_dropped_only_when_held": (
        "a document leaves the dossier only when a connected data source holds it"
    ),
    "valid_process": "the result is still a process: it passes the full validation",
}


def broken_guardrail(
    before: ProcedureGraph, after: ProcedureGraph, context: RuleContext
) -> str | None:
    """Return the code of the first guardrail `after` breaks against `before`, or None."""
    for node, mandatory in before.nodes(data="mandatory"):
        if mandatory and not (node in after and after.nodes[node]["mandatory"]):
            return "mandatory_step_kept"
    documents = before.graph["documents"]
    for doc in submitted_documents(before) - submitted_documents(after):
        if documents[doc].get("held_by") not in context.connected_sources:
            return "document_dropped_only_when_held"
    if validate_graph(after, file="(result)"):
        return "valid_process"
    return None
