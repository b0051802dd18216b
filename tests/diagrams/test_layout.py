"""Swimlane layout: lanes in a fixed order, before and after aligned, nothing
overlapping, and the largest bundled procedure legible at A4 width."""

from __future__ import annotations

import re
from functools import cache

import pytest

from analysis.result import ProcedureAnalysis, analyze, rule_context
from diagrams.figures import before_after_dot
from diagrams.layout import CELL, back_edges, lane_of, layout
from diagrams.render import render
from inputs.files import find_procedure_files, load_procedure
from inputs.registry import load_data_sources
from models.graph import to_graph
from models.procedure import ActorKind, Procedure
from rules import get_rules
from tests.conftest import CATALOG, minimal_procedure
from tests.diagrams.svg_boxes import Box, read_drawing

A4_PRINT_WIDTH_MM = 180.0
"""An A4 page (210 mm) less two 15 mm margins."""
PNG_DPI = 110
STEP_FONT_PT = 11
DEJAVU_X_HEIGHT = 1120 / 2048
"""DejaVu Sans's x-height, as a share of the font size."""
TIMES_6PT_X_HEIGHT_MM = 6 * 25.4 / 72 * 0.448
"""The x-height of 6-point Times, the smallest print commonly held legible."""


@cache
def _catalogue() -> tuple[ProcedureAnalysis, ...]:
    sources = load_data_sources(CATALOG / "data_sources.yaml")
    files = find_procedure_files([CATALOG])
    return tuple(
        analyze(to_graph(load_procedure(f, sources)), get_rules(), rule_context(sources))
        for f in files
    )


def _lane_boxes(source: str) -> dict[str, tuple[float, float]]:
    """Lane → (left, right) as the DOT source fixes them."""
    lane = r'subgraph cluster_(\w+) \{\n        graph \[bb="([\d.]+),[\d.]+,([\d.]+)'
    found = re.findall(lane, source)
    return {lane: (float(left), float(right)) for lane, left, right in found}


def test_loops_are_found_and_rows_run_down_the_page() -> None:
    document = minimal_procedure()
    G = to_graph(Procedure.model_validate(document))
    loops = back_edges(G)
    heights = dict.fromkeys(G, 40.0)
    place = layout(G, heights)
    for u, v in G.edges:
        if (u, v) not in loops:
            assert place.centres[u][1] < place.centres[v][1], (u, v)
    assert place.start[1] < min(y for _, y in place.centres.values())
    assert place.end[1] > max(y for _, y in place.centres.values())


def test_a_send_back_loop_is_the_one_back_edge() -> None:
    analysis = next(a for a in _catalogue() if a.code.startswith("1.001193"))
    G = analysis.before
    loops = back_edges(G)
    assert loops
    for u, v in loops:
        assert G.nodes[u]["kind"] in ("submit", "decide") or G.nodes[v]["kind"] == "check"


def test_lanes_keep_the_order_of_actor_kinds_and_hold_their_steps() -> None:
    order = list(ActorKind)
    for analysis in _catalogue():
        G = analysis.before
        place = layout(G, dict.fromkeys(G, 60.0))
        kinds = [lane.kind for lane in place.lanes]
        assert kinds == sorted(kinds, key=order.index)
        assert all(a.right == b.left for a, b in zip(place.lanes, place.lanes[1:], strict=False))
        lanes = {lane.kind: lane for lane in place.lanes}
        for node, kind in lane_of(G).items():
            x = place.centres[node][0]
            assert lanes[kind].left + CELL / 2 <= x + 1 and x - 1 <= lanes[kind].right - CELL / 2


def test_before_and_after_share_their_lanes() -> None:
    for analysis in _catalogue():
        before, after = before_after_dot(analysis)
        assert _lane_boxes(before) == _lane_boxes(after), analysis.code


@pytest.mark.dot
def test_rendered_diagrams_have_no_overlaps_and_steps_inside_their_lanes() -> None:
    """Every bundled procedure, before and after, as Graphviz draws it."""
    for analysis in _catalogue():
        for source in before_after_dot(analysis):
            drawing = read_drawing(render(source, "svg").decode())
            nodes = drawing.nodes
            lanes = {b.name: b for b in drawing.lanes if not b.name.startswith("cluster_merge")}
            where = analysis.code
            assert not _overlapping(nodes), where
            assert not _overlapping(list(lanes.values())), where
            for node in nodes:
                lane = _lanes_by_node(source).get(node.name)
                if lane:
                    box = lanes[f"cluster_{lane}"]
                    assert box.left <= node.left and node.right <= box.right, (where, node)
            for text, x, y in drawing.edge_labels:
                assert not [n for n in nodes if n.contains(x, y)], (where, text)


def _overlapping(boxes: list[Box]) -> list[tuple[str, str]]:
    return [(a.name, b.name) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]


def _lanes_by_node(source: str) -> dict[str, str]:
    """Node → lane, read from the DOT source's clusters."""
    found: dict[str, str] = {}
    for lane, body in re.findall(r"subgraph cluster_(\w+) \{(.*?)\n    \}", source, re.S):
        if not lane.startswith("merge"):
            for node in re.findall(r"^\s+(s\d+) \[", body, re.M):
                found[node] = lane
    return found


@pytest.mark.dot
def test_the_largest_procedure_is_legible_printed_at_a4_width() -> None:
    """Step names printed across an A4 page keep the x-height of 6-point Times."""
    largest = max(_catalogue(), key=lambda a: len(a.before))
    assert len(largest.before) >= 39
    for source in before_after_dot(largest):
        png = render(source, "png")
        width_px = int.from_bytes(png[16:20], "big")
        font_px = STEP_FONT_PT * PNG_DPI / 72
        x_height_mm = font_px * DEJAVU_X_HEIGHT * A4_PRINT_WIDTH_MM / width_px
        assert x_height_mm >= TIMES_6PT_X_HEIGHT_MM, (width_px, round(x_height_mm, 3))
