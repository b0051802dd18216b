"""The legal and structural guardrails every applied change must respect."""

from __future__ import annotations

from dataclasses import dataclass

from models.graph import (
    ProcedureGraph,
    StepData,
    documents_of,
    dominators,
    physical_items,
    step_of,
    steps_of,
    submitted_documents,
    tasks,
)
from models.metrics import handoffs, visits
from models.procedure import Channel, StepKind
from models.validation import reference_problems, validate_graph
from rules.base import RuleContext
from rules.structure import empty_branches, supplies

__all__ = ["GUARDRAILS", "Guarded", "unmet_uses"]

GUARDRAILS = {
    "mandatory_step_kept": "a step the law requires is never removed or merged away",
    "document_dropped_only_when_held": (
        "a document leaves the dossier only when a connected data source holds it"
    ),
    "production_order_kept": (
        "a step that uses a document or decision still comes after the step that produces it"
    ),
    "measures_not_worse": (
        "the change adds no step, hand-off, in-person visit or document to the procedure's "
        "design (lead time grows only by a branch where a database look-up finds nothing)"
    ),
    "valid_process": (
        "the result is still a sound process: it passes the full validation (one start, "
        "every step reachable and able to finish, every parallel branch joined, every "
        "decision with two ways out at least)"
    ),
    "no_empty_branch": (
        "no parallel branch is left with nothing in it (a split flowing straight to its join)"
    ),
    "legal_act_kept": "a legal act (a request, a submission, a decision) is never removed",
    "presence_kept": "a step that requires the person's presence keeps its channel",
    "physical_kept": (
        "a step that hands over or carries a physical object (a card, a seal, cash) is "
        "never removed and never moved online"
    ),
}


def unmet_uses(
    G: ProcedureGraph, context: RuleContext, idom: dict[str, str] | None = None
) -> frozenset[tuple[str, str]]:
    """The (step, document) pairs where a step uses a document nothing gives it.

    A use is met when a connected source holds the document, or when the step
    itself or a step certain to have run before it submits or produces it: a
    step on every path to it (a dominator), or any step in a parallel block
    that closed before it (a `join` waits for all its branches).
    """
    documents = documents_of(G)
    if idom is None:
        idom = dominators(G, next(node for node in G if G.in_degree(node) == 0))
    known: dict[str, frozenset[str]] = {}

    def available(node: str) -> frozenset[str]:
        if node not in known:
            parent = idom.get(node, node)
            earlier = available(parent) if parent != node else frozenset()
            if step_of(G, node)["kind"] == StepKind.join_:
                earlier = earlier.union(*(available(q) for q in G.predecessors(node)))
            known[node] = earlier | supplies(G, node)
        return known[node]

    return frozenset(
        (node, doc)
        for node, attrs in steps_of(G)
        for doc in attrs["uses"]
        if documents[doc]["held_by"] not in context.connected_sources and doc not in available(node)
    )


def _kept(G: ProcedureGraph, H: ProcedureGraph, node: str, attrs: StepData) -> str | None:
    """The guardrail that what step `node` of `G` is (an act, a presence, a physical
    hand-over) breaks in `H`, if any."""
    now = step_of(H, node) if node in H else None
    if attrs["act"] and now is None:
        return "legal_act_kept"
    if attrs["presence"] and now is not None and now["channel"] != attrs["channel"]:
        return "presence_kept"
    if physical_items(G, node) and (now is None or now["channel"] == Channel.online):
        return "physical_kept"
    return None


def _counts(G: ProcedureGraph) -> tuple[int, ...]:
    """The counted measures: steps, hand-offs, visits, documents."""
    return (len(tasks(G)), handoffs(G), visits(G), len(submitted_documents(G)))


def _same_routing(G: ProcedureGraph, H: ProcedureGraph) -> bool:
    """Whether `G` and `H` have the same steps, kinds and flows (labels and probabilities)."""
    if len(G) != len(H) or G.number_of_edges() != H.number_of_edges():
        return False
    return dict(G.adjacency()) == dict(H.adjacency()) and all(
        step_of(H, node)["kind"] == attrs["kind"] for node, attrs in steps_of(G)
    )


@dataclass(frozen=True)
class Guarded:
    """A valid graph with the facts the guardrails compare a change against."""

    graph: ProcedureGraph
    context: RuleContext
    idom: dict[str, str]
    """The immediate dominator of each step."""
    unmet: frozenset[tuple[str, str]]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, G: ProcedureGraph, context: RuleContext) -> Guarded:
        """Wrap `G`, which must be valid (the input, or an accepted change)."""
        idom = dominators(G, next(node for node in G if G.in_degree(node) == 0))
        return cls(G, context, idom, unmet_uses(G, context, idom), _counts(G))

    def check(self, after: ProcedureGraph) -> str | Guarded:
        """Return the code of the first guardrail `after` breaks, or `after` guarded."""
        before = self.graph
        for node, attrs in steps_of(before):
            if attrs["mandatory"] and not (node in after and step_of(after, node)["mandatory"]):
                return "mandatory_step_kept"
            broken = _kept(before, after, node, attrs)
            if broken:
                return broken
        documents = documents_of(before)
        for doc in submitted_documents(before) - submitted_documents(after):
            if documents[doc].get("held_by") not in self.context.connected_sources:
                return "document_dropped_only_when_held"
        if _same_routing(before, after):
            if reference_problems(after, file="(result)"):
                return "valid_process"
            idom = self.idom
        elif validate_graph(after, file="(result)"):
            return "valid_process"
        elif not empty_branches(after) <= empty_branches(before):
            return "no_empty_branch"
        else:
            idom = dominators(after, next(node for node in after if after.in_degree(node) == 0))
        unmet = unmet_uses(after, self.context, idom)
        if not unmet <= self.unmet:
            return "production_order_kept"
        counts = _counts(after)
        if any(a > b for a, b in zip(counts, self.counts, strict=True)):
            return "measures_not_worse"
        return Guarded(after, self.context, idom, unmet, counts)
