"""Measures of a procedure graph: steps, hand-offs, visits, documents, lead time."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from models.expected import expected
from models.graph import (
    ProcedureGraph,
    actors_of,
    adjacency,
    is_gateway,
    predecessor_dicts,
    step_of,
    steps_of,
    submitted_documents,
    tasks,
)
from models.procedure import HOURS_PER_DAY, ActorKind, Channel, StepKind

__all__ = [
    "Metrics",
    "expected_hours",
    "expected_total",
    "expected_visits",
    "handoffs",
    "is_person_task",
    "is_visit",
    "measure",
    "trip_starts",
    "visits",
]

_FACE_TO_FACE = frozenset({StepKind.receive, StepKind.pay, StepKind.return_})


class Metrics(BaseModel):
    """What a procedure costs its applicant and the administration."""

    steps: int
    """Steps that do work (gateways not counted)."""
    handoffs: int
    """People's steps that start with work another person handed over."""
    visits: int
    """Trips the applicant makes in person; in-person steps in a row are one trip."""
    documents: int
    """Dossier components the applicant must supply."""
    lead_time_days: float
    """Expected working days from submission to result."""


def measure(G: ProcedureGraph, lead_hours: float | None = None) -> Metrics:
    """Return the metrics of procedure graph `G` (which must be valid); `lead_hours`,
    when known, is its `expected_hours`."""
    hours = expected_hours(G) if lead_hours is None else lead_hours
    return Metrics(
        steps=len(tasks(G)),
        handoffs=handoffs(G),
        visits=visits(G),
        documents=len(submitted_documents(G)),
        lead_time_days=round(hours / HOURS_PER_DAY, 3),
    )


def is_person_task(G: ProcedureGraph, node: str) -> bool:
    """Whether `node` is work a person does (not a gateway, not the system)."""
    actor = actors_of(G).get(step_of(G, node)["actor"])
    return not is_gateway(G, node) and (actor is None or actor["kind"] != ActorKind.system)


def handoffs(G: ProcedureGraph) -> int:
    """Count the people's steps that start with work another person handed over.

    Gateways and the system's automatic steps are looked through. A step that
    gathers the branches of a parallel block receives one hand-off, as does a
    step that several exclusive branches lead to: each run hands it the work
    once.

    >>> import networkx as nx
    >>> G = nx.DiGraph(actors={"x": {"kind": "applicant"}, "y": {"kind": "one_stop"}})
    >>> G.add_nodes_from([("a", {"actor": "x", "kind": "submit"}),
    ...                   ("b", {"actor": "y", "kind": "check"})])
    >>> G.add_edge("a", "b")
    >>> handoffs(G)
    1
    """
    actor: dict[str, str] = {node: attrs["actor"] for node, attrs in steps_of(G)}
    people = {node for node in G if is_person_task(G, node)}
    _, pred = adjacency(G)
    count = 0
    for node in people:
        seen: set[str] = set()
        stack = list(pred[node])
        while stack:
            other = stack.pop()
            if other in seen:
                continue
            seen.add(other)
            if other not in people:
                stack.extend(pred[other])
            elif actor[other] != actor[node]:
                count += 1
                break
    return count


def is_visit(G: ProcedureGraph, node: str) -> bool:
    """Whether step `node` brings the applicant to an office in person: the applicant's
    own step, a desk step face to face (receive, pay, return), or any step that requires
    the person's presence (biometrics, a photo)."""
    attrs = step_of(G, node)
    if attrs["channel"] != Channel.in_person or is_gateway(G, node):
        return False
    actor = actors_of(G).get(attrs["actor"])
    applicant = actor is not None and actor["kind"] == ActorKind.applicant
    return applicant or bool(attrs["presence"]) or not _FACE_TO_FACE.isdisjoint(attrs["roles"])


def trip_starts(G: ProcedureGraph) -> set[str]:
    """The steps that start a trip to an office: visits not directly after another visit."""
    visiting = {node for node in G if is_visit(G, node)}
    before = predecessor_dicts(G)
    return {
        node
        for node in visiting
        if not (before[node] and all(pred in visiting for pred in before[node]))
    }


def visits(G: ProcedureGraph) -> int:
    """Count the applicant's trips in the procedure's design: visit steps not directly after
    another visit step (a fallback for missing data is not in the design)."""
    starts = trip_starts(G)
    return sum(1 for node, attrs in steps_of(G) if not attrs.get("fallback") and node in starts)


def expected_visits(G: ProcedureGraph) -> float:
    """The applicant's expected trips per dossier: every trip weighted by how often it is
    made (a send-back loop, a fallback for missing data, a branch)."""
    starts = trip_starts(G)
    return expected_total(G, {node: 1.0 for node in G if node in starts})


def expected_hours(G: ProcedureGraph, hours: Mapping[str, float] | None = None) -> float:
    """Expected hours from the start to an end (counting only `hours`, when given).

    Exclusive branches are weighted by their probability, loops by their
    expected repeats, and a parallel block takes its longest branch.
    """
    if hours is None:
        return expected(G, {node: attrs["hours"] for node, attrs in steps_of(G)}, max)
    return expected(G, {node: hours.get(node, 0.0) for node in G}, max)


def expected_total(G: ProcedureGraph, amounts: Mapping[str, float]) -> float:
    """The expected sum of `amounts` (per step) over one run of the procedure.

    Like the lead time, but the branches of a parallel block all add up:
    what every step costs, not how long the procedure waits.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from([("s", {"kind": "submit"}), ("a", {"kind": "check"}),
    ...                   ("g", {"kind": "decide"}), ("b", {"kind": "return"})])
    >>> G.add_edges_from([("s", "a"), ("a", "g"), ("g", "b", {"probability": 0.25}),
    ...                   ("g", "a", {"probability": 0.75})])
    >>> expected_total(G, {"a": 1.0, "b": 10.0})  # a runs 4 times on average, b once
    14.0
    """
    return expected(G, {node: amounts.get(node, 0.0) for node in G}, sum)
