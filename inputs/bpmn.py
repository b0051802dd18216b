"""Reading BPMN 2.0 models as draft procedures: what any modelling tool writes (whatever
the namespace prefix and the encoding), with an account of what was read, approximated
and defaulted; the engine's own attributes (namespace `TTHC_NS`) read back exactly.

Safe by construction: lxml with entities, DTDs and the network off, any DOCTYPE refused,
at most `MAX_BPMN_BYTES`. The mapping, element by element: docs/bpmn.md."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from inputs.office import DocumentImport
from inputs.office.blocks import read_bytes
from inputs.office.drafts import Draft, slug
from inputs.office.tables import Found
from inputs.office.words import actor_kind, step_kind
from models.errors import Problem, UnreadableDocument
from models.procedure import CODE_PATTERN, HOURS_PER_DAY, ActorKind, StepKind, fitted

__all__ = ["BPMN_SUFFIXES", "MAX_BPMN_BYTES", "parse_model", "read_bpmn"]

BPMN_SUFFIXES = (".bpmn", ".bpmn2")
MAX_BPMN_BYTES = 10_000_000
"""A model larger than this is refused before it is parsed."""
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TTHC_NS = "https://tthc-reengineer.vn/bpmn/1"

_TASKS = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
}
_GATEWAYS = {
    "exclusiveGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
    "parallelGateway",
}
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
_EVENTS = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}
_SYSTEM_TASKS = {"serviceTask", "scriptTask", "businessRuleTask"}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bpmn(element: etree._Element, tag: str) -> list[etree._Element]:
    return [c for c in element if _local(c) == tag and etree.QName(c).namespace == BPMN_NS]


def _a(element: etree._Element, name: str) -> str:
    """A plain attribute's text, '' when absent."""
    return str(element.get(name) or "")


def _t(element: etree._Element, name: str) -> str | None:
    value = element.get(f"{{{TTHC_NS}}}{name}")
    return None if value is None else str(value)


def _refuse(path: Path, where: str, message: str) -> UnreadableDocument:
    return UnreadableDocument([Problem(str(path), where, message)])


def parse_model(path: Path) -> etree._Element:
    """The model's root element, parsed safely; refused as `read_bpmn` refuses it."""
    return _parse(path)


def _parse(path: Path) -> etree._Element:
    data = read_bytes(path)
    if len(data) > MAX_BPMN_BYTES:
        raise _refuse(path, "file", f"is larger than {MAX_BPMN_BYTES:,} bytes; split the model")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or error.position[0]
        raise _refuse(path, f"line {line}", f"is not well-formed XML: {error.msg}") from error
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise _refuse(
            path,
            "DOCTYPE",
            (
                "declares a DOCTYPE: a BPMN model never needs one, and it could expand "
                "entities or fetch files; remove it"
            ),
        )
    if _local(root) != "definitions" or etree.QName(root).namespace != BPMN_NS:
        raise _refuse(
            path,
            "root",
            (
                f"the root element is '{etree.QName(root).localname}', not BPMN 2.0's "
                f"'definitions' in namespace {BPMN_NS}: give a .bpmn file"
            ),
        )
    ids = Counter(e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id"))
    twice = sorted(i for i, n in ids.items() if n > 1 and i is not None)
    if twice:
        raise _refuse(path, f"id '{twice[0]}'", "is given to two elements; give each its own")
    return root


@dataclass
class _Node:
    id: str
    tag: str
    element: etree._Element
    container: str | None


@dataclass
class _Model:
    """The flow of the main process as a plain graph of BPMN ids, before mapping."""

    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


def _collect(process: etree._Element, model: _Model, container: str | None) -> None:
    for element in process:
        tag, ident = _local(element), element.get("id")
        if etree.QName(element).namespace != BPMN_NS or ident is None:
            continue
        if tag in _TASKS | _GATEWAYS | _EVENTS | _CONTAINERS:
            model.nodes[ident] = _Node(ident, tag, element, container)
            if tag in _CONTAINERS:
                _collect(element, model, ident)
        elif tag == "sequenceFlow":
            condition = next(iter(_bpmn(element, "conditionExpression")), None)
            model.edges.append(
                (
                    element.get("sourceRef", ""),
                    element.get("targetRef", ""),
                    {
                        "id": ident,
                        "name": element.get("name") or "",
                        "condition": (condition.text or "").strip()
                        if condition is not None
                        else "",
                        "probability": _t(element, "probability"),
                    },
                )
            )


def read_bpmn(path: Path) -> DocumentImport:
    """The draft procedure of the main process of the BPMN model in `path`."""
    root = _parse(path)
    file = str(path)
    processes = [p for p in root.iter(f"{{{BPMN_NS}}}process")]
    if not processes:
        raise _refuse(path, "definitions", "has no process: nothing to import")
    sizes = {p.get("id"): sum(1 for e in p.iter() if _local(e) in _TASKS) for p in processes}
    main = max(processes, key=lambda p: sizes[p.get("id")])
    found = Found(main.get("name") or path.stem, None, "")
    draft = Draft(file, found, "", {}, 0)
    draft.place = f"process '{main.get('id')}'"
    participants = list(root.iter(f"{{{BPMN_NS}}}participant"))
    names = {p.get("processRef"): p.get("name") or "" for p in participants}
    model = _Model()
    _collect(main, model, None)
    actors, lane_of = _lanes(main, model, draft)
    for participant in participants:
        if participant.get("processRef") == main.get("id"):
            continue
        label = _a(participant, "name") or _a(participant, "id")
        ident = "pool_" + slug(label, "pool")
        actors[ident] = {"name": fitted(" ".join(label.split())), "kind": "external_agency"}
        inner = sizes.get(participant.get("processRef"), 0)
        draft.confirm.append(
            f"xấp xỉ: bể '{participant.get('name') or participant.get('id')}' "
            f"({participant.get('id')}) → cơ quan khác; {inner} bước bên trong không nhập"
        )
    for flow in root.iter(f"{{{BPMN_NS}}}messageFlow"):
        draft.confirm.append(
            f"xấp xỉ: luồng thông điệp {flow.get('id')} ({flow.get('sourceRef')} → "
            f"{flow.get('targetRef')}) là một lần chuyển giao giữa hai bên, không thành luồng"
        )
    for other in processes:
        if other is not main and other.get("id") not in names:
            draft.confirm.append(
                f"xấp xỉ: quy trình '{other.get('id')}' ({sizes[other.get('id')]} "
                "nhiệm vụ) không nhập: một tệp, một thủ tục"
            )
    documents = _documents(main, draft)
    steps, flows = _flow(path, model, actors, lane_of, documents, draft)
    document: dict[str, Any] = _header(main, path, names.get(main.get("id")), steps, draft)
    document["actors"] = {
        a: {k: v for k, v in d.items() if v is not None} for a, d in actors.items()
    }
    if documents:
        document["documents"] = {ident: d for d, ident in documents.values()}
    document["steps"] = steps
    document["flows"] = flows
    draft.document = document
    draft.code = document["code"]
    draft.steps_read = sum(1 for s in steps if s["kind"] not in ("decide", "parallel", "join"))
    return DocumentImport(file, "", drafts=[draft])


def _lanes(
    process: etree._Element, model: _Model, draft: Draft
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Leaf lanes → actors (nested lane sets: the innermost lane holds the node)."""
    actors: dict[str, dict[str, Any]] = {}
    lane_of: dict[str, str] = {}

    def walk(lane_set: etree._Element) -> None:
        for lane in _bpmn(lane_set, "lane"):
            children = _bpmn(lane, "childLaneSet")
            if children:
                for child in children:
                    walk(child)
            name = _a(lane, "name") or _a(lane, "id")
            ident = _t(lane, "id") or slug(name, _a(lane, "id") or "lane")
            while ident in actors and actors[ident]["name"] != name:
                ident += "_2"
            kind_text = _t(lane, "kind")
            kind, words = (ActorKind(kind_text), "tthc") if kind_text else actor_kind(name)
            actors[ident] = {
                "name": fitted(" ".join((name or ident).split())),
                "kind": kind.value,
                "agency": _t(lane, "agency"),
            }
            if not kind_text:
                why = f"từ '{words}'" if words else "mặc định"
                draft.inferred.append(f"làn '{name}' → vai trò {kind.value} ({why})")
            for ref in _bpmn(lane, "flowNodeRef"):
                if ref.text and ref.text.strip() not in lane_of:
                    lane_of[ref.text.strip()] = ident

    for lane_set in _bpmn(process, "laneSet"):
        walk(lane_set)
    for node in model.nodes.values():  # a sub-process's inner nodes sit in its lane
        container = node.container
        while node.id not in lane_of and container is not None:
            if container in lane_of:
                lane_of[node.id] = lane_of[container]
            container = model.nodes[container].container
    return actors, lane_of


def _documents(process: etree._Element, draft: Draft) -> dict[str, tuple[dict[str, Any], str]]:
    """Data object references → documents, by the reference's id: (document, its id)."""
    objects = {o.get("id"): o for o in process.iter(f"{{{BPMN_NS}}}dataObject")}
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for ref in process.iter(f"{{{BPMN_NS}}}dataObjectReference"):
        data = objects.get(ref.get("dataObjectRef"))
        source = data if data is not None else ref
        name = _a(ref, "name") or _a(source, "name") or _a(ref, "id")
        ident = _t(source, "id") or slug(name, _a(ref, "id") or "giay_to")
        document: dict[str, Any] = {"name": fitted(" ".join(name.split()))}
        if (copies := _t(source, "copies")) is not None:
            document["copies"] = int(copies)
        if held := _t(source, "heldBy"):
            document["held_by"] = held
        if _t(source, "physical") == "true":
            document["physical"] = True
        found[ref.get("id", "")] = (document, ident)
    for store in process.iter(f"{{{BPMN_NS}}}dataStoreReference"):
        draft.confirm.append(
            f"kho dữ liệu {store.get('id')} ('{store.get('name') or ''}') "
            "không là giấy tờ: khai báo nguồn dữ liệu trong danh mục"
        )
    by_id = {ident: (doc, ident) for doc, ident in found.values()}
    return {ref: by_id[ident] for ref, (_, ident) in found.items()} if found else {}


def _hours(text: str) -> float | None:
    """An ISO 8601 duration (PT2H, P1D, PT30M) in working hours."""
    match = re.fullmatch(
        r"P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?", text.strip()
    )
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (float(g) if g else 0.0 for g in match.groups())
    return days * HOURS_PER_DAY + hours + minutes / 60


def _flow(
    path: Path,
    model: _Model,
    actors: dict[str, dict[str, Any]],
    lane_of: dict[str, str],
    documents: dict[str, tuple[dict[str, Any], str]],
    draft: Draft,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Steps and flows: events, sub-processes and merging gateways are passed through,
    boundary events dropped with a message, what is left mapped to steps."""
    succ: dict[str, list[tuple[str, dict[str, Any]]]] = {n: [] for n in model.nodes}
    for source, target, attrs in model.edges:
        if source not in model.nodes or target not in model.nodes:
            missing = source if source not in model.nodes else target
            raise _refuse(
                path,
                f"sequenceFlow '{attrs['id']}'",
                (f"leads from or to '{missing}', which the process does not have"),
            )
        succ[source].append((target, attrs))
    inner_starts = {
        c: [n.id for n in model.nodes.values() if n.container == c and n.tag == "startEvent"]
        for c in model.nodes
        if model.nodes[c].tag in _CONTAINERS
    }
    inner_starts = {c: starts for c, starts in inner_starts.items() if starts}
    for container, starts in inner_starts.items():  # a collapsed one stays one step
        ends = [n.id for n in model.nodes.values() if n.container == container and not succ[n.id]]
        after = succ[container]
        succ[container] = [(s, {}) for s in starts]
        for end in ends:
            succ[end] = list(after)
        draft.confirm.append(
            f"xấp xỉ: quy trình con {container} "
            f"('{model.nodes[container].element.get('name') or ''}') trải phẳng"
        )
    for node in model.nodes.values():
        if node.tag == "boundaryEvent":
            draft.confirm.append(
                f"xấp xỉ: sự kiện biên {node.id} (gắn vào "
                f"{node.element.get('attachedToRef')}) bỏ qua cùng nhánh ngoại lệ của nó"
            )
            succ[node.id] = []
        if node.tag in ("inclusiveGateway", "eventBasedGateway", "complexGateway"):
            draft.confirm.append(f"xấp xỉ: cổng {node.tag} {node.id} đọc như cổng chọn một nhánh")
    starts = [n.id for n in model.nodes.values() if n.tag == "startEvent" and n.container is None]
    if not starts:
        raise _refuse(path, "process", "has no start event: add one before the first step")
    if len(starts) > 1:
        draft.confirm.append(
            f"xấp xỉ: {len(starts)} sự kiện bắt đầu; lấy {starts[0]}, phần chỉ "
            "đến từ các sự kiện khác không nhập"
        )

    ending = {
        t
        for s, out in succ.items()
        if len(out) >= 2
        for t, _ in out
        if model.nodes[t].tag == "endEvent"
    }
    resolved: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def _resolve(
        ident: str, seen: frozenset[str] = frozenset()
    ) -> list[tuple[str, dict[str, Any]]]:
        """The steps `ident` leads to, passing through events, containers and merges."""
        if ident in resolved:
            return resolved[ident]
        out: list[tuple[str, dict[str, Any]]] = []
        for target, attrs in succ[ident]:
            if target in seen:
                continue
            if _passes(target) and not (
                model.nodes[target].tag == "endEvent" and len(succ[ident]) >= 2
            ):  # a branch that ends: its end is a step of its own
                for further, more in _resolve(target, seen | {target}):
                    out.append((further, attrs or more))
            else:
                out.append((target, attrs))
        resolved[ident] = _unique(out)
        return resolved[ident]

    def _passes(ident: str) -> bool:
        node = model.nodes[ident]
        if node.tag in _TASKS or node.tag in ("intermediateCatchEvent", "intermediateThrowEvent"):
            return False
        if node.tag == "endEvent" and ident in ending:
            return False
        if node.tag in _CONTAINERS:
            return ident in inner_starts
        if node.tag in _GATEWAYS:
            return len(succ[ident]) < 2 and not (node.tag == "parallelGateway" and _merges(ident))
        return True

    def _merges(ident: str) -> bool:
        return sum(1 for s in succ for t, _ in succ[s] if t == ident) >= 2

    first = [t for t, _ in _resolve(starts[0])]
    if not first:
        raise _refuse(path, f"startEvent '{starts[0]}'", "leads to no task: nothing to import")
    order: list[str] = []
    queue = list(dict.fromkeys(first))
    while queue:
        ident = queue.pop(0)
        if ident in order:
            continue
        order.append(ident)
        queue += [t for t, _ in _resolve(ident) if t not in order]
    listed = [n for n in model.nodes if n in order]  # file order, reachable only
    skipped = [
        n
        for n, node in model.nodes.items()
        if not _passes(n) and n not in order and node.tag not in ("boundaryEvent",)
    ]
    if skipped:
        draft.confirm.append(
            f"không nhập {len(skipped)} phần tử không đi tới được từ sự kiện bắt "
            f"đầu: {', '.join(skipped[:8])}"
        )
    ids = {n: _t(model.nodes[n].element, "id") or n for n in listed}
    if len(first) > 1:
        raise _refuse(
            path,
            f"startEvent '{starts[0]}'",
            "leads to several steps at once; put a parallel gateway after it",
        )
    default_actor = "co_quan"
    steps: list[dict[str, Any]] = []
    without_time = 0
    for n in [first[0], *[x for x in listed if x != first[0]]]:
        node = model.nodes[n]
        element = node.element
        actor = lane_of.get(n)
        if node.tag in _SYSTEM_TASKS and not _t(element, "kind"):
            actor = "he_thong"
            actors.setdefault(actor, {"name": "Hệ thống thông tin", "kind": "system"})
        if actor is None:
            actor = default_actor
            if default_actor not in actors:
                actors[default_actor] = {"name": "Cơ quan thực hiện", "kind": "specialist"}
                draft.defaulted.append("bước không nằm trong làn nào → 'Cơ quan thực hiện'")
        kind = _kind(node, actors[actor]["kind"], len(_resolve(n)), draft)
        name = element.get("name") or {
            "decide": "Rẽ nhánh?",
            "parallel": "Song song",
            "join": "Hợp nhánh",
        }.get(kind, n)
        if node.tag == "endEvent":
            name = f"Kết thúc: {name}" if element.get("name") else "Kết thúc"
        step: dict[str, Any] = {
            "id": ids[n],
            "name": fitted(" ".join(name.split())),
            "actor": actor,
            "kind": kind,
        }
        hours = _t(element, "hours")
        if hours is not None:
            step["hours"] = float(hours)
        elif kind == "wait":
            duration = next((d.text for d in element.iter(f"{{{BPMN_NS}}}timeDuration")), None)
            if duration and (value := _hours(duration)) is not None:
                step["hours"] = value
        elif kind not in ("decide", "parallel", "join"):
            without_time += 1
        for attr, key in (("channel", "channel"), ("legalBasis", "legal_basis"), ("act", "act")):
            if (text := _t(element, attr)) is not None:
                step[key] = text
        if _t(element, "mandatory") == "true":
            step["mandatory"] = True
        if _t(element, "fallback") == "true":
            step["fallback"] = True
        if roles := _t(element, "roles"):
            step["roles"] = [kind, *roles.split()]
        if (carries := _t(element, "carries")) is not None:
            step["carries"] = carries.split()
        if (why := _t(element, "presenceWhy")) is not None:
            step["presence"] = {"why": why, "legal_basis": _t(element, "presenceBasis") or ""}
        own = _t(element, "kind") is not None  # written by this engine: nothing to default
        if not own and "channel" not in step and actors[actor]["kind"] == "applicant":
            step["channel"] = "in_person"
        _associations(element, step, documents, actors[actor]["kind"])
        for note in _bpmn(element, "documentation"):  # the format has no description field
            if words := " ".join((note.text or "").split()):
                draft.read.append(f"mô tả của {n} ('{step['name'][:40]}'): {words[:200]}")
        steps.append(step)
    if without_time:
        draft.defaulted.append(f"{without_time} bước không ghi thời gian (tthc:hours) → 0 giờ")
    flows = _flows([s["id"] for s in steps], {n: ids[n] for n in listed}, _resolve, steps, draft)
    return steps, _implicit_splits(steps, flows, draft)


def _implicit_splits(
    steps: list[dict[str, Any]], flows: list[dict[str, Any]], draft: Draft
) -> list[dict[str, Any]]:
    """A task with several outgoing flows (BPMN's implicit split) gets a decision after
    it: the engine routes branches only through gateways."""
    kinds = {s["id"]: s for s in steps}
    out: dict[str, list[dict[str, Any]]] = {}
    for flow in flows:
        out.setdefault(flow["from"], []).append(flow)
    for source, leaving in out.items():
        step = kinds[source]
        if len(leaving) < 2 or step["kind"] in ("decide", "parallel"):
            continue
        gate = f"{source}_split"
        steps.append({"id": gate, "name": "Rẽ nhánh?", "actor": step["actor"], "kind": "decide"})
        share = round(1 / len(leaving), 4)
        for n, flow in enumerate(leaving, 1):
            flow["from"] = gate
            flow.setdefault("when", f"Nhánh {n}")
            flow.setdefault("probability", share)
        leaving[0]["probability"] = round(1 - share * (len(leaving) - 1), 4)
        flows.append({"from": source, "to": gate})
        draft.confirm.append(
            f"xấp xỉ: bước {source} có {len(leaving)} luồng ra (rẽ nhánh ngầm) "
            "→ thêm một bước rẽ nhánh, tỷ lệ chia đều"
        )
    return flows


def _unique(pairs: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    out = []
    for target, attrs in pairs:
        if target not in seen:
            seen.add(target)
            out.append((target, attrs))
    return out


def _kind(node: _Node, actor: str, outgoing: int, draft: Draft) -> str:
    element = node.element
    if (given := _t(element, "kind")) is not None:
        return given
    if node.tag in _GATEWAYS:
        if node.tag == "parallelGateway":
            return "parallel" if outgoing >= 2 else "join"
        return "decide"
    if node.tag == "intermediateCatchEvent":
        return "wait"
    if node.tag in ("intermediateThrowEvent", "sendTask", "endEvent"):
        return "notify"
    if node.tag == "receiveTask":
        return "receive"
    if node.tag in _SYSTEM_TASKS:
        return "verify"
    kind, words = step_kind(element.get("name") or "", ActorKind(actor))
    draft.inferred.append(
        f"{node.tag} {node.id} ('{element.get('name') or ''}') → {kind.value}"
        + (f" (từ '{words}')" if words else "")
    )
    return kind.value if kind is not StepKind.decide else "appraise"


def _associations(
    element: etree._Element,
    step: dict[str, Any],
    documents: dict[str, tuple[dict[str, Any], str]],
    actor_kind_: str,
) -> None:
    for association in _bpmn(element, "dataInputAssociation"):
        for ref in _bpmn(association, "sourceRef"):
            if ref.text and ref.text.strip() in documents:
                _, ident = documents[ref.text.strip()]
                use = _t(association, "use") or (
                    "documents" if actor_kind_ == "applicant" else "uses"
                )
                step.setdefault(use, []).append(ident)
    for association in _bpmn(element, "dataOutputAssociation"):
        for ref in _bpmn(association, "targetRef"):
            if ref.text and ref.text.strip() in documents:
                step.setdefault("produces", []).append(documents[ref.text.strip()][1])


def _flows(
    order: list[str],
    ids: dict[str, str],
    resolve: Any,
    steps: list[dict[str, Any]],
    draft: Draft,
) -> list[dict[str, Any]]:
    kinds = {s["id"]: s["kind"] for s in steps}
    flows: list[dict[str, Any]] = []
    for bpmn_id, ident in ids.items():
        out = resolve(bpmn_id)
        for n, (target, attrs) in enumerate(out, 1):
            flow: dict[str, Any] = {"from": ident, "to": ids[target]}
            if kinds[ident] == "decide":
                label = attrs.get("name") or attrs.get("condition") or f"Nhánh {n}"
                flow["when"] = fitted(" ".join(str(label).split()))[:100]
                given = attrs.get("probability")
                flow["probability"] = float(given) if given else round(1 / len(out), 4)
            flows.append(flow)
        if kinds[ident] == "decide" and out:
            mine = [f for f in flows if f["from"] == ident]
            if not all(a.get("probability") for _, a in out):
                draft.defaulted.append(f"tỷ lệ các nhánh của '{ident}': chia đều")
            mine[0]["probability"] = round(1 - sum(f["probability"] for f in mine[1:]), 4)
    order_index = {i: n for n, i in enumerate(order)}
    flows.sort(key=lambda f: order_index[f["from"]])
    return flows


def _header(
    process: etree._Element,
    path: Path,
    pool: str | None,
    steps: list[dict[str, Any]],
    draft: Draft,
) -> dict[str, Any]:
    code = _t(process, "code")
    header: dict[str, Any] = {}
    if code is None:
        stem = path.stem.upper().replace("_", "-")
        code = (
            stem
            if re.fullmatch(CODE_PATTERN, stem)
            else "BPMN-" + slug(path.stem, "mo-hinh").upper().replace("_", "-")
        )
        header["code_status"] = "unconfirmed"
        draft.confirm.append(f"mã {code} là mã tạm: nhập mã thủ tục (tthc:code)")
    elif (status := _t(process, "codeStatus")) is not None:
        header["code_status"] = status
    header = {"code": code, **header}
    header["name"] = fitted(process.get("name") or pool or path.stem)
    header["level"] = _t(process, "level") or "province"
    header["field"] = _t(process, "field") or "Chưa xác định"
    header["agency"] = _t(process, "agency") or (pool or "Chưa xác định")
    hours = sum(float(s.get("hours", 0)) for s in steps if s["kind"] not in ("submit",))
    header["statutory_days"] = float(
        _t(process, "statutoryDays") or round(hours / HOURS_PER_DAY, 2)
    )
    header["annual_volume"] = int(_t(process, "annualVolume") or 0)
    header["fees_vnd"] = {
        "in_person": int(_t(process, "feeInPerson") or 0),
        "online": int(_t(process, "feeOnline") or 0),
    }
    if (essential := _t(process, "essential")) is not None:
        header["essential"] = int(essential)
    extensions = _bpmn(process, "extensionElements")
    basis = [e.text or "" for x in extensions for e in x if e.tag == f"{{{TTHC_NS}}}legalBasis"]
    header["legal_basis"] = basis
    if _t(process, "onlineAllowed") == "false":
        header["online_allowed"] = False
    if _t(process, "code") is None:
        draft.defaulted.append(
            "cấp tỉnh, lĩnh vực chưa xác định, 0 hồ sơ/năm, phí 0 đồng "
            "(mô hình không có thuộc tính tthc)"
        )
    return header
