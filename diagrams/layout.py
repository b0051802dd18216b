"""Swimlane layout: where each step of a procedure diagram goes (a pure function).

Lanes are columns, one per kind of actor, in the order of `ActorKind`; the flow
runs down the page in rows (ranks). Graphviz only routes the edges around the
positions fixed here (`neato -n2`), so the lanes keep their order and width
whatever the flow does, and the before and after diagrams of a procedure line up
when they are given the same lane widths. All lengths are in points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.graph import ProcedureGraph, actors_of, steps_of
from models.procedure import ActorKind

__all__ = [
    "CELL",
    "LANE_HEADER",
    "SIDE_BY_SIDE",
    "Lane",
    "Layout",
    "back_edges",
    "lane_of",
    "lane_widths",
    "layout",
    "ranks",
]

CELL = 112.0
"""Width of one step's column inside a lane."""
LANE_HEADER = 58.0
"""Room at the top of a lane for its title."""
SIDE_BY_SIDE = 2
"""Steps of one lane and row drawn side by side; more go on further lines (a
parallel block of four consultations takes two lines of two). The information
system's lane takes one: its steps are instant look-ups and interconnections, and
a page has no width to spare."""
_ROW_GAP = 30.0
_LABEL_ROOM = 22.0
_MARGIN = 6.0


@dataclass(frozen=True)
class Lane:
    kind: ActorKind
    left: float
    right: float


@dataclass(frozen=True)
class Layout:
    """Centres of the nodes (y grows downwards), the lanes, and the total size."""

    centres: Mapping[str, tuple[float, float]]
    start: tuple[float, float]
    end: tuple[float, float]
    lanes: Sequence[Lane]
    width: float
    height: float


def lane_of(G: ProcedureGraph) -> dict[str, ActorKind]:
    """The lane (kind of actor) of every step."""
    actors = actors_of(G)
    return {node: ActorKind(actors[attrs["actor"]]["kind"]) for node, attrs in steps_of(G)}


def back_edges(G: ProcedureGraph) -> set[tuple[str, str]]:
    """The edges that close a loop, found by a depth-first walk in file order."""
    order = {node: i for i, node in enumerate(G)}
    state: dict[str, int] = {}  # 1 on the walk's path, 2 done
    found: set[tuple[str, str]] = set()
    for root in G:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(sorted(G.successors(root), key=order.__getitem__)))]
        while stack:
            node, successors = stack[-1]
            for succ in successors:
                if state.get(succ) == 1:
                    found.add((node, succ))
                elif succ not in state:
                    state[succ] = 1
                    stack.append((succ, iter(sorted(G.successors(succ), key=order.__getitem__))))
                    break
            else:
                state[node] = 2
                stack.pop()
    return found


def ranks(G: ProcedureGraph) -> dict[str, int]:
    """Longest-path rows over the flow without its loops; sources are in row 1."""
    loops = back_edges(G)
    order = {node: i for i, node in enumerate(G)}
    waiting = {node: sum((p, node) not in loops for p in G.predecessors(node)) for node in G}
    ready = sorted((n for n, count in waiting.items() if count == 0), key=order.__getitem__)
    rank = dict.fromkeys(ready, 1)
    while ready:
        node = ready.pop(0)
        for succ in G.successors(node):
            if (node, succ) in loops:
                continue
            rank[succ] = max(rank.get(succ, 1), rank[node] + 1)
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.append(succ)
    return rank


def lane_widths(G: ProcedureGraph) -> dict[ActorKind, int]:
    """How many steps side by side each lane needs (the most in one row, at most
    `SIDE_BY_SIDE`)."""
    lanes, rank_of = lane_of(G), ranks(G)
    cells: dict[tuple[ActorKind, int], int] = {}
    for node in G:
        key = (lanes[node], rank_of[node])
        cells[key] = cells.get(key, 0) + 1
    widths: dict[ActorKind, int] = {}
    for (kind, _), count in cells.items():
        widths[kind] = max(widths.get(kind, 0), min(count, _side_by_side(kind)))
    return widths


def _side_by_side(kind: ActorKind) -> int:
    return 1 if kind is ActorKind.system else SIDE_BY_SIDE


def layout(
    G: ProcedureGraph,
    heights: Mapping[str, float],
    widths: Mapping[ActorKind, int] | None = None,
) -> Layout:
    """Place every step of `G` (node heights given) in its lane and row.

    `widths` may ask for wider lanes or for lanes with no step here, so that two
    diagrams share their columns. A start row above and an end row below are left
    free for the start and end marks.
    """
    kinds, rank_of = lane_of(G), ranks(G)
    needed = dict(lane_widths(G))
    for kind, slots in (widths or {}).items():
        needed[kind] = max(needed.get(kind, 0), slots, 1)
    lanes, left = [], 0.0
    for kind in sorted(needed, key=list(ActorKind).index):
        right = left + needed[kind] * CELL + 2 * _MARGIN
        lanes.append(Lane(kind, left, right))
        left = right
    middle = {lane.kind: (lane.left + lane.right) / 2 for lane in lanes}
    rows: dict[int, list[str]] = {}
    for node in G:
        rows.setdefault(rank_of[node], []).append(node)
    centres: dict[str, tuple[float, float]] = {}
    loops = back_edges(G)
    top = LANE_HEADER + 36.0  # the start mark's row
    for rank in sorted(rows):
        bottom = top
        for kind in middle:
            cell = [node for node in rows[rank] if kinds[node] == kind]
            cell.sort(key=lambda node: _barycentre(G, node, centres, loops, middle[kind]))
            per_line = _side_by_side(kind)
            side = min(len(cell), per_line)
            y = top
            for line in range(0, len(cell), per_line):
                steps = cell[line : line + per_line]
                height = max(heights[node] for node in steps)
                y += _ROW_GAP + height / 2 + max(_label_room(G, node) for node in steps)
                for slot, node in enumerate(steps):
                    centres[node] = (middle[kind] + (slot - (side - 1) / 2) * CELL, y)
                y += height / 2
            bottom = max(bottom, y)
        top = bottom
    first = next(node for node in G if G.in_degree(node) == 0)
    last = next(node for node in G if G.out_degree(node) == 0)
    start = (centres[first][0], LANE_HEADER + 18.0)
    end = (centres[last][0], top + _ROW_GAP + 8.0)
    return Layout(centres, start, end, lanes, left, top + _ROW_GAP + 24.0)


def _label_room(G: ProcedureGraph, node: str) -> float:
    """Extra room above a step whose incoming flow carries a label (a branch)."""
    labelled = any(
        attrs.get("when") or attrs.get("probability") is not None
        for _, _, attrs in G.in_edges(node, data=True)
    )
    return _LABEL_ROOM if labelled else 0.0


def _barycentre(
    G: ProcedureGraph,
    node: str,
    placed: Mapping[str, tuple[float, float]],
    loops: set[tuple[str, str]],
    default: float,
) -> float:
    """Mean x of the node's placed predecessors, to keep edges short and uncrossed."""
    xs = [placed[p][0] for p in G.predecessors(node) if (p, node) not in loops and p in placed]
    return sum(xs) / len(xs) if xs else default
