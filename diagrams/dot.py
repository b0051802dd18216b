"""DOT source of a procedure diagram, built by a pure function (no Graphviz run here).

Every text from a procedure file goes through `_text` (HTML-like labels) or
`_quoted` (quoted DOT strings), so no label can break the DOT or inject markup.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.graph import ProcedureGraph
from models.procedure import ActorKind, Channel, StepKind

__all__ = ["FONT", "DiagramMarks", "procedure_dot"]

FONT = "DejaVu Sans"
"""Covers Vietnamese (Latin Extended Additional); Debian's fonts-dejavu-core."""

_WRAP = 26
_MAX_LABEL = 160
_LANE_ORDER = list(ActorKind)
_LANE_COLOURS = {
    ActorKind.applicant: "#fff4e0",
    ActorKind.one_stop: "#e8f1fb",
    ActorKind.specialist: "#eef7ea",
    ActorKind.leader: "#f6ecf8",
    ActorKind.external_agency: "#f2f2f2",
    ActorKind.system: "#e6f7f7",
}
_KIND_VI = {
    "submit": "nộp", "receive": "tiếp nhận", "check": "kiểm tra", "transfer": "chuyển",
    "appraise": "thẩm định", "verify": "xác minh", "approve": "phê duyệt", "sign": "ký",
    "issue": "ban hành", "pay": "nộp phí", "return": "trả kết quả", "notify": "thông báo",
    "wait": "chờ",
}  # fmt: skip
_CHANNEL_VI = {"in_person": "trực tiếp", "online": "trực tuyến", "post": "bưu chính"}
_REMOVED = "#c0392b"
_CHANGED = "#1e8449"


@dataclass(frozen=True)
class DiagramMarks:
    """What to show besides the graph: removed steps and dropped documents (before)."""

    title: str = ""
    removed_steps: Mapping[str, str] = field(default_factory=dict)
    """Step id → rule code that removes it."""
    dropped_documents: Mapping[str, str] = field(default_factory=dict)
    """Document id → why it goes (rule code and data source)."""
    headline: str = ""
    merged: tuple[tuple[str, ...], ...] = ()
    """Groups of steps (before) that a merge makes one step: drawn inside a bracket."""
    changed_steps: Mapping[str, str] = field(default_factory=dict)
    """Step id → rule codes that created or changed it (after): a look-up, a merge,
    a new channel, a parallel split or join."""


def _text(value: object, limit: int = _MAX_LABEL, width: int = _WRAP) -> str:
    """Escape `value` for an HTML-like label, wrapped into short lines."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    lines = textwrap.wrap(text, width, break_long_words=True) or [""]
    return "<BR/>".join(html.escape(line, quote=True) for line in lines)


def _quoted(value: object) -> str:
    """Return `value` as a quoted DOT string."""
    text = " ".join(str(value).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hours(hours: float) -> str:
    if hours >= 8 and hours % 4 == 0:
        return f"{hours / 8:g} ngày"
    return f"{hours:g} giờ"


def _step_node(
    ident: str, attrs: Mapping[str, Any], removed_by: str | None, changed_by: str | None
) -> str:
    kind = str(attrs["kind"])
    name = str(attrs["name"])
    tooltip = name
    if attrs["mandatory"]:
        tooltip += f" — bắt buộc theo {attrs['legal_basis']}"
    options = [f"tooltip={_quoted(tooltip)}"]
    if kind == StepKind.decide:
        options += ["shape=diamond", "style=filled", "fillcolor=white", "height=0.6"]
        label = _text(name, 60)
    elif kind in (StepKind.parallel, StepKind.join_):
        options += ["shape=box", "style=filled", "fillcolor=black", "width=0.12", "height=0.7"]
        label = ""
    else:
        details = [_KIND_VI.get(kind, kind), _hours(float(attrs["hours"]))]
        channel = _CHANNEL_VI.get(str(attrs["channel"]))
        if channel:
            details.append(channel)
        label = _text(name)
        if removed_by:
            label = f"<S>{label}</S>"
        marker = " §" if attrs["mandatory"] else ""
        label += f'<BR/><FONT POINT-SIZE="9">{html.escape(" · ".join(details))}{marker}</FONT>'
        style = "rounded,filled" + (",dashed" if removed_by else "")
        options += ["shape=box", f'style="{style}"', "fillcolor=white"]
        if attrs["channel"] == Channel.in_person:
            options.append('color="#d35400"')
        if attrs["mandatory"]:
            options.append("penwidth=2.2")
    if removed_by:
        label += f'<BR/><FONT POINT-SIZE="9" COLOR="{_REMOVED}">✕ {html.escape(removed_by)}</FONT>'
        options += [f'color="{_REMOVED}"', f'fontcolor="{_REMOVED}"']
    elif changed_by:
        label += f'<BR/><FONT POINT-SIZE="9" COLOR="{_CHANGED}">✓ {html.escape(changed_by)}</FONT>'
        options += [f'color="{_CHANGED}"', "penwidth=2.2"]
    if kind in (StepKind.parallel, StepKind.join_):
        options.append('label=""')
        if removed_by or changed_by:
            options.append(f"xlabel=<{label}>")
    else:
        options.append(f"label=<{label}>")
    return f"    {ident} [{', '.join(options)}];"


def procedure_dot(G: ProcedureGraph, marks: DiagramMarks | None = None) -> str:
    """Return the DOT source of procedure graph `G`: one lane (cluster) per actor.

    The same graph and marks always give the same text.
    """
    marks = marks or DiagramMarks()
    ids = {node: f"s{i}" for i, node in enumerate(G)}
    actors = G.graph["actors"]
    lanes = sorted(
        {attrs["actor"] for _, attrs in G.nodes(data=True)},
        key=lambda a: (_LANE_ORDER.index(ActorKind(actors[a]["kind"])), a),
    )
    lines = [
        "digraph procedure {",
        f'    graph [rankdir=LR, fontname="{FONT}", fontsize=12, nodesep=0.35, ranksep=0.45, '
        f"newrank=true, labelloc=t, label=<{_graph_label(marks)}>];",
        f'    node [fontname="{FONT}", fontsize=11, margin="0.12,0.06"];',
        f'    edge [fontname="{FONT}", fontsize=9, color="#555555", arrowsize=0.7];',
        '    start [shape=circle, label="", width=0.25, style=filled, fillcolor="#2e7d32", '
        'color="#2e7d32"];',
        '    end [shape=doublecircle, label="", width=0.2, style=filled, fillcolor="#b71c1c", '
        'color="#b71c1c"];',
    ]
    for number, actor in enumerate(lanes):
        kind = ActorKind(actors[actor]["kind"])
        lines += [
            f"    subgraph cluster_{number} {{",
            f"        label=<<B>{_text(actors[actor]['name'], 80)}</B>>; labeljust=l; "
            f'style=filled; color="#cccccc"; fillcolor="{_LANE_COLOURS[kind]}";',
        ]
        grouped = {step: i for i, group in enumerate(marks.merged) for step in group}
        brackets: dict[int, list[str]] = {}
        for node, attrs in G.nodes(data=True):
            if attrs["actor"] == actor:
                removed, changed = marks.removed_steps.get(node), marks.changed_steps.get(node)
                line = "    " + _step_node(ids[node], attrs, removed, changed)
                if node in grouped:
                    brackets.setdefault(grouped[node], []).append("    " + line)
                else:
                    lines.append(line)
        for group, members in sorted(brackets.items()):
            lines += [
                f"        subgraph cluster_merge_{group} {{",
                f'            label="ST02"; style="dashed,rounded"; color="{_REMOVED}"; '
                f'fontcolor="{_REMOVED}"; fontsize=9;',
                *members,
                "        }",
            ]
        lines.append("    }")
    for node in G:
        if G.in_degree(node) == 0:
            lines.append(f"    start -> {ids[node]};")
        if G.out_degree(node) == 0:
            lines.append(f"    {ids[node]} -> end;")
    for u, v, attrs in G.edges(data=True):
        lines.append(f"    {ids[u]} -> {ids[v]}{_edge_options(attrs, marks, u, v)};")
    if marks.dropped_documents:
        rows = "".join(
            f'<TR><TD ALIGN="LEFT"><S>{_text(G.graph["documents"][doc]["name"], 90)}</S>'
            f'<BR/><FONT POINT-SIZE="9">{_text(why, 90)}</FONT></TD></TR>'
            for doc, why in sorted(marks.dropped_documents.items())
        )
        lines.append(
            f'    dropped [shape=plaintext, fontcolor="{_REMOVED}", label=<<TABLE BORDER="1" '
            f'CELLBORDER="0" COLOR="{_REMOVED}"><TR><TD><B>Thành phần hồ sơ được bỏ</B></TD>'
            f"</TR>{rows}</TABLE>>];"
        )
    lines.append(_LEGEND)
    lines.append("}")
    return "\n".join(lines) + "\n"


_LEGEND = (
    '    legend [shape=plaintext, fontsize=9, label=<<TABLE BORDER="1" CELLBORDER="0" '
    'COLOR="#999999" CELLPADDING="2"><TR><TD ALIGN="LEFT"><B>Chú giải</B></TD></TR>'
    '<TR><TD ALIGN="LEFT"><FONT COLOR="#d35400">▭ viền cam</FONT>: '
    "người dân đến trực tiếp</TD></TR>"
    '<TR><TD ALIGN="LEFT">▭ viền đậm, §: bước bắt buộc theo luật (di chuột: căn cứ)</TD></TR>'
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{_REMOVED}"><S>gạch ngang</S> ✕ mã</FONT>: '
    "bước bỏ, theo quy tắc</TD></TR>"
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{_CHANGED}">✓ mã</FONT>: bước mới hoặc thay đổi, '
    "theo quy tắc</TD></TR>"
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{_REMOVED}">[ khung nét đứt ]</FONT>: các bước '
    "được gộp thành một</TD></TR>"
    '<TR><TD ALIGN="LEFT">◇ rẽ nhánh (xác suất) · ▮ song song / hợp nhánh</TD></TR>'
    "</TABLE>>];"
)


def _graph_label(marks: DiagramMarks) -> str:
    parts = [f"<B>{_text(marks.title, 200, width=70)}</B>"] if marks.title else []
    if marks.headline:
        parts.append(f'<FONT POINT-SIZE="10">{html.escape(marks.headline)}</FONT>')
    return "<BR/>".join(parts) or " "


def _edge_options(attrs: Mapping[str, object], marks: DiagramMarks, u: str, v: str) -> str:
    options = []
    label = str(attrs["when"]) if attrs.get("when") else ""
    probability = attrs.get("probability")
    if isinstance(probability, float | int):
        label = f"{label} ({probability:.0%})".strip()
    if label:
        options.append(f"label=<{_text(label, 60)}>")
    if u in marks.removed_steps or v in marks.removed_steps:
        options += [f'color="{_REMOVED}"', "style=dashed"]
    return f" [{', '.join(options)}]" if options else ""
