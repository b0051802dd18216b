"""A procedure as BPMN 2.0 XML: a collaboration with one pool, a lane per actor, the
steps as tasks, events and gateways, the documents as data objects, and a full diagram
section (BPMNDI) laid out by the project's own swimlanes, so that bpmn.io and Camunda
Modeler open it drawn, lanes included.

The engine's own attributes (durations, channels, legal acts, data sources …) travel in
the namespace `TTHC_NS` (docs/bpmn.md), so that a file written here imports back to the
same procedure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from diagrams.layout import back_edges, ranks
from models.graph import ProcedureGraph, from_graph
from models.procedure import ActorKind, Procedure, Step, StepKind

__all__ = [
    "BPMNDI_NS",
    "BPMN_NS",
    "DC_NS",
    "DI_NS",
    "TTHC_NS",
    "ShapeBox",
    "bpmn_xml",
    "fresh_diagram",
    "layout",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
TTHC_NS = "https://tthc-reengineer.vn/bpmn/1"
_NSMAP = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "tthc": TTHC_NS}

# Sizes in pixels, as bpmn.io draws them.
_TASK = (120.0, 90.0)
_GATEWAY = (50.0, 50.0)
_EVENT = (36.0, 36.0)
_COLUMN = 180.0
_ROW = 130.0
_POOL_LABEL = 30.0
_LANE_LABEL = 30.0
_PAD = 50.0


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _b(tag: str) -> str:
    return _q(BPMN_NS, tag)


def _t(name: str) -> str:
    return _q(TTHC_NS, name)


@dataclass(frozen=True)
class ShapeBox:
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass(frozen=True)
class Diagram:
    """Where the pool, each lane, each step and the start and end events go."""

    pool: ShapeBox
    lanes: dict[str, ShapeBox]
    shapes: dict[str, ShapeBox]


def _size(step: Step) -> tuple[float, float]:
    if step.kind in (StepKind.decide, StepKind.parallel, StepKind.join_):
        return _GATEWAY
    if step.kind is StepKind.wait:
        return _EVENT
    return _TASK


def lane_order(procedure: Procedure) -> list[str]:
    """The actors as lanes, top to bottom: by kind (the applicant first), then as listed."""
    kinds = list(ActorKind)
    listed = list(procedure.actors)
    return sorted(listed, key=lambda a: (kinds.index(procedure.actors[a].kind), listed.index(a)))


def layout(procedure: Procedure, G: ProcedureGraph) -> Diagram:
    """The swimlanes turned on their side, as BPMN tools draw them: a lane per actor is a
    band across the page, the flow runs left to right by the same ranks as the project's
    diagrams; steps of one lane and rank stack inside the band."""
    rank = ranks(G)
    steps = {s.id: s for s in procedure.steps}
    actors = lane_order(procedure)
    cells: dict[tuple[str, int], list[str]] = {}
    for node in G:
        cells.setdefault((steps[node].actor, rank[node]), []).append(node)
    depth = {a: max([len(v) for (lane, _), v in cells.items() if lane == a] or [1]) for a in actors}
    left = _POOL_LABEL + _LANE_LABEL
    top = 0.0
    lanes: dict[str, ShapeBox] = {}
    shapes: dict[str, ShapeBox] = {}
    last_rank = max(rank.values(), default=1)
    width = left + _COLUMN * (last_rank + 2)
    for actor in actors:
        height = depth[actor] * _ROW + 20.0
        lanes[actor] = ShapeBox(_POOL_LABEL, top, width - _POOL_LABEL, height)
        for (lane, r), nodes in sorted(cells.items(), key=lambda item: item[0][1]):
            if lane != actor:
                continue
            for slot, node in enumerate(nodes):
                w, h = _size(steps[node])
                cx = left + _COLUMN * r + _COLUMN / 2
                cy = top + 10.0 + _ROW * slot + _ROW / 2
                shapes[node] = ShapeBox(cx - w / 2, cy - h / 2, w, h)
        top += height
    first = next(n for n in G if G.in_degree(n) == 0)
    fy = shapes[first].centre[1]
    shapes["__start"] = ShapeBox(left + _COLUMN / 2 - _EVENT[0] / 2, fy - _EVENT[1] / 2, *_EVENT)
    for node in (n for n in G if G.out_degree(n) == 0):
        box = shapes[node]
        shapes[f"__end_{node}"] = ShapeBox(
            box.x + box.width + 44.0, box.centre[1] - _EVENT[1] / 2, *_EVENT
        )
    right = max(b.x + b.width for b in shapes.values()) + _PAD
    if right > width:
        lanes = {a: ShapeBox(b.x, b.y, right - b.x, b.height) for a, b in lanes.items()}
        width = right
    return Diagram(ShapeBox(0.0, 0.0, width, top), lanes, shapes)


def _element(kind: StepKind, actor: ActorKind) -> str:
    if kind is StepKind.decide:
        return "exclusiveGateway"
    if kind in (StepKind.parallel, StepKind.join_):
        return "parallelGateway"
    if kind is StepKind.wait:
        return "intermediateCatchEvent"
    if actor is ActorKind.system:
        return "serviceTask"
    if kind is StepKind.notify:
        return "sendTask"
    return "userTask"


def _bpmn_id(prefix: str, ident: str) -> str:
    return f"{prefix}_{ident}"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    return str(value)


def _set(element: etree._Element, name: str, value: object) -> None:
    if value is None or value == [] or value is False:
        return
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    element.set(_t(name), _text(value))


def bpmn_xml(G: ProcedureGraph, title: str = "") -> bytes:
    """The procedure `G` as a BPMN 2.0 file (UTF-8), `title` naming the diagram."""
    procedure = from_graph(G)
    diagram = layout(procedure, G)
    root = etree.Element(_b("definitions"), nsmap=_NSMAP)
    root.set("id", "Definitions_1")
    root.set("targetNamespace", TTHC_NS)
    root.set("exporter", "tthc-reengineer")
    root.set("exporterVersion", "1")
    collaboration = etree.SubElement(root, _b("collaboration"), id="Collaboration_1")
    etree.SubElement(
        collaboration,
        _b("participant"),
        id="Participant_1",
        name=procedure.agency or procedure.name,
        processRef="Process_1",
    )
    process = etree.SubElement(
        root, _b("process"), id="Process_1", name=procedure.name, isExecutable="false"
    )
    _header(process, procedure)
    lane_set = etree.SubElement(process, _b("laneSet"), id="LaneSet_1")
    steps = {s.id: s for s in procedure.steps}
    first = next(n for n in G if G.in_degree(n) == 0)
    actors = lane_order(procedure)
    for actor in actors:
        data = procedure.actors[actor]
        lane = etree.SubElement(lane_set, _b("lane"), id=_bpmn_id("Lane", actor), name=data.name)
        _set(lane, "id", actor)
        _set(lane, "kind", data.kind.value)
        _set(lane, "agency", data.agency)
        nodes = [s.id for s in procedure.steps if s.actor == actor]
        if actor == steps[first].actor:
            etree.SubElement(lane, _b("flowNodeRef")).text = "StartEvent_1"
        for node in nodes:
            etree.SubElement(lane, _b("flowNodeRef")).text = _bpmn_id("Step", node)
            if G.out_degree(node) == 0:
                etree.SubElement(lane, _b("flowNodeRef")).text = _bpmn_id("End", node)
    for ident, document in procedure.documents.items():
        data_object = etree.SubElement(
            process, _b("dataObject"), id=_bpmn_id("Data", ident), name=document.name
        )
        _set(data_object, "id", ident)
        _set(data_object, "copies", document.copies if document.copies != 1 else None)
        _set(data_object, "heldBy", document.held_by)
        _set(data_object, "physical", document.physical)
        etree.SubElement(
            process,
            _b("dataObjectReference"),
            id=_bpmn_id("DataRef", ident),
            name=document.name,
            dataObjectRef=_bpmn_id("Data", ident),
        )
    flows = list(_flows(procedure, first, G))
    outgoing: dict[str, list[str]] = {}
    incoming: dict[str, list[str]] = {}
    for flow_id, source, target, _ in flows:
        outgoing.setdefault(source, []).append(flow_id)
        incoming.setdefault(target, []).append(flow_id)
    start = etree.SubElement(process, _b("startEvent"), id="StartEvent_1", name="Bắt đầu")
    for flow_id in outgoing["StartEvent_1"]:
        etree.SubElement(start, _b("outgoing")).text = flow_id
    associations = 0
    for step in procedure.steps:
        doer = procedure.actors[step.actor]
        node_id = _bpmn_id("Step", step.id)
        element = etree.SubElement(
            process, _b(_element(step.kind, doer.kind)), id=node_id, name=step.name
        )
        if step.kind in (StepKind.parallel, StepKind.join_):
            element.set(
                "gatewayDirection", "Diverging" if step.kind is StepKind.parallel else "Converging"
            )
        _step_attributes(element, step)
        for flow_id in incoming.get(node_id, []):
            etree.SubElement(element, _b("incoming")).text = flow_id
        for flow_id in outgoing.get(node_id, []):
            etree.SubElement(element, _b("outgoing")).text = flow_id
        if step.kind is StepKind.wait:
            timer = etree.SubElement(element, _b("timerEventDefinition"), id=f"Timer_{step.id}")
            duration = etree.SubElement(timer, _b("timeDuration"), id=f"Duration_{step.id}")
            duration.text = f"PT{_text(step.duration_hours)}H"
            continue
        if element.tag.endswith("Gateway"):
            continue
        if step.documents or step.uses:  # where inputs land, as bpmn.io writes it
            etree.SubElement(
                element, _b("property"), id=f"Property_{step.id}", name="__targetRef_placeholder"
            )
        for use, ids in (("documents", step.documents), ("uses", step.uses)):
            for ident in ids:
                associations += 1
                association = etree.SubElement(
                    element, _b("dataInputAssociation"), id=f"DataInputAssociation_{associations}"
                )
                _set(association, "use", use)
                etree.SubElement(association, _b("sourceRef")).text = _bpmn_id("DataRef", ident)
                etree.SubElement(association, _b("targetRef")).text = f"Property_{step.id}"
        for ident in step.produces:
            associations += 1
            association = etree.SubElement(
                element, _b("dataOutputAssociation"), id=f"DataOutputAssociation_{associations}"
            )
            etree.SubElement(association, _b("targetRef")).text = _bpmn_id("DataRef", ident)
    for node in (n for n in G if G.out_degree(n) == 0):
        end = etree.SubElement(process, _b("endEvent"), id=_bpmn_id("End", node), name="Kết thúc")
        for flow_id in incoming[_bpmn_id("End", node)]:
            etree.SubElement(end, _b("incoming")).text = flow_id
    for flow_id, source, target, attrs in flows:
        flow = etree.SubElement(
            process, _b("sequenceFlow"), id=flow_id, sourceRef=source, targetRef=target
        )
        if attrs.get("when"):
            flow.set("name", str(attrs["when"]))
        _set(flow, "probability", attrs.get("probability"))
    _diagram(root, procedure, G, diagram, flows, title or procedure.name)
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return written


def _header(process: etree._Element, procedure: Procedure) -> None:
    for name, value in (
        ("code", procedure.code),
        ("codeStatus", procedure.code_status.value if procedure.code_status else None),
        ("level", procedure.level.value),
        ("field", procedure.field),
        ("agency", procedure.agency),
        ("statutoryDays", procedure.statutory_days),
        ("annualVolume", procedure.annual_volume),
        ("feeInPerson", procedure.fees_vnd.in_person),
        ("feeOnline", procedure.fees_vnd.online),
        ("essential", procedure.essential),
        ("onlineAllowed", "true" if procedure.online_allowed else "false"),
    ):
        if value not in (None, ""):
            process.set(_t(name), _text(value))
    if procedure.legal_basis:
        extensions = etree.SubElement(process, _b("extensionElements"))
        for basis in procedure.legal_basis:
            etree.SubElement(extensions, _t("legalBasis")).text = basis


def _step_attributes(element: etree._Element, step: Step) -> None:
    _set(element, "id", step.id)
    _set(element, "kind", step.kind.value)
    _set(element, "channel", step.channel.value if step.channel.value != "internal" else None)
    _set(element, "hours", step.duration_hours or None)
    _set(element, "mandatory", step.mandatory)
    _set(element, "legalBasis", step.legal_basis)
    _set(element, "act", step.act.value if step.act else None)
    _set(element, "roles", [r.value for r in step.roles or () if r is not step.kind])
    _set(element, "carries", list(step.carries or ()))
    _set(element, "fallback", step.fallback)
    if step.presence is not None:
        _set(element, "presenceWhy", step.presence.why)
        _set(element, "presenceBasis", step.presence.legal_basis)


def _flows(
    procedure: Procedure, first: str, G: ProcedureGraph
) -> Iterator[tuple[str, str, str, dict[str, object]]]:
    yield "Flow_start", "StartEvent_1", _bpmn_id("Step", first), {}
    for n, flow in enumerate(procedure.flows, 1):
        attrs: dict[str, object] = {"when": flow.when, "probability": flow.probability}
        yield f"Flow_{n}", _bpmn_id("Step", flow.source), _bpmn_id("Step", flow.target), attrs
    for node in (n for n in G if G.out_degree(n) == 0):
        yield f"Flow_end_{node}", _bpmn_id("Step", node), _bpmn_id("End", node), {}


def _diagram(
    root: etree._Element,
    procedure: Procedure,
    G: ProcedureGraph,
    diagram: Diagram,
    flows: list[tuple[str, str, str, dict[str, object]]],
    title: str,
) -> None:
    bpmndi = etree.SubElement(root, _q(BPMNDI_NS, "BPMNDiagram"), id="Diagram_1", name=title)
    plane = etree.SubElement(
        bpmndi, _q(BPMNDI_NS, "BPMNPlane"), id="Plane_1", bpmnElement="Collaboration_1"
    )

    def shape(element: str, box: ShapeBox, **extra: str) -> None:
        node = etree.SubElement(
            plane,
            _q(BPMNDI_NS, "BPMNShape"),
            {"id": f"{element}_di", "bpmnElement": element, **extra},
        )
        etree.SubElement(
            node,
            _q(DC_NS, "Bounds"),
            x=_text(round(box.x, 1)),
            y=_text(round(box.y, 1)),
            width=_text(round(box.width, 1)),
            height=_text(round(box.height, 1)),
        )

    shape("Participant_1", diagram.pool, isHorizontal="true")
    for actor, box in diagram.lanes.items():
        shape(_bpmn_id("Lane", actor), box, isHorizontal="true")
    shape("StartEvent_1", diagram.shapes["__start"])
    for step in procedure.steps:
        extra = {"isMarkerVisible": "true"} if step.kind is StepKind.decide else {}
        shape(_bpmn_id("Step", step.id), diagram.shapes[step.id], **extra)
    for node in (n for n in G if G.out_degree(n) == 0):
        shape(_bpmn_id("End", node), diagram.shapes[f"__end_{node}"])
    boxes = {
        "StartEvent_1": diagram.shapes["__start"],
        **{_bpmn_id("Step", s.id): diagram.shapes[s.id] for s in procedure.steps},
        **{_bpmn_id("End", n): diagram.shapes[f"__end_{n}"] for n in G if G.out_degree(n) == 0},
    }
    loops = {(_bpmn_id("Step", u), _bpmn_id("Step", v)) for u, v in back_edges(G)}
    bottom = diagram.pool.y + diagram.pool.height - 8.0
    for flow_id, source, target, _ in flows:
        edge = etree.SubElement(
            plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{flow_id}_di", bpmnElement=flow_id
        )
        for x, y in _waypoints(boxes[source], boxes[target], (source, target) in loops, bottom):
            etree.SubElement(
                edge, _q(DI_NS, "waypoint"), x=_text(round(x, 1)), y=_text(round(y, 1))
            )


def _waypoints(a: ShapeBox, b: ShapeBox, loop: bool, bottom: float) -> list[tuple[float, float]]:
    """An orthogonal route: out of the source's right side, into the target's left side;
    a loop back goes out below both and comes back in from below."""
    (ax, ay), (bx, by) = a.centre, b.centre
    if loop:
        below = min(bottom, max(a.y + a.height, b.y + b.height) + 20.0)
        return [(ax, a.y + a.height), (ax, below), (bx, below), (bx, b.y + b.height)]
    start, end = (a.x + a.width, ay), (b.x, by)
    if abs(ay - by) < 0.5:
        return [start, end]
    middle = (start[0] + end[0]) / 2
    return [start, (middle, ay), (middle, by), end]


# --- a fresh diagram for a model another tool wrote ---------------------------------

_FLOW_TAGS = {"task", "userTask", "manualTask", "serviceTask", "scriptTask",
              "businessRuleTask", "sendTask", "receiveTask", "callActivity", "subProcess",
              "transaction", "adHocSubProcess", "exclusiveGateway", "inclusiveGateway",
              "eventBasedGateway", "complexGateway", "parallelGateway", "startEvent",
              "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
              "boundaryEvent"}  # fmt: skip


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _is_bpmn(element: etree._Element, *tags: str) -> bool:
    return (
        isinstance(element.tag, str)
        and etree.QName(element).namespace == BPMN_NS
        and (not tags or _local(element) in tags)
    )


def _default_size(tag: str) -> tuple[float, float]:
    if tag.endswith("Gateway"):
        return _GATEWAY
    if tag.endswith("Event"):
        return _EVENT
    return _TASK


def fresh_diagram(root: etree._Element, G: ProcedureGraph) -> bytes:
    """The model `root` as it is, with its diagram section replaced by one laid out from
    `G` (the procedure read from it): its steps where the engine's swimlanes put them, a
    lane band per lane, the elements the procedure passed through (events, merges,
    boundary events, expanded sub-processes, data) placed beside their neighbours, and a
    pool for the main process (a collaboration is added when the model has none)."""
    procedure = from_graph(G)
    diagram = layout(procedure, G)
    ids = {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    own = {
        str(e.get(_t("id"))): str(e.get("id"))
        for e in root.iter()
        if isinstance(e.tag, str) and e.get(_t("id")) and _local(e) not in ("lane", "dataObject")
    }
    boxes: dict[str, ShapeBox] = {}
    for step in procedure.steps:
        element_id = own.get(step.id, step.id)
        if element_id in ids:
            boxes[element_id] = diagram.shapes[step.id]
    processes = [p for p in root.iter(_b("process"))]
    main = max(processes, key=lambda p: sum(1 for e in p.iter() if e.get("id") in boxes))
    _place_rest(main, boxes)
    lanes = _lane_bands(main, own, diagram, procedure)
    for old in [e for e in root if _is_bpmn(e) is False and _local(e) == "BPMNDiagram"]:
        root.remove(old)
    collaboration = next(iter(root.iter(_b("collaboration"))), None)
    if collaboration is None:
        collaboration = etree.Element(_b("collaboration"), id=_free_id(ids, "Collaboration_tthc"))
        etree.SubElement(
            collaboration, _b("participant"), id=_free_id(ids, "Participant_tthc"),
            name=str(main.get("name") or ""), processRef=str(main.get("id")),
        )  # fmt: skip
        root.insert(list(root).index(main), collaboration)
    bpmndi = etree.SubElement(root, _q(BPMNDI_NS, "BPMNDiagram"), id=_free_id(ids, "Diagram_tthc"))
    plane = etree.SubElement(bpmndi, _q(BPMNDI_NS, "BPMNPlane"), id=_free_id(ids, "Plane_tthc"),
                             bpmnElement=str(collaboration.get("id")))  # fmt: skip
    bottom = max([b.y + b.height for b in lanes.values()] + [diagram.pool.height])
    pool = ShapeBox(0.0, 0.0, diagram.pool.width, bottom)
    participants = list(collaboration.iter(_b("participant")))
    for participant in participants:
        if participant.get("processRef") == main.get("id"):
            box = pool
        else:  # another party: a band of its own, its lanes split it, its steps not drawn
            other = next(
                (p for p in processes if p.get("id") == participant.get("processRef")), None
            )
            inner = [
                lane for lane in (other.iter(_b("lane")) if other is not None else ())
                if not any(_is_bpmn(c, "childLaneSet") for c in lane)
            ]  # fmt: skip
            box = ShapeBox(0.0, bottom + 40.0, pool.width, max(80.0, 60.0 * len(inner)))
            bottom = box.y + box.height
            for n, lane in enumerate(inner):
                height = box.height / len(inner)
                lanes[str(lane.get("id"))] = ShapeBox(
                    _POOL_LABEL, box.y + n * height, box.width - _POOL_LABEL, height
                )
        boxes[str(participant.get("id"))] = box
        _shape(plane, str(participant.get("id")), box, isHorizontal="true")
    for lane_id, band in lanes.items():
        _shape(plane, lane_id, band, isHorizontal="true")
    for element in main.iter():
        element_id = str(element.get("id"))
        if element_id in boxes and element_id not in lanes and _is_bpmn(element):
            extra = {"isExpanded": "true"} if _local(element) in _CONTAINERS else {}
            _shape(plane, str(element_id), boxes[str(element_id)], **extra)
    for flow in main.iter(_b("sequenceFlow")):
        source, target = (
            boxes.get(str(flow.get("sourceRef"))),
            boxes.get(str(flow.get("targetRef"))),
        )
        if source is not None and target is not None and flow.get("id"):
            loop = target.x + target.width / 2 < source.x
            _edge(
                plane,
                str(flow.get("id")),
                _waypoints(source, target, loop, pool.y + pool.height - 8),
            )
    for flow in collaboration.iter(_b("messageFlow")):
        source, target = (
            boxes.get(str(flow.get("sourceRef"))),
            boxes.get(str(flow.get("targetRef"))),
        )
        if source is not None and target is not None and flow.get("id"):
            (sx, sy), (tx, ty) = source.centre, target.centre
            start = (sx, source.y + source.height if ty > sy else source.y)
            end = (
                sx if target.width > 300 else tx,
                target.y if ty > sy else target.y + target.height,
            )
            _edge(plane, str(flow.get("id")), [start, end])
    written: bytes = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    return written


_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}


def _free_id(ids: set[str], wanted: str) -> str:
    ident, n = wanted, 1
    while ident in ids:
        n += 1
        ident = f"{wanted}_{n}"
    ids.add(ident)
    return ident


def _shape(plane: etree._Element, element: str, box: ShapeBox, **extra: str) -> None:
    node = etree.SubElement(
        plane, _q(BPMNDI_NS, "BPMNShape"), {"id": f"{element}_di", "bpmnElement": element, **extra}
    )
    etree.SubElement(
        node, _q(DC_NS, "Bounds"), x=_text(round(box.x, 1)), y=_text(round(box.y, 1)),
        width=_text(round(box.width, 1)), height=_text(round(box.height, 1)),
    )  # fmt: skip


def _edge(plane: etree._Element, element: str, points: list[tuple[float, float]]) -> None:
    edge = etree.SubElement(
        plane, _q(BPMNDI_NS, "BPMNEdge"), {"id": f"{element}_di", "bpmnElement": element}
    )
    for x, y in points:
        etree.SubElement(edge, _q(DI_NS, "waypoint"), x=_text(round(x, 1)), y=_text(round(y, 1)))


def _place_rest(process: etree._Element, boxes: dict[str, ShapeBox]) -> None:
    """Place what the procedure did not keep: beside a placed neighbour, a boundary event
    on its host's lower edge, an expanded sub-process around its content, data under the
    task that uses it."""
    nodes = {
        str(e.get("id")): e for e in process.iter() if _is_bpmn(e, *_FLOW_TAGS) and e.get("id")
    }
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for flow in process.iter(_b("sequenceFlow")):
        source, target = str(flow.get("sourceRef")), str(flow.get("targetRef"))
        after.setdefault(source, []).append(target)
        before.setdefault(target, []).append(source)
    for _ in range(len(nodes) + 1):
        waiting = [n for n in nodes if n not in boxes and _local(nodes[n]) not in _CONTAINERS]
        if not waiting:
            break
        for ident in waiting:
            element = nodes[ident]
            w, h = _default_size(_local(element))
            host = boxes.get(str(element.get("attachedToRef")))
            placed_before = [boxes[p] for p in before.get(ident, []) if p in boxes]
            placed_after = [boxes[s] for s in after.get(ident, []) if s in boxes]
            if host is not None:
                boxes[ident] = ShapeBox(
                    host.x + host.width - w - 4, host.y + host.height - h / 2, w, h
                )
            elif placed_before and placed_after:
                (ax, ay), (bx, _) = placed_before[0].centre, placed_after[0].centre
                boxes[ident] = ShapeBox((ax + bx) / 2 - w / 2, ay - h / 2, w, h)
            elif placed_before:
                a = placed_before[0]
                boxes[ident] = ShapeBox(a.x + a.width + 44.0, a.centre[1] - h / 2, w, h)
            elif placed_after:
                b = placed_after[0]
                boxes[ident] = ShapeBox(b.x - 44.0 - w, b.centre[1] - h / 2, w, h)
        if all(n in boxes for n in waiting):
            break
    for ident, element in nodes.items():  # anything still alone goes to the top left
        if ident not in boxes and _local(element) not in _CONTAINERS:
            w, h = _default_size(_local(element))
            boxes[ident] = ShapeBox(_POOL_LABEL + _LANE_LABEL + 10.0, 10.0, w, h)
    for ident, element in reversed(list(nodes.items())):  # inner sub-processes first
        if _local(element) in _CONTAINERS and ident not in boxes:
            inner = [boxes[str(c.get("id"))] for c in element.iter()
                     if c is not element and str(c.get("id")) in boxes]  # fmt: skip
            if inner:
                x0, y0 = min(b.x for b in inner) - 20, min(b.y for b in inner) - 20
                x1 = max(b.x + b.width for b in inner) + 20
                y1 = max(b.y + b.height for b in inner) + 20
                boxes[ident] = ShapeBox(x0, y0, x1 - x0, y1 - y0)
    users: dict[str, str] = {}
    for task in nodes.values():
        for association in task:
            if _is_bpmn(association, "dataInputAssociation", "dataOutputAssociation"):
                for ref in association:
                    if _is_bpmn(ref, "sourceRef", "targetRef") and ref.text:
                        users.setdefault(ref.text.strip(), str(task.get("id")))
    for n, data in enumerate(
        e for e in process.iter() if _is_bpmn(e, "dataObjectReference", "dataStoreReference")
    ):
        user = boxes.get(users.get(str(data.get("id")), ""))
        x, y = (
            (user.x + n % 2 * 40.0, user.y + user.height + 16.0) if user else (80.0 + 50 * n, 10.0)
        )
        boxes[str(data.get("id"))] = ShapeBox(x, y, 36.0, 50.0)


def _lane_bands(
    process: etree._Element, own: dict[str, str], diagram: Diagram, procedure: Procedure
) -> dict[str, ShapeBox]:
    """Each lane of the model as a band: a leaf lane takes the band of the actor most of
    its steps belong to; a lane with children spans theirs; an empty one goes below."""
    actor_of = {own.get(step.id, step.id): step.actor for step in procedure.steps}
    bands: dict[str, ShapeBox] = {}
    empty: list[str] = []

    def walk(lane_set: etree._Element) -> list[str]:
        ids: list[str] = []
        for lane in (c for c in lane_set if _is_bpmn(c, "lane")):
            lane_id = str(lane.get("id"))
            children = [c for c in lane if _is_bpmn(c, "childLaneSet")]
            if children:
                inner = [i for child in children for i in walk(child)]
                placed = [bands[i] for i in inner if i in bands]
                if placed:
                    y0, y1 = min(b.y for b in placed), max(b.y + b.height for b in placed)
                    bands[lane_id] = ShapeBox(
                        placed[0].x - _LANE_LABEL, y0, placed[0].width + _LANE_LABEL, y1 - y0
                    )
                else:
                    empty.append(lane_id)
            else:
                refs = [r.text.strip() for r in lane if _is_bpmn(r, "flowNodeRef") and r.text]
                actors = [actor_of[r] for r in refs if r in actor_of]
                if actors:
                    bands[lane_id] = diagram.lanes[max(set(actors), key=actors.count)]
                else:
                    empty.append(lane_id)
            ids.append(lane_id)
        return ids

    for lane_set in (c for c in process if _is_bpmn(c, "laneSet")):
        walk(lane_set)
    top = diagram.pool.y + diagram.pool.height
    for lane_id in empty:
        bands[lane_id] = ShapeBox(_POOL_LABEL, top, diagram.pool.width - _POOL_LABEL, 60.0)
        top += 60.0
    return bands
