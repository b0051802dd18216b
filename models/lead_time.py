"""Where the lead time goes: the critical path, and the share spent on work that adds value."""

from __future__ import annotations

from models.graph import ProcedureGraph, post_dominators, step_of, steps_of
from models.metrics import expected_hours
from models.procedure import StepKind

__all__ = ["VALUE_ADDED_KINDS", "critical_path", "value_added_share"]

VALUE_ADDED_KINDS = frozenset({StepKind.appraise, StepKind.approve, StepKind.sign})
"""Appraisal, decision and signature: the work the applicant comes for. Checks,
transfers, waits and hand-backs are the rest."""


def critical_path(G: ProcedureGraph) -> list[str]:
    """The steps a typical dossier waits on, from the start to an end.

    At a decision it takes the likeliest branch not yet taken (so a rework
    loop is shown once at most); in a parallel block, the longest branch.
    """
    closing = post_dominators(G)
    start = next(node for node in G if G.in_degree(node) == 0)
    return _walk(G, start, None, closing, set())


def _walk(
    G: ProcedureGraph, node: str, stop: str | None, closing: dict[str, str], seen: set[str]
) -> list[str]:
    path: list[str] = []
    while node != stop and node not in seen:
        seen.add(node)
        path.append(node)
        kind = step_of(G, node)["kind"]
        if kind == StepKind.parallel:
            join = closing[node]
            branches = [_walk(G, b, join, closing, set(seen)) for b in G.successors(node)]
            longest = max(branches, key=lambda b: sum(step_of(G, n)["hours"] for n in b))
            path += longest
            seen.update(longest)
            node = join
            continue
        ahead = [v for v in G.successors(node) if v not in seen]
        if not ahead:
            break
        node = max(ahead, key=lambda v: G.edges[node, v].get("probability") or 0.0)
    return path


def value_added_share(G: ProcedureGraph, lead_hours: float | None = None) -> float:
    """The share of the expected lead time spent appraising, deciding and signing (0 to 1);
    `lead_hours`, when known, is the graph's `expected_hours`."""
    total = expected_hours(G) if lead_hours is None else lead_hours
    if total == 0:
        return 0.0
    value_added = {
        node: attrs["hours"] for node, attrs in steps_of(G) if attrs["kind"] in VALUE_ADDED_KINDS
    }
    return expected_hours(G, value_added) / total
