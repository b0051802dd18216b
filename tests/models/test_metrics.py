"""Metrics on small graphs whose answers were computed by hand."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from models.graph import ProcedureGraph
from models.metrics import expected_hours, handoffs, measure, visits

ACTORS = {
    "a": {"name": "Công dân", "kind": "applicant"},
    "d": {"name": "Một cửa", "kind": "one_stop"},
    "s": {"name": "Chuyên môn", "kind": "specialist"},
    "e": {"name": "Cơ quan phối hợp", "kind": "external_agency"},
    "sys": {"name": "Hệ thống", "kind": "system"},
}


def graph(
    steps: list[tuple[str, str, str, float]],
    flows: list[tuple[str, str] | tuple[str, str, float]],
    channels: dict[str, str] | None = None,
    documents: dict[str, list[str]] | None = None,
) -> ProcedureGraph:
    """Build a graph from (id, actor, kind, hours) steps and (from, to[, p]) flows."""
    G: ProcedureGraph = nx.DiGraph(actors=ACTORS, documents={})
    for node, actor, kind, hours in steps:
        G.add_node(
            node,
            name=node,
            actor=actor,
            kind=kind,
            roles=[kind],
            presence=None,
            carries=[],
            act=None,
            hours=hours,
            channel=(channels or {}).get(node, "internal"),
            documents=(documents or {}).get(node, []),
            uses=[],
            mandatory=False,
            legal_basis=None,
        )
    for flow in flows:
        attrs: dict[str, Any] = {"probability": flow[2]} if len(flow) == 3 else {}
        G.add_edge(flow[0], flow[1], **attrs)
    return G


def test_sequence_adds_up() -> None:
    G = graph([("x", "a", "submit", 2), ("y", "d", "check", 6)], [("x", "y")])
    assert expected_hours(G) == pytest.approx(8)
    assert measure(G).lead_time_days == 1.0


def test_exclusive_branches_weighted_by_probability() -> None:
    # 1 + (0.25·8 + 0.75·4) + 2 = 8 hours
    G = graph(
        [("x", "a", "submit", 1), ("g", "d", "decide", 0), ("l", "s", "appraise", 8),
         ("r", "s", "appraise", 4), ("z", "d", "return", 2)],
        [("x", "g"), ("g", "l", 0.25), ("g", "r", 0.75), ("l", "z"), ("r", "z")],
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(8)


def test_parallel_takes_the_longest_branch() -> None:
    # 1 + max(3, 2 + 4) + 1 = 8 hours
    G = graph(
        [("x", "a", "submit", 1), ("p", "d", "parallel", 0), ("b1", "s", "verify", 3),
         ("b2", "s", "appraise", 2), ("b3", "d", "check", 4), ("j", "d", "join", 0),
         ("z", "d", "return", 1)],
        [("x", "p"), ("p", "b1"), ("p", "b2"), ("b2", "b3"), ("b1", "j"), ("b3", "j"),
         ("j", "z")],
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(8)


def test_nested_parallel_blocks() -> None:
    # 1 + max(2, max(3, 5)) = 6 hours
    G = graph(
        [("x", "a", "submit", 1), ("p", "d", "parallel", 0), ("b1", "s", "verify", 2),
         ("q", "s", "parallel", 0), ("c1", "s", "check", 3), ("c2", "s", "check", 5),
         ("k", "s", "join", 0), ("j", "d", "join", 0)],
        [("x", "p"), ("p", "b1"), ("p", "q"), ("q", "c1"), ("q", "c2"), ("c1", "k"),
         ("c2", "k"), ("b1", "j"), ("k", "j")],
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(6)


def test_loop_counts_its_expected_repeats() -> None:
    # check (2h) repeats 1/0.8 = 1.25 times; each rework (4h) happens 0.25 times:
    # 1 + 1.25·2 + 0.25·4 + 1 = 5.5 hours
    G = graph(
        [("x", "a", "submit", 1), ("c", "d", "check", 2), ("g", "d", "decide", 0),
         ("fix", "a", "submit", 4), ("z", "d", "return", 1)],
        [("x", "c"), ("c", "g"), ("g", "z", 0.8), ("g", "fix", 0.2), ("fix", "c")],
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(5.5)


def test_loop_inside_a_parallel_branch() -> None:
    # branch 1: 2 / 0.5 = 4 hours expected; branch 2: 3 → block 4; total 4
    G = graph(
        [("p", "d", "parallel", 0), ("w", "s", "appraise", 2), ("g", "s", "decide", 0),
         ("v", "s", "verify", 3), ("j", "d", "join", 0)],
        [("p", "w"), ("p", "v"), ("w", "g"), ("g", "w", 0.5), ("g", "j", 0.5), ("v", "j")],
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(4)


def test_a_graph_changed_after_a_first_measure_is_measured_as_it_is_now() -> None:
    # what to solve is planned once per shape: a changed probability, flow or kind is
    # another shape
    G = graph(
        [("x", "a", "submit", 1), ("c", "d", "check", 2), ("g", "d", "decide", 0),
         ("fix", "a", "submit", 4), ("z", "d", "return", 1)],
        [("x", "c"), ("c", "g"), ("g", "z", 0.8), ("g", "fix", 0.2), ("fix", "c")],
    )  # fmt: skip
    assert expected_hours(G) == pytest.approx(5.5)
    G.edges["g", "z"]["probability"], G.edges["g", "fix"]["probability"] = 0.5, 0.5
    assert expected_hours(G) == pytest.approx(1 + 2 * 2 + 1 * 4 + 1)
    G.remove_edge("fix", "c")
    G.add_edge("fix", "z")
    assert expected_hours(G) == pytest.approx(1 + 2 + 0.5 * 4 + 1)


def test_handoffs_look_through_gateways_and_system_steps() -> None:
    # x(a) → c(d): 1; c(d) → [g] → l(s): 1; c → [g] → z(d): 0; l(s) → auto(sys) → z(d): 1
    G = graph(
        [("x", "a", "submit", 1), ("c", "d", "check", 1), ("g", "d", "decide", 0),
         ("l", "s", "appraise", 1), ("auto", "sys", "verify", 0), ("z", "d", "return", 1)],
        [("x", "c"), ("c", "g"), ("g", "l", 0.5), ("g", "z", 0.5), ("l", "auto"),
         ("auto", "z")],
    )  # fmt: skip
    assert handoffs(G) == 3


def test_a_parallel_block_hands_over_once_per_branch_and_once_at_the_join() -> None:
    # c(d) → [p] → l(s): 1, v(e): 1 → [j] → z(d): 1 (one gathering); in a row it is also 3
    G = graph(
        [("c", "d", "check", 1), ("p", "d", "parallel", 0), ("l", "s", "appraise", 1),
         ("v", "e", "verify", 1), ("j", "d", "join", 0), ("z", "d", "return", 1)],
        [("c", "p"), ("p", "l"), ("p", "v"), ("l", "j"), ("v", "j"), ("j", "z")],
    )  # fmt: skip
    assert handoffs(G) == 3


def test_a_step_after_a_rework_loop_receives_once() -> None:
    # x(a) → c(d) ← fix(a): c receives from the applicant, whichever way: 1; fix ← g ← c: 1
    G = graph(
        [("x", "a", "submit", 1), ("c", "d", "check", 1), ("g", "d", "decide", 0),
         ("fix", "a", "submit", 1), ("z", "d", "return", 1)],
        [("x", "c"), ("c", "g"), ("g", "fix", 0.2), ("g", "z", 0.8), ("fix", "c")],
    )  # fmt: skip
    assert handoffs(G) == 2


def test_visits_merge_consecutive_in_person_steps() -> None:
    # submit (trip 1) … pay → return (trip 2, one trip); the desk's check is not a visit
    G = graph(
        [
            ("x", "a", "submit", 1),
            ("c", "d", "check", 1),
            ("pay", "a", "pay", 1),
            ("z", "d", "return", 1),
        ],
        [("x", "c"), ("c", "pay"), ("pay", "z")],
        channels={"x": "in_person", "c": "in_person", "pay": "in_person", "z": "in_person"},
    )
    assert visits(G) == 2


def test_online_steps_are_not_visits() -> None:
    G = graph(
        [("x", "a", "submit", 1), ("z", "d", "return", 1)],
        [("x", "z")],
        channels={"x": "online", "z": "post"},
    )
    assert visits(G) == 0


def test_documents_count_what_is_submitted_once() -> None:
    G = graph(
        [("x", "a", "submit", 1), ("y", "a", "submit", 1)],
        [("x", "y")],
        documents={"x": ["form", "id"], "y": ["id", "photo"]},
    )
    assert measure(G).documents == 3
    assert measure(G).steps == 2
