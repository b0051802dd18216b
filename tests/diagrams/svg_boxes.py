"""Read what Graphviz drew from its SVG: the boxes of nodes and lanes, and edge labels."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

_SVG = "{http://www.w3.org/2000/svg}"
_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Box:
    name: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box, slack: float = 1.0) -> bool:
        return (
            self.left < other.right - slack
            and other.left < self.right - slack
            and self.top < other.bottom - slack
            and other.top < self.bottom - slack
        )

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom


@dataclass(frozen=True)
class Drawing:
    nodes: list[Box]
    lanes: list[Box]
    edge_labels: list[tuple[str, float, float]]


def read_drawing(svg: str) -> Drawing:
    """The node and cluster boxes (by their DOT name) and the edge labels' anchors."""
    nodes: list[Box] = []
    lanes: list[Box] = []
    labels: list[tuple[str, float, float]] = []
    for group in ET.fromstring(svg).iter(f"{_SVG}g"):
        kind = group.get("class")
        title = group.find(f"{_SVG}title")
        if kind not in ("node", "cluster", "edge") or title is None or title.text is None:
            continue
        if kind == "edge":
            labels += [
                (text.text or "", float(text.get("x", 0)), float(text.get("y", 0)))
                for text in group.iter(f"{_SVG}text")
            ]
            continue
        points: list[tuple[float, float]] = []
        for shape in group.iter():
            if shape.tag in (f"{_SVG}polygon", f"{_SVG}path"):
                data = shape.get("points") or shape.get("d") or ""
                points += [(float(x), float(y)) for x, y in _POINT.findall(data)]
            elif shape.tag == f"{_SVG}ellipse":
                cx, cy, rx, ry = (float(shape.get(k, 0)) for k in ("cx", "cy", "rx", "ry"))
                points += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
        if points:
            xs, ys = zip(*points, strict=True)
            box = Box(title.text, min(xs), min(ys), max(xs), max(ys))
            (nodes if kind == "node" else lanes).append(box)
    return Drawing(nodes, lanes, labels)
