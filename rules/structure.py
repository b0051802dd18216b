"""Graph surgery the rules share: remove a step, drop a rework loop, find what lies between."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from models.graph import (
    ProcedureGraph,
    actors_of,
    agency_of,
    closure,
    documents_of,
    step_of,
    steps_of,
)
from models.procedure import ActorKind, StepKind

__all__ = [
    "between",
    "dead_branches",
    "decisions_with_dead_branches",
    "dominates",
    "drop_dead_branches",
    "empty_branches",
    "never_run",
    "reads_only_sourced_data",
    "removable_check",
    "remove_check",
    "remove_step",
    "same_agency",
    "supplies",
]


def reads_only_sourced_data(
    G: ProcedureGraph, node: str, connected: frozenset[str], submitted: set[str]
) -> bool:
    """Whether person step `node` reads documents, none submitted any more, all held by a
    connected source: its check could be a look-up, or has nothing left to check."""
    attrs = step_of(G, node)
    uses = attrs["uses"]
    documents = documents_of(G)
    return (
        bool(uses)
        and actors_of(G)[attrs["actor"]]["kind"] != ActorKind.system
        and not any(doc in submitted for doc in uses)
        and all(documents[doc].get("held_by") in connected for doc in uses)
    )


def decisions_with_dead_branches(G: ProcedureGraph) -> Iterator[tuple[str, list[str], int]]:
    """Each decision with never-taken branches: (decision, those branches, live branches)."""
    for node, attrs in steps_of(G):
        if attrs["kind"] == StepKind.decide:
            dead = dead_branches(G, node)
            if dead:
                yield node, dead, G.out_degree(node) - len(dead)


def same_agency(G: ProcedureGraph, first: str, second: str) -> bool:
    """Whether steps `first` and `second` are done within one agency's competence."""
    return agency_of(G, step_of(G, first)["actor"]) == agency_of(G, step_of(G, second)["actor"])


def supplies(G: ProcedureGraph, node: str) -> set[str]:
    """The documents step `node` brings into the procedure: submitted or produced."""
    attrs = step_of(G, node)
    return {*attrs["documents"], *attrs["produces"]}


def _connect(H: ProcedureGraph, source: str, target: str, attrs: dict[str, object]) -> None:
    """Add the flow `source` → `target`; if it exists, the two branches become one."""
    if not H.has_edge(source, target):
        H.add_edge(source, target, **attrs)
        return
    existing = H.edges[source, target]
    if existing.get("probability") is not None:
        existing["probability"] += attrs.get("probability") or 0.0
    labels = [str(w) for w in (existing.get("when"), attrs.get("when")) if w]
    existing["when"] = " / ".join(dict.fromkeys(labels)) or None


def _bypass(H: ProcedureGraph, node: str) -> None:
    """Remove `node`, which has one successor; its inputs go straight to that successor."""
    (target,) = H.successors(node)
    incoming = [(u, dict(a)) for u, _, a in H.in_edges(node, data=True)]
    H.remove_node(node)
    for u, attrs in incoming:
        _connect(H, u, target, attrs)


def _idle(H: ProcedureGraph, node: str) -> bool:
    """Whether gateway `node` has nothing left to route."""
    kind = step_of(H, node)["kind"]
    if H.out_degree(node) != 1:
        return False
    return kind in (StepKind.decide, StepKind.parallel) or (
        kind == StepKind.join_ and H.in_degree(node) == 1
    )


def empty_branches(H: ProcedureGraph) -> set[tuple[str, str]]:
    """The flows from a `parallel` split straight to a `join` beside other branches:
    branches with nothing in them."""
    return {
        (node, succ)
        for node, attrs in steps_of(H)
        if attrs["kind"] == StepKind.parallel and H.out_degree(node) > 1
        for succ in H.successors(node)
        if step_of(H, succ)["kind"] == StepKind.join_
    }


def _drop_empty_branches(H: ProcedureGraph, node: str) -> list[str]:
    """Remove the empty branches of `node`, if it is a split with other branches;
    return the joins they went to."""
    if step_of(H, node)["kind"] != StepKind.parallel or H.out_degree(node) < 2:
        return []
    empty = [s for s in H.successors(node) if step_of(H, s)["kind"] == StepKind.join_]
    empty = empty[: H.out_degree(node) - 1]  # a split keeps one branch at least
    H.remove_edges_from([(node, join) for join in empty])
    return empty


def _tidy_gateways(H: ProcedureGraph, near: Iterable[str]) -> None:
    """Remove what a change left with nothing to route near it.

    A `parallel` branch left empty (the split flows straight to its join) goes;
    a `decide` or `parallel` with one branch left, and a `join` with one
    incoming flow left, are bypassed; then their neighbours are looked at.
    """
    todo = [node for node in near if node in H]
    while todo:
        node = todo.pop()
        if node not in H:
            continue
        if joins := _drop_empty_branches(H, node):
            todo += [node, *joins]
        if _idle(H, node):
            todo += [*H.predecessors(node), *H.successors(node)]
            _bypass(H, node)


def _reroute(H: ProcedureGraph, node: str, target: str) -> None:
    """Remove `node`; each flow into it goes to `target` instead, and idle gateways go."""
    incoming = [(u, dict(a)) for u, _, a in H.in_edges(node, data=True)]
    H.remove_node(node)
    for u, attrs in incoming:
        _connect(H, u, target, attrs)
    _tidy_gateways(H, [target, *(u for u, _ in incoming)])


def remove_step(G: ProcedureGraph, node: str) -> None:
    """Remove `node` from `G`; its inputs flow to its one successor.

    A decision whose branches now meet in one flow is removed too, as is a
    parallel block left with one branch.
    """
    (succ,) = G.successors(node)
    _reroute(G, node, succ)


def _rework_exit(G: ProcedureGraph, check: str) -> tuple[str, str] | None:
    """If `check` feeds a `decide` whose every branch but one loops back, return both.

    Returns (decision, the branch that goes on); None when `check` is not
    followed by such a rework decision.
    """
    (succ,) = G.successors(check)
    if step_of(G, succ)["kind"] != StepKind.decide or G.in_degree(succ) != 1:
        return None
    onward = [b for b in G.successors(succ) if check not in closure(G.successors, [b])]
    return (succ, onward[0]) if len(onward) == 1 else None


def _reached_only_through(G: ProcedureGraph, decision: str, taken: list[str]) -> set[str]:
    """The steps reached from the start when `decision` takes only the branches `taken`."""
    start = next(n for n in G if G.in_degree(n) == 0)
    return closure(lambda n: taken if n == decision else G.successors(n), [start])


def dominates(G: ProcedureGraph, start: str, first: str, second: str) -> bool:
    """Whether every path from `start` to `second` passes `first`."""
    if first == start:
        return True
    return second not in closure(G.successors, [start], avoid={first})


def removable_check(G: ProcedureGraph, node: str) -> bool:
    """Whether `remove_check` can take `node` out: one flow out, any decision on its
    result only sends the dossier back for rework, and no step the law requires goes."""
    if G.in_degree(node) == 0 or G.out_degree(node) != 1 or step_of(G, node)["mandatory"]:
        return False
    (succ,) = G.successors(node)
    if step_of(G, succ)["kind"] != StepKind.decide:
        return succ != node
    exit_ = _rework_exit(G, node)
    if exit_ is None:
        return False
    decision, onward = exit_
    kept = _reached_only_through(G, decision, [onward])
    return not any(step_of(G, n)["mandatory"] for n in G if n not in kept)


def remove_check(G: ProcedureGraph, node: str) -> None:
    """Remove the check `node` from `G`, and the rework loop it drives.

    When the check feeds a decision that only sends the dossier back (to be
    completed and checked again), the decision and the rework steps go too:
    with nothing to check, nothing is sent back.
    """
    exit_ = _rework_exit(G, node)
    if exit_ is None:
        remove_step(G, node)
        return
    decision, onward = exit_
    start = next(n for n in G if G.in_degree(n) == 0)
    G.remove_node(decision)
    _reroute(G, node, onward)
    reachable = closure(G.successors, [start])
    G.remove_nodes_from([n for n in list(G) if n not in reachable])


def between(G: ProcedureGraph, first: str, last: str) -> set[str]:
    """The steps on some path from `first` to `last` that does not pass `first` again."""
    ends = (first, last)
    forward = closure(G.successors, G.successors(first), avoid=ends)
    backward = closure(G.predecessors, G.predecessors(last), avoid=ends)
    return forward & backward


def dead_branches(G: ProcedureGraph, decision: str) -> list[str]:
    """The branches of `decision` that are never taken (probability 0)."""
    return [v for _, v, a in G.out_edges(decision, data=True) if a.get("probability") == 0]


def never_run(G: ProcedureGraph, decision: str) -> set[str]:
    """The steps that only the never-taken branches of `decision` reach."""
    dead = dead_branches(G, decision)
    live = [v for v in G.successors(decision) if v not in dead]
    reachable = _reached_only_through(G, decision, live)
    return {n for n in G if n not in reachable}


def drop_dead_branches(G: ProcedureGraph, decision: str) -> None:
    """Remove the never-taken branches of `decision` from `G`.

    The steps only those branches reach go with them, and a decision left
    with one branch is removed.
    """
    gone = never_run(G, decision)
    G.remove_edges_from([(decision, v) for v in dead_branches(G, decision)])
    branches = list(G.successors(decision))
    G.remove_nodes_from(gone)
    _tidy_gateways(G, [decision, *branches])
