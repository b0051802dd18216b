"""DOT source of a procedure diagram, built by a pure function (no Graphviz run here).

Every text from a procedure file goes through `_text` (HTML-like labels) or
`_quoted` (quoted DOT strings), so no label can break the DOT or inject markup.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from diagrams.layout import CELL, lane_of, layout
from models.graph import ProcedureGraph, StepData, actors_of, documents_of, step_of, steps_of
from models.procedure import ActorKind, Channel, StepKind

__all__ = ["CHANNEL_VI", "FONT", "KIND_VI", "DiagramMarks", "procedure_dot"]

FONT = "DejaVu Sans"
"""Covers Vietnamese (Latin Extended Additional); Debian's fonts-dejavu-core."""

_WRAP = 14
_MAX_LABEL = 160
_LANE_COLOURS = {
    ActorKind.applicant: "#fff4e0",
    ActorKind.one_stop: "#e8f1fb",
    ActorKind.specialist: "#eef7ea",
    ActorKind.leader: "#f6ecf8",
    ActorKind.external_agency: "#f2f2f2",
    ActorKind.system: "#e6f7f7",
}
_LANE_VI = {
    ActorKind.applicant: "Tổ chức, cá nhân",
    ActorKind.one_stop: "Bộ phận Một cửa",
    ActorKind.specialist: "Chuyên viên thụ lý",
    ActorKind.leader: "Lãnh đạo",
    ActorKind.external_agency: "Cơ quan phối hợp",
    ActorKind.system: "Hệ thống thông tin",
}
KIND_VI = {
    "submit": "nộp", "receive": "tiếp nhận", "check": "kiểm tra", "transfer": "chuyển",
    "appraise": "thẩm định", "verify": "xác minh", "approve": "phê duyệt", "sign": "ký",
    "issue": "ban hành", "pay": "nộp phí", "return": "trả kết quả", "notify": "thông báo",
    "wait": "chờ",
}  # fmt: skip
CHANNEL_VI = {"in_person": "trực tiếp", "online": "trực tuyến", "post": "bưu chính"}
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
    merged_by: str = ""
    """The rule codes that merge them: the brackets' label."""
    changed_steps: Mapping[str, str] = field(default_factory=dict)
    """Step id → rule codes that created or changed it (after): a look-up, a merge,
    a new channel, a parallel split or join."""
    lane_widths: Mapping[ActorKind, int] = field(default_factory=dict)
    """Lanes (in steps side by side) to draw at least this wide, even when empty here:
    the before and after diagrams share them so that they line up."""


@dataclass(frozen=True)
class _Label:
    """An HTML-like label and the lines it takes, large (11 pt) and small (9 pt)."""

    text: str
    large: int = 0
    small: int = 0

    def __add__(self, other: _Label) -> _Label:
        joined = "<BR/>".join(t for t in (self.text, other.text) if t)
        return _Label(joined, self.large + other.large, self.small + other.small)

    @property
    def height(self) -> float:
        return self.large * _LARGE_LINE + self.small * _SMALL_LINE


_LARGE_LINE = 13.5
_SMALL_LINE = 11.5


def _lines(value: object, limit: int = _MAX_LABEL, width: int = _WRAP) -> list[str]:
    """`value` on one line, cut at `limit` characters, wrapped at `width`, escaped."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    lines = textwrap.wrap(text, width, break_long_words=True) or [""]
    return [html.escape(line, quote=True) for line in lines]


def _text(value: object, limit: int = _MAX_LABEL, width: int = _WRAP) -> str:
    """Escape `value` for an HTML-like label, wrapped into short lines."""
    return "<BR/>".join(_lines(value, limit, width))


def _large(value: object, limit: int = _MAX_LABEL, width: int = _WRAP) -> _Label:
    lines = _lines(value, limit, width)
    return _Label("<BR/>".join(lines), large=len(lines))


def _small(value: object, colour: str = "", limit: int = 90, width: int = 18) -> _Label:
    lines = _lines(value, limit, width)
    colour = f' COLOR="{colour}"' if colour else ""
    return _Label(
        "<BR/>".join(f'<FONT POINT-SIZE="9"{colour}>{line}</FONT>' for line in lines),
        small=len(lines),
    )


def _quoted(value: object) -> str:
    """Return `value` as a quoted DOT string."""
    text = " ".join(str(value).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hours(hours: float) -> str:
    if hours >= 8 and hours % 4 == 0:
        return f"{hours / 8:g} ngày"
    return f"{hours:g} giờ"


@dataclass(frozen=True)
class _Node:
    options: list[str]
    height: float


def _step_node(
    attrs: StepData, actor: str | None, removed_by: str | None, changed_by: str | None
) -> _Node:
    """DOT attributes of a step's node (its position is added later) and its height."""
    kind = str(attrs["kind"])
    name = str(attrs["name"])
    tooltip = name
    if attrs["mandatory"]:
        tooltip += f" — bắt buộc theo {attrs['legal_basis']}"
    options = [f"tooltip={_quoted(tooltip)}"]
    mark = _Label("")
    if removed_by:
        mark = _small(f"✕ {removed_by}", _REMOVED)
        options += [f'color="{_REMOVED}"', f'fontcolor="{_REMOVED}"']
    elif changed_by:
        mark = _small(f"✓ {changed_by}", _CHANGED)
        options += [f'color="{_CHANGED}"', "penwidth=2.2"]
    if kind in (StepKind.parallel, StepKind.join_):
        options += ["shape=box", "style=filled", "fillcolor=black", "fixedsize=true"]
        options += ["width=1.2", "height=0.08", 'label=""']
        if mark.text:
            options.append(f"xlabel=<{mark.text}>")
        return _Node(options, 6 + mark.height)
    who = _small(actor, "#555555", 60, 18) if actor else _Label("")
    if kind == StepKind.decide:
        label = _large(name, 60, 10) + mark
        height = 2 * label.height + 24
        options += ["shape=diamond", "style=filled", "fillcolor=white", 'margin="0.02,0.02"']
        options += [f"width={_inches(_DIAMOND)}", f"height={_inches(height)}"]
        return _Node([*options, f"label=<{label.text}>"], height)
    name_label = _large(name)
    if removed_by:
        name_label = _Label(f"<S>{name_label.text}</S>", name_label.large)
    details = [KIND_VI.get(kind, kind), _hours(float(attrs["hours"]))]
    channel = CHANNEL_VI.get(str(attrs["channel"]))
    if channel:
        details.append(channel)
    marker = " §" if attrs["mandatory"] else ""
    label = who + name_label + _small(" · ".join(details) + marker) + mark
    style = "rounded,filled" + (",dashed" if removed_by else "")
    options += ["shape=box", f'style="{style}"', "fillcolor=white"]
    if attrs["channel"] == Channel.in_person and not removed_by:
        options.append('color="#d35400"')
    if attrs["mandatory"] and not changed_by:
        options.append("penwidth=2.2")
    height = label.height + 10
    options += [f"width={_inches(_BOX)}", f"height={_inches(height)}", f"label=<{label.text}>"]
    return _Node(options, height)


_BOX = CELL - 12
_DIAMOND = CELL - 20


def _inches(points: float) -> str:
    return f"{points / 72:.3f}"


def procedure_dot(G: ProcedureGraph, marks: DiagramMarks | None = None) -> str:
    """Return the DOT source of procedure graph `G`, laid out in swimlanes.

    One lane (column) per kind of actor, in the order of `ActorKind`; the flow
    runs down the page. Positions are fixed here (`diagrams.layout`), so the
    source is rendered with `neato -n2`. The same graph and marks always give
    the same text.
    """
    marks = marks or DiagramMarks()
    ids = {node: f"s{i}" for i, node in enumerate(G)}
    actors, kinds = actors_of(G), lane_of(G)
    names: dict[ActorKind, set[str]] = {}
    for node, kind in kinds.items():
        names.setdefault(kind, set()).add(actors[step_of(G, node)["actor"]]["name"])
    nodes = {
        node: _step_node(
            attrs,
            actors[attrs["actor"]]["name"] if len(names[kinds[node]]) > 1 else None,
            marks.removed_steps.get(node),
            marks.changed_steps.get(node),
        )
        for node, attrs in steps_of(G)
    }
    place = layout(G, {node: n.height for node, n in nodes.items()}, marks.lane_widths)
    legend, dropped = _LEGEND, _dropped(G, marks)
    width = max(place.width, _NOTES_WIDTH)  # the same for a before and after pair
    title = _title(marks, width)
    blocks = [("legend", legend), *([("dropped", dropped)] if dropped else [])]
    height = title[2] + place.height + sum(12 + block[2] for _, block in blocks) + 8
    lanes_top = height - title[2]

    def at(x: float, y: float) -> str:
        """A point `y` below the top of the lanes, as Graphviz writes it (y goes up)."""
        return f"{x:.1f},{lanes_top - y:.1f}"

    lines = [
        "// Positions are fixed by diagrams.layout: render with `neato -n2`.",
        "digraph procedure {",
        f'    graph [fontname="{FONT}", splines=true, forcelabels=true, '
        f'bb="0,0,{width:.1f},{height:.1f}"];',
        f'    node [fontname="{FONT}", fontsize=11, margin="0.1,0.05"];',
        f'    edge [fontname="{FONT}", fontsize=9, color="#555555", arrowsize=0.7];',
        f'    title [shape=plaintext, label=<{title[0]}>, pos="{at(width / 2, -title[2] / 2)}"];',
    ]
    grouped = {step: i for i, group in enumerate(marks.merged) for step in group}
    for lane in place.lanes:
        members = [node for node in G if kinds[node] == lane.kind]
        label = "<BR/>".join(f"<B>{line}</B>" for line in _lines(_LANE_VI[lane.kind], 40, 16))
        if len(names.get(lane.kind, ())) == 1:
            label += "<BR/>" + _small(next(iter(names[lane.kind])), limit=60, width=20).text
        lines += [
            f"    subgraph cluster_{lane.kind.value} {{",
            f'        graph [bb="{lane.left:.1f},{lanes_top - place.height:.1f},'
            f'{lane.right:.1f},{lanes_top:.1f}", label=<{label}>, fontsize=12, style=filled, '
            f'color="#cccccc", fillcolor="{_LANE_COLOURS[lane.kind]}"];',
        ]
        for group in sorted({grouped[n] for n in members if n in grouped}):
            bracket = [n for n in members if grouped.get(n) == group]
            lines += _bracket(group, bracket, place.centres, nodes, at, ids, marks.merged_by)
        lines += [
            f'        {ids[n]} [{", ".join(nodes[n].options)}, pos="{at(*place.centres[n])}"];'
            for n in members
            if n not in grouped
        ]
        lines.append("    }")
    lines += [
        '    start [shape=circle, label="", width=0.25, style=filled, fillcolor="#2e7d32", '
        f'color="#2e7d32", pos="{at(*place.start)}"];',
        '    end [shape=doublecircle, label="", width=0.2, style=filled, fillcolor="#b71c1c", '
        f'color="#b71c1c", pos="{at(*place.end)}"];',
    ]
    for node in G:
        if G.in_degree(node) == 0:
            lines.append(f"    start -> {ids[node]};")
        if G.out_degree(node) == 0:
            lines.append(f"    {ids[node]} -> end;")
    for u, v, attrs in G.edges(data=True):
        lines.append(f"    {ids[u]} -> {ids[v]}{_edge_options(attrs, marks, u, v)};")
    top = place.height
    for name, (label, block_width, block_height) in blocks:
        top += 12
        centre = at(block_width / 2 + 4, top + block_height / 2)
        lines.append(f'    {name} [shape=plaintext, label=<{label}>, pos="{centre}"];')
        top += block_height
    lines.append("}")
    return "\n".join(lines) + "\n"


_Block = tuple[str, float, float]
"""A plain-text block: its HTML-like label, width and height."""
_NOTES_WIDTH = 330.0
"""Room for the legend and the table of dropped documents under the lanes."""


def _title(marks: DiagramMarks, width: float) -> _Block:
    """The title and the headline strip, wrapped to the diagram's width."""
    title = _lines(marks.title, 240, max(40, int(width / 7.8))) if marks.title else []
    strip = _lines(marks.headline, 300, max(50, int(width / 5.8))) if marks.headline else []
    label = "<BR/>".join(
        [f"<B>{line}</B>" for line in title] + [f'<FONT POINT-SIZE="10">{s}</FONT>' for s in strip]
    )
    return label or " ", width, 16 + 16 * len(title) + 13 * len(strip)


def _dropped(G: ProcedureGraph, marks: DiagramMarks) -> _Block | None:
    """The table of documents no longer asked for, with the source that replaces each."""
    if not marks.dropped_documents:
        return None
    rows, height = [], 30.0
    for doc, why in sorted(marks.dropped_documents.items()):
        name = _large(documents_of(G)[doc]["name"], 120, 46)
        reason = _small(why, limit=120, width=56)
        rows.append(f'<TR><TD ALIGN="LEFT"><S>{name.text}</S><BR/>{reason.text}</TD></TR>')
        height += (name + reason).height + 4
    label = (
        f'<TABLE BORDER="1" CELLBORDER="0" COLOR="{_REMOVED}"><TR><TD>'
        f'<FONT COLOR="{_REMOVED}"><B>Thành phần hồ sơ được bỏ</B></FONT></TD></TR>'
        f"{''.join(rows)}</TABLE>"
    )
    return label, _NOTES_WIDTH, height


_LEGEND: _Block = (
    '<TABLE BORDER="1" CELLBORDER="0" COLOR="#999999" CELLPADDING="2">'
    '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9"><B>Chú giải</B></FONT></TD></TR>'
    + "".join(
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{row}</FONT></TD></TR>'
        for row in (
            '<FONT COLOR="#d35400">▭ viền cam</FONT>: người dân đến trực tiếp',
            "▭ viền đậm, §: bước bắt buộc theo luật (di chuột: căn cứ)",
            f'<FONT COLOR="{_REMOVED}"><S>gạch ngang</S> ✕ mã</FONT>: bước bỏ, theo quy tắc',
            f'<FONT COLOR="{_CHANGED}">✓ mã</FONT>: bước mới hoặc thay đổi, theo quy tắc',
            f'<FONT COLOR="{_REMOVED}">[ khung nét đứt ]</FONT>: các bước được gộp thành một',
            "◇ rẽ nhánh (xác suất) · ▬ song song / hợp nhánh",
        )
    )
    + "</TABLE>",
    _NOTES_WIDTH,
    7 * 15.0 + 8,
)


def _bracket(
    group: int,
    members: list[str],
    centres: Mapping[str, tuple[float, float]],
    nodes: Mapping[str, _Node],
    at: Callable[[float, float], str],
    ids: Mapping[str, str],
    label: str,
) -> list[str]:
    """A dashed bracket (cluster) labelled `label` around steps that a merge makes one."""
    top = min(centres[n][1] - nodes[n].height / 2 for n in members) - 14
    bottom = max(centres[n][1] + nodes[n].height / 2 for n in members) + 4
    left = min(centres[n][0] for n in members) - _BOX / 2 - 4
    right = max(centres[n][0] for n in members) + _BOX / 2 + 4

    return [
        f"        subgraph cluster_merge_{group} {{",
        f'            graph [bb="{at(left, bottom)},{at(right, top)}", label="{label}", '
        f'style="dashed,rounded", color="{_REMOVED}", fontcolor="{_REMOVED}", fontsize=9];',
        *(
            f'            {ids[n]} [{", ".join(nodes[n].options)}, pos="{at(*centres[n])}"];'
            for n in members
        ),
        "        }",
    ]


def _edge_options(attrs: Mapping[str, object], marks: DiagramMarks, u: str, v: str) -> str:
    options = []
    label = str(attrs["when"]) if attrs.get("when") else ""
    probability = attrs.get("probability")
    if isinstance(probability, float | int):
        label = f"{label} ({probability:.0%})".strip()
    if label:
        options.append(f"xlabel=<{_text(label, 40, 20)}>")
    if u in marks.removed_steps or v in marks.removed_steps:
        options += [f'color="{_REMOVED}"', "style=dashed"]
    return f" [{', '.join(options)}]" if options else ""
