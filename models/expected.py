"""Expected amounts over one run of a procedure graph: its parallel blocks collapsed
(innermost first) and its loops solved, as a Markov chain's absorbing times.

What to solve depends on the graph's shape alone (its steps' kinds, its flows and
their probabilities), so it is planned once per shape (`Plan`) and replayed for each
amount: the measures ask about the same two shapes (a procedure before and after) some
twenty times per procedure. A replay makes the very operations, in the very order,
that solving afresh would, and the parts and a loop's steps come in the order
networkx's graph views list them (`_subgraph`): every figure is the one solving on
networkx's own graphs gives, to the last bit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import mul

from models.errors import LoopWithoutExit
from models.graph import ProcedureGraph, post_dominators_of, steps_of, successor_dicts
from models.procedure import StepKind

__all__ = ["expected"]

Weights = tuple[tuple[str, float], ...]
"""A step's successors with the probability of going to each."""

Flows = dict[str, dict[str, float | None]]
"""Each node's successors, in order, with the probability of going to each (None: unset)."""

Part = tuple[tuple[str, ...], bool, tuple[str, ...], tuple[float, ...]]
"""A strongly connected part: its steps, whether they loop and, when it is one step
outside any loop, that step's successors and the probability of going to each."""


@dataclass(frozen=True)
class Chain:
    """A graph to solve from the ends backwards: its strongly connected parts, each after
    every part it leads to, and the `Weights` of the steps of its loops."""

    parts: tuple[Part, ...]
    weights: Mapping[str, Weights]


@dataclass(frozen=True)
class Block:
    """A parallel block collapsed into its `split`: the branches that start it, and the
    chain of the steps strictly inside it up to its `join` (None when there are none)."""

    split: str
    join: str
    branches: tuple[str, ...]
    inner: Chain | None


@dataclass(frozen=True)
class Plan:
    """How to solve one shape: its blocks to collapse in order, then the chain of what is
    left, solved from its `start`."""

    blocks: tuple[Block, ...]
    chain: Chain
    start: str


def _plan_of(G: ProcedureGraph) -> Plan:
    """The plan of `G`'s shape (valid, or at least with one start and loops that exit)."""
    succ = successor_dicts(G)
    nodes = tuple(node for node, _ in steps_of(G))
    return _plan(
        nodes,
        tuple([attrs["kind"] for _, attrs in steps_of(G)]),
        tuple([tuple(succ[node]) for node in nodes]),
        tuple([attrs.get("probability") for node in nodes for attrs in succ[node].values()]),
    )


def expected(
    G: ProcedureGraph, amounts: Mapping[str, float], combine: Callable[[list[float]], float]
) -> float:
    """The expected sum of `amounts` (one per step of `G`) from the start to an end; a
    parallel block's branches combine by `combine` (`max` for time, `sum` for costs)."""
    plan = _plan_of(G)
    amount = dict(amounts)
    for block in plan.blocks:
        longest = 0.0
        if block.inner is not None:
            times = _times(block.inner, amount, {block.join: 0.0})
            longest = combine([times[first] for first in block.branches])
        amount[block.split] = amount[block.split] + longest + amount[block.join]
    return _times(plan.chain, amount, {})[plan.start]


@functools.lru_cache(maxsize=64)
def _plan(
    nodes: tuple[str, ...],
    kinds: tuple[str, ...],
    successors: tuple[tuple[str, ...], ...],
    probabilities: tuple[float | None, ...],
) -> Plan:
    """Collapse each parallel block (innermost first) into its split, recording what to
    solve; then the chain of what is left. The shape is given as its nodes, their kinds,
    their successors and the flows' probabilities, each in order; the nodes keep their
    order as the blocks go (a split takes its join's flows)."""
    kind = dict(zip(nodes, kinds, strict=True))
    chances = iter(probabilities)
    succ: Flows = {
        node: {v: next(chances) for v in out} for node, out in zip(nodes, successors, strict=True)
    }
    blocks = []
    while splits := [n for n in succ if kind[n] == StepKind.parallel]:
        closing = post_dominators_of(succ)
        inside = {split: _inside(succ, split, closing[split]) for split in splits}
        split = next(s for s in splits if not any(o in inside[s] for o in splits if o != s))
        join, inner = closing[split], inside[split]
        chain = _chain(_subgraph(succ, inner | {join}), absorbing=join) if inner else None
        blocks.append(Block(split, join, tuple(succ[split]), chain))
        after = succ[join]
        gone = inner | {join}
        succ = {
            n: {v: p for v, p in out.items() if v not in gone}
            for n, out in succ.items()
            if n not in gone
        }
        kind[split] = StepKind.wait.value
        for v, p in after.items():
            succ.setdefault(v, {})
            succ[split][v] = p
    targets = {v for out in succ.values() for v in out}
    start = next(node for node in succ if node not in targets)
    return Plan(tuple(blocks), _chain(succ), start)


def _inside(succ: Flows, split: str, join: str) -> set[str]:
    """The nodes strictly between `split` and its `join`."""
    inner: set[str] = set()
    stack = [n for n in succ[split] if n != join]
    while stack:
        node = stack.pop()
        if node in inner:
            continue
        inner.add(node)
        stack.extend(n for n in succ[node] if n != join)
    return inner


def _subgraph(succ: Flows, nodes: set[str]) -> Flows:
    """The flows among `nodes`, the nodes in the order networkx's subgraph view lists
    them: the set's own order when they are fewer than half the graph's, else the
    graph's."""
    shown = {node for node in nodes if node in succ}
    order = shown if 2 * len(shown) < len(succ) else [n for n in succ if n in shown]
    return {n: {v: p for v, p in succ[n].items() if v in shown} for n in order}


def _chain(flows: Flows, absorbing: str | None = None) -> Chain:
    """What to solve of the graph `flows`, whose ends (and `absorbing`) cost nothing more."""
    parts: list[Part] = []
    weights: dict[str, Weights] = {}
    for members in _loops_from_the_end(flows, absorbing):
        if len(members) > 1 or members[0] in flows[members[0]]:
            weights.update((node, _weights(flows, node)) for node in members)
            parts.append((tuple(members), True, (), ()))
        else:
            out = _weights(flows, members[0])
            successors = tuple(succ for succ, _ in out)
            parts.append((tuple(members), False, successors, tuple(p for _, p in out)))
    return Chain(tuple(parts), weights)


def _times(chain: Chain, amount: Mapping[str, float], times: dict[str, float]) -> dict[str, float]:
    """Expected amounts from each node until an end (or the absorbing node, already in
    `times` at 0).

    Solves T(v) = amount(v) + Σ p(v→w)·T(w), one strongly connected part at a time
    from the ends backwards: a step outside any loop is one sum, and a loop's steps
    are solved together by Gaussian elimination.
    """
    known = times.__getitem__
    for members, loops, successors, probabilities in chain.parts:
        if loops:
            times.update(_solve_loop(members, chain.weights, amount, times))
        else:  # Σ p·T(w) as `sum` adds the products up, in the successors' order
            node = members[0]
            times[node] = amount[node] + sum(map(mul, probabilities, map(known, successors)))
    return times


def _loops_from_the_end(succ: Flows, absorbing: str | None) -> list[list[str]]:
    """The strongly connected parts of the graph (less `absorbing`), each part after every
    part it leads to (Tarjan's algorithm, which finds them in that order)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for root in succ:
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


def _weights(flows: Flows, node: str) -> Weights:
    """The node's successors with the probability of going to each (even when unset)."""
    out = flows[node]
    even = 1.0 / len(out) if out else 0.0
    return tuple((succ, even if p is None else p) for succ, p in out.items())


def _solve_loop(
    members: tuple[str, ...],
    weights: Mapping[str, Weights],
    amount: Mapping[str, float],
    known: Mapping[str, float],
) -> dict[str, float]:
    """Expected amounts of the steps of one loop, given those of every step after it."""
    index = {n: i for i, n in enumerate(members)}
    size = len(members)
    rows = [[0.0] * (size + 1) for _ in range(size)]
    for node in members:
        i = index[node]
        rows[i][i] += 1.0
        rows[i][size] = amount[node]
        for succ, weight in weights[node]:
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
