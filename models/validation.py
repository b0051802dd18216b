"""Checks that a procedure graph is a sound process, reporting every problem at once."""

from __future__ import annotations

from collections.abc import Mapping

from models.errors import Problem
from models.graph import (
    END,
    ProcedureGraph,
    actors_of,
    adjacency,
    closure,
    documents_of,
    dominators,
    post_dominators,
    step_of,
    steps_of,
)
from models.procedure import DataSource, StepKind

__all__ = ["PROBABILITY_TOLERANCE", "reference_problems", "validate_graph"]

PROBABILITY_TOLERANCE = 1e-6


def validate_graph(
    G: ProcedureGraph, *, file: str, sources: Mapping[str, DataSource] | None = None
) -> list[Problem]:
    """Return the problems of procedure graph `G`; an empty list means it is valid.

    `file` names the source in messages; `sources`, when given, is the registry
    of data sources that ``held_by`` must name.
    """
    problems = reference_problems(G, file, sources)
    problems += _routing_problems(G, file)
    starts = [node for node in G if G.in_degree(node) == 0]
    if not starts:
        problems.append(
            Problem(
                file,
                "procedure",
                "no start: every step has an incoming flow; the first step (usually the "
                "applicant's submission) must have none, so send rework loops to a "
                "separate step such as 'supplement the dossier'",
            )
        )
    elif len(starts) > 1:
        names = ", ".join(f"'{s}'" for s in starts)
        problems.append(
            Problem(
                file,
                "procedure",
                f"several starts ({names}): exactly one step may have no incoming flow; "
                "add the missing flows into the others",
            )
        )
    if len(starts) == 1:
        flow_problems = _reachability_problems(G, file, starts[0])
        problems += flow_problems
        if not flow_problems:
            problems += _block_problems(G, file, starts[0])
    return problems


def reference_problems(
    G: ProcedureGraph, file: str, sources: Mapping[str, DataSource] | None = None
) -> list[Problem]:
    """The problems of what `G` names: actors, documents, data sources, legal bases."""
    problems: list[Problem] = []
    actors = actors_of(G)
    documents = documents_of(G)
    for node, attrs in steps_of(G):
        where = f"step '{node}'"
        if attrs["actor"] not in actors:
            problems.append(
                Problem(
                    file,
                    where,
                    f"unknown actor '{attrs['actor']}': use one of {_ids(actors)} "
                    "or add it under `actors`",
                )
            )
        for field in ("documents", "uses", "produces", "carries"):
            for doc in attrs[field]:
                if doc not in documents:
                    problems.append(
                        Problem(
                            file,
                            where,
                            f"unknown document '{doc}' in `{field}`: use one of "
                            f"{_ids(documents)} or add it under `documents`",
                        )
                    )
        for doc in attrs["documents"] + attrs["carries"]:
            if doc in documents and documents[doc].get("physical") and attrs["channel"] == "online":
                problems.append(
                    Problem(
                        file,
                        where,
                        f"'{doc}' is a physical object and cannot be handed over online: "
                        "make the step's channel in_person or post",
                    )
                )
        if attrs["mandatory"] and not attrs["legal_basis"]:
            problems.append(
                Problem(
                    file,
                    where,
                    "a mandatory step needs its `legal_basis` (the article that requires it)",
                )
            )
    if sources is not None:
        for doc_id, document in documents.items():
            held_by = document["held_by"]
            if held_by is not None and held_by not in sources:
                problems.append(
                    Problem(
                        file,
                        f"document '{doc_id}'",
                        f"unknown data source '{held_by}' in `held_by`: use one of "
                        f"{_ids(sources)} or add it to catalog/data_sources.yaml",
                    )
                )
    return problems


def _routing_problems(G: ProcedureGraph, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for node, flows in G.adjacency():
        kind = step_of(G, node)["kind"]
        out_edges = [(node, v, a) for v, a in flows.items()]
        where = f"step '{node}'"
        if kind == StepKind.decide:
            if len(out_edges) < 2:
                problems.append(
                    Problem(file, where, "a `decide` needs at least two outgoing flows")
                )
            missing = [v for _, v, a in out_edges if a.get("probability") is None]
            for v in missing:
                problems.append(
                    Problem(
                        file,
                        f"flow '{node}' → '{v}'",
                        "a branch of a `decide` needs a `probability` (0 to 1)",
                    )
                )
            total = sum(a.get("probability") or 0.0 for _, _, a in out_edges)
            if not missing and abs(total - 1.0) > PROBABILITY_TOLERANCE:
                problems.append(
                    Problem(
                        file,
                        where,
                        f"the probabilities of its branches sum to {total:g}; make them sum to 1",
                    )
                )
            continue
        for _, v, a in out_edges:
            if a.get("probability") is not None:
                problems.append(
                    Problem(
                        file,
                        f"flow '{node}' → '{v}'",
                        "`probability` belongs only on the branches of a `decide`; remove it",
                    )
                )
        if kind == StepKind.parallel and len(out_edges) < 2:
            problems.append(
                Problem(file, where, "a `parallel` split needs at least two outgoing flows")
            )
        elif kind != StepKind.parallel and len(out_edges) > 1:
            problems.append(
                Problem(
                    file,
                    where,
                    f"{len(out_edges)} outgoing flows from a `{kind}` step: route "
                    "them through a `decide` (one branch runs) or a `parallel` (all run)",
                )
            )
        if kind == StepKind.join_ and G.in_degree(node) < 2:
            problems.append(Problem(file, where, "a `join` needs at least two incoming flows"))
    return problems


def _reachability_problems(G: ProcedureGraph, file: str, start: str) -> list[Problem]:
    problems: list[Problem] = []
    succ, pred = adjacency(G)
    reachable = closure(succ.__getitem__, [start])
    for node in G:
        if node not in reachable:
            problems.append(
                Problem(
                    file,
                    f"step '{node}'",
                    f"not reachable from the start '{start}': add a flow into it or remove it",
                )
            )
    finishing = closure(pred.__getitem__, [node for node, nbrs in succ.items() if not nbrs])
    for node in G:
        if node not in finishing:
            problems.append(
                Problem(
                    file,
                    f"step '{node}'",
                    "cannot reach an end (it is caught in a loop with no way out): "
                    "add a flow towards the end, e.g. through a `decide`",
                )
            )
    return problems


def _block_problems(G: ProcedureGraph, file: str, start: str) -> list[Problem]:
    """Each `parallel` must close at a `join`, and each `join` open at a `parallel`."""
    problems: list[Problem] = []
    gateways: list[tuple[str, str]] = [
        (node, attrs["kind"])
        for node, attrs in steps_of(G)
        if attrs["kind"] in (StepKind.parallel, StepKind.join_)
    ]
    if not gateways:
        return problems
    openings = dominators(G, start)
    closings = post_dominators(G)
    for node, kind in gateways:
        if kind == StepKind.parallel:
            closing = closings.get(node, END)
            if closing == END or step_of(G, closing)["kind"] != StepKind.join_:
                problems.append(
                    Problem(
                        file,
                        f"step '{node}'",
                        "this `parallel` split is never joined: bring all its branches "
                        "to one `join` step",
                    )
                )
            else:
                problems += _branch_problems(G, file, node, closing)
        else:
            opening = openings.get(node)
            if opening is None or step_of(G, opening)["kind"] != StepKind.parallel:
                problems.append(
                    Problem(
                        file,
                        f"step '{node}'",
                        "this `join` has no matching `parallel` split: open its branches "
                        "with a `parallel` step, or make it an ordinary step",
                    )
                )
    return problems


def _branch_problems(G: ProcedureGraph, file: str, split: str, join: str) -> list[Problem]:
    """Each branch of a block runs on its own and reaches the join by exactly one flow.

    Otherwise the join waits for a branch that never comes (deadlock) or one
    branch reaches it twice (lack of synchronisation).
    """
    where = f"step '{split}'"
    seen: set[str] = set()
    for first in G.successors(split):
        if first == join:
            continue
        branch = {first}
        stack = [first]
        while stack:
            for succ in G.successors(stack.pop()):
                if succ != join and succ not in branch:
                    branch.add(succ)
                    stack.append(succ)
        entries = {u for v in branch for u in G.predecessors(v) if u not in branch}
        arrivals = sum(1 for v in branch if G.has_edge(v, join))
        if branch & seen or entries != {split} or arrivals != 1:
            return [
                Problem(
                    file,
                    where,
                    f"the branch from '{first}' is not a branch of its own between this "
                    f"`parallel` and the `join` '{join}': each branch must start at the split, "
                    "stay apart from the other branches, and reach the join by exactly one "
                    "flow (close an exclusive choice inside a branch before the join)",
                )
            ]
        seen |= branch
    return []


def _ids(mapping: Mapping[str, object]) -> str:
    ids = sorted(mapping)
    shown = ", ".join(f"'{i}'" for i in ids[:12])
    return shown + (", …" if len(ids) > 12 else "") if ids else "(none defined)"
