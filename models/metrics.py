"""Measures of a procedure graph: steps, hand-offs, visits, documents, lead time."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import networkx as nx
from pydantic import BaseModel

from models.errors import LoopWithoutExit
from models.graph import (
    ProcedureGraph,
    actors_of,
    adjacency,
    is_gateway,
    post_dominators,
    step_of,
    steps_of,
    submitted_documents,
    successor_dicts,
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
    "starts_trip",
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


def starts_trip(G: ProcedureGraph, node: str) -> bool:
    """Whether step `node` is a visit not directly after another one: a trip to an office."""
    return is_visit(G, node) and not (
        G.in_degree(node) > 0 and all(is_visit(G, pred) for pred in G.predecessors(node))
    )


def visits(G: ProcedureGraph) -> int:
    """Count the applicant's trips in the procedure's design: visit steps not directly after
    another visit step (a fallback for missing data is not in the design)."""
    return sum(
        1 for node, attrs in steps_of(G) if not attrs.get("fallback") and starts_trip(G, node)
    )


def expected_visits(G: ProcedureGraph) -> float:
    """The applicant's expected trips per dossier: every trip weighted by how often it is
    made (a send-back loop, a fallback for missing data, a branch)."""
    return expected_total(G, {node: 1.0 for node in G if starts_trip(G, node)})


def expected_hours(G: ProcedureGraph, hours: Mapping[str, float] | None = None) -> float:
    """Expected hours from the start to an end (counting only `hours`, when given).

    Exclusive branches are weighted by their probability, loops by their
    expected repeats, and a parallel block takes its longest branch.
    """
    if hours is None:
        return _expected(G, {node: attrs["hours"] for node, attrs in steps_of(G)}, max)
    return _expected(G, {node: hours.get(node, 0.0) for node in G}, max)


def expected_total(G: ProcedureGraph, amounts: Mapping[str, float]) -> float:
    """The expected sum of `amounts` (per step) over one run of the procedure.

    Like the lead time, but the branches of a parallel block all add up:
    what every step costs, not how long the procedure waits.

    >>> G = nx.DiGraph()
    >>> G.add_nodes_from([("s", {"kind": "submit"}), ("a", {"kind": "check"}),
    ...                   ("g", {"kind": "decide"}), ("b", {"kind": "return"})])
    >>> G.add_edges_from([("s", "a"), ("a", "g"), ("g", "b", {"probability": 0.25}),
    ...                   ("g", "a", {"probability": 0.75})])
    >>> expected_total(G, {"a": 1.0, "b": 10.0})  # a runs 4 times on average, b once
    14.0
    """
    return _expected(G, {node: amounts.get(node, 0.0) for node in G}, sum)


def _expected(
    G: ProcedureGraph, amounts: Mapping[str, float], combine: Callable[[list[float]], float]
) -> float:
    H = _collapse_parallel_blocks(G, amounts, combine)
    start = next(node for node in H if H.in_degree(node) == 0)
    return _absorbing_times(H)[start]


def _collapse_parallel_blocks(
    G: ProcedureGraph, amounts: Mapping[str, float], combine: Callable[[list[float]], float]
) -> ProcedureGraph:
    """Return a copy of `G` with each parallel block (innermost first) as one node.

    A block's amount combines its branches' (`max` for time, `sum` for costs).
    """
    H: ProcedureGraph = nx.DiGraph()
    H.add_nodes_from((n, {"hours": amounts[n], "kind": a["kind"]}) for n, a in steps_of(G))
    H.add_edges_from((u, v, {"p": a.get("probability")}) for u, v, a in G.edges(data=True))
    while True:
        splits = [n for n in H if step_of(H, n)["kind"] == StepKind.parallel]
        if not splits:
            return H
        closing = post_dominators(H)
        blocks = {split: _block(H, split, closing[split]) for split in splits}
        split = next(s for s in splits if not any(o in blocks[s] for o in splits if o != s))
        join = closing[split]
        inner = blocks[split]
        longest = (
            combine(
                [
                    _absorbing_times(H.subgraph(inner | {join}), absorbing=join)[first]
                    for first in H.successors(split)
                ]
            )
            if inner
            else 0.0
        )
        block_hours = step_of(H, split)["hours"] + longest + step_of(H, join)["hours"]
        after = [(v, a) for _, v, a in H.out_edges(join, data=True)]
        H.remove_nodes_from(inner | {join})
        step_of(H, split).update({"hours": block_hours, "kind": StepKind.wait.value})
        H.add_edges_from((split, v, a) for v, a in after)


def _block(H: ProcedureGraph, split: str, join: str) -> set[str]:
    """The nodes strictly between `split` and its `join`."""
    inner: set[str] = set()
    stack = [n for n in H.successors(split) if n != join]
    while stack:
        node = stack.pop()
        if node in inner:
            continue
        inner.add(node)
        stack.extend(n for n in H.successors(node) if n != join)
    return inner


def _absorbing_times(H: ProcedureGraph, absorbing: str | None = None) -> dict[str, float]:
    """Expected hours from each node until an end (or `absorbing`, which costs 0).

    Solves T(v) = hours(v) + Σ p(v→w)·T(w), one strongly connected part at a time
    from the ends backwards: a step outside any loop is one sum, and a loop's steps
    are solved together by Gaussian elimination.
    """
    times: dict[str, float] = {} if absorbing is None else {absorbing: 0.0}
    for members in _loops_from_the_end(H, absorbing):
        if len(members) == 1 and not H.has_edge(members[0], members[0]):
            node = members[0]
            times[node] = step_of(H, node)["hours"] + sum(
                weight * times[succ] for succ, weight in _weights(H, node)
            )
        else:
            times.update(_solve_loop(H, members, times))
    return times


def _loops_from_the_end(H: ProcedureGraph, absorbing: str | None) -> list[list[str]]:
    """The strongly connected parts of `H` (less `absorbing`), each part after every
    part it leads to (Tarjan's algorithm, which finds them in that order)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    succ = successor_dicts(H)
    for root in H:
        if root in index or root == absorbing:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt == absorbing:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    parts.append(part[::-1])
    return parts


def _weights(H: ProcedureGraph, node: str) -> list[tuple[str, float]]:
    """The node's successors with the probability of going to each (even when unset)."""
    out = successor_dicts(H)[node]
    even = 1.0 / len(out) if out else 0.0
    return [(succ, even if attrs["p"] is None else attrs["p"]) for succ, attrs in out.items()]


def _solve_loop(
    H: ProcedureGraph, members: list[str], known: Mapping[str, float]
) -> dict[str, float]:
    """Expected hours of the steps of one loop, given those of every step after it."""
    index = {n: i for i, n in enumerate(members)}
    size = len(members)
    rows = [[0.0] * (size + 1) for _ in range(size)]
    for node in members:
        i = index[node]
        rows[i][i] += 1.0
        rows[i][size] = step_of(H, node)["hours"]
        for succ, weight in _weights(H, node):
            if succ in index:
                rows[i][index[succ]] -= weight
            else:
                rows[i][size] += weight * known[succ]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            raise LoopWithoutExit()
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(size):
            if r != col and rows[r][col] != 0.0:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[col], strict=True)]
    return {n: rows[index[n]][size] / rows[index[n]][index[n]] for n in members}
