"""Diagram files for an analysis: marks from its changes, DOT, and rendered images."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analysis.result import ProcedureAnalysis, dropped_documents
from diagrams.dot import DiagramMarks, procedure_dot
from diagrams.layout import lane_widths
from diagrams.render import render, render_svg_and_png
from models.errors import DiagramNotDrawn
from models.graph import ProcedureGraph
from models.metrics import Metrics
from models.procedure import ActorKind
from rules.edits import MergeSteps

__all__ = [
    "DiagramFiles",
    "before_after_dot",
    "diagram_files",
    "headline",
    "refresh_diagrams",
    "slug",
    "write_atomically",
    "write_diagrams",
]


@dataclass(frozen=True)
class DiagramFiles:
    """Paths of one procedure's diagrams, relative to the output folder; a PNG only for
    an essential service (its plans, in Word, print the diagram)."""

    before_svg: str
    before_png: str | None
    after_svg: str
    after_png: str | None


def slug(code: str) -> str:
    """A file-name-safe form of a procedure code.

    >>> slug("1.001193.000.00.00.H41"), slug("a/b c")
    ('1.001193.000.00.00.H41', 'a_b_c')
    """
    return re.sub(r"[^A-Za-z0-9._-]", "_", code)


def headline(before: Metrics, after: Metrics) -> str:
    """The figures strip: steps, hand-offs, visits, documents, days, before → after."""
    return (
        f"Bước {before.steps} → {after.steps} · Chuyển giao {before.handoffs} → {after.handoffs}"
        f" · Lượt đến {before.visits} → {after.visits} · Giấy tờ {before.documents} → "
        f"{after.documents} · Ngày {_days(before.lead_time_days)} → {_days(after.lead_time_days)}"
    )


def _days(days: float) -> str:
    """Days as Vietnamese writes them, to two decimals: 1,29."""
    return f"{days:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def before_after_dot(
    analysis: ProcedureAnalysis, *, approved: bool = False, scenario: str = ""
) -> tuple[str, str]:
    """DOT source of the before diagram (changes marked) and of the after diagram (titled
    as the approved version when `approved`, else as the proposal); a scenario's label,
    when given, heads the figures of both."""
    changes = analysis.outcome.changes
    removed = {step: change.rule for change in changes for step in change.removed_steps}
    dropped = {
        d.document: f"{d.rule}: {d.source}" if d.source else d.rule
        for d in dropped_documents(analysis.before, analysis.outcome)
    }
    strip = headline(analysis.metrics_before, analysis.metrics_after)
    if scenario:
        strip = f"{scenario} · {strip}"
    merged: list[set[str]] = []
    merging: list[str] = []
    for change in changes:
        for edit in change.edits:
            if not isinstance(edit, MergeSteps):
                continue
            pair = {edit.into, edit.step}
            joined = pair.union(*(g for g in merged if g & pair))
            merged = [g for g in merged if not g & joined] + [joined]
            merging += [change.rule] if change.rule not in merging else []
    after_graph = analysis.outcome.after
    lanes = shared_lanes(analysis.before, after_graph)
    before = procedure_dot(
        analysis.before,
        DiagramMarks(
            title=f"{analysis.name} — hiện trạng",
            removed_steps=removed,
            dropped_documents=dropped,
            headline=strip,
            merged=_brackets(analysis.before, merged),
            merged_by=", ".join(merging),
            lane_widths=lanes,
        ),
    )
    changed: dict[str, list[str]] = {}
    for change in changes:
        for step in (*change.steps, *change.added_steps):
            if step in after_graph and change.rule not in changed.setdefault(step, []):
                changed[step].append(change.rule)
    after = procedure_dot(
        after_graph,
        DiagramMarks(
            title=f"{analysis.name} — {'được duyệt' if approved else 'đề xuất'}",
            headline=strip,
            changed_steps={step: ", ".join(rules) for step, rules in changed.items()},
            lane_widths=lanes,
        ),
    )
    return before, after


def shared_lanes(*graphs: ProcedureGraph) -> dict[ActorKind, int]:
    """The lanes of several diagrams and the widest each needs, so that they line up."""
    lanes: dict[ActorKind, int] = {}
    for G in graphs:
        for kind, slots in lane_widths(G).items():
            lanes[kind] = max(lanes.get(kind, 0), slots)
    return lanes


def _brackets(G: ProcedureGraph, groups: list[set[str]]) -> tuple[tuple[str, ...], ...]:
    """The merged groups as steps of `G` in graph order, the groups in order of their first."""
    order = {node: i for i, node in enumerate(G)}
    steps = [tuple(sorted((n for n in g if n in order), key=order.__getitem__)) for g in groups]
    return tuple(sorted((g for g in steps if len(g) > 1), key=lambda g: order[g[0]]))


def diagram_files(code: str, essential: int | None) -> DiagramFiles:
    """Where a procedure's diagrams go, relative to the output folder: SVG (the site, the
    report, the Prefect UI), and PNG as well for an essential service (`essential`, its
    number), whose plans in Word print it."""
    name = f"diagrams/{slug(code)}"
    png = essential is not None
    return DiagramFiles(
        f"{name}-before.svg",
        f"{name}-before.png" if png else None,
        f"{name}-after.svg",
        f"{name}-after.png" if png else None,
    )


MAX_DRAWN_STEPS = 400
"""A procedure with more steps is not drawn: no page could show it legibly."""


def write_diagrams(
    out_dir: Path, analysis: ProcedureAnalysis, *, approved: bool = False, scenario: str = ""
) -> DiagramFiles:
    """Render the before and after diagrams as SVG (and PNG for an essential service,
    `diagram_files`) under `out_dir/diagrams/`.

    The two are drawn side by side, each by one Graphviz run, and nothing is written unless
    both were drawn. Each file is written under a temporary name, then renamed: a reader
    never sees half a file. A diagram too large to draw (more than `MAX_DRAWN_STEPS` steps,
    or one that Graphviz cannot finish in time) is replaced by a page that says so.
    """
    (out_dir / "diagrams").mkdir(parents=True, exist_ok=True)
    files = diagram_files(analysis.code, analysis.header["essential"])
    sources = before_after_dot(analysis, approved=approved, scenario=scenario)
    steps = (len(analysis.before), len(analysis.outcome.after))
    png = files.after_png is not None
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        drawings = list(pool.map(_drawing, sources, steps, (png, png)))
    paths = ((files.before_svg, files.before_png), (files.after_svg, files.after_png))
    for (svg_path, png_path), source, (svg, image) in zip(paths, sources, drawings, strict=True):
        write_atomically(out_dir / svg_path, svg)
        if png_path is not None and image is not None:
            write_atomically(out_dir / png_path, image)
        # the source last: a source on disk means its images were written
        write_atomically((out_dir / svg_path).with_suffix(".dot"), source.encode("utf-8"))
    return files


def refresh_diagrams(
    out_dir: Path, analysis: ProcedureAnalysis, *, approved: bool = False
) -> DiagramFiles:
    """`write_diagrams`, unless the diagrams under `out_dir` were drawn from the very
    same DOT sources (then nothing is drawn)."""
    files = diagram_files(analysis.code, analysis.header["essential"])
    drawn = [out_dir / Path(f).with_suffix(".dot") for f in (files.before_svg, files.after_svg)]
    sources = before_after_dot(analysis, approved=approved)
    if all(
        path.is_file() and path.read_text(encoding="utf-8") == source
        for path, source in zip(drawn, sources, strict=True)
    ):
        return files
    return write_diagrams(out_dir, analysis, approved=approved)


def _drawing(source: str, steps: int, png: bool) -> tuple[bytes, bytes | None]:
    """The diagram as SVG (and PNG when asked), or a notice that it is too large to draw."""
    if steps <= MAX_DRAWN_STEPS:
        try:
            return _draw(source, png)
        except DiagramNotDrawn:
            pass
    notice = f"Sơ đồ quá lớn để vẽ rõ ({steps} bước)"
    notice_dot = f'digraph procedure {{ node [shape=box]; n [label="{notice}", pos="0,0"]; }}'
    return _draw(notice_dot, png)


def _draw(source: str, png: bool) -> tuple[bytes, bytes | None]:
    return render_svg_and_png(source) if png else (render(source, "svg"), None)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
