"""Conversion between a `Procedure` and a `networkx.DiGraph` (the procedure graph).

The graph carries the header, actors and documents in ``G.graph``; one node per
step (attributes: name, actor, kind, channel, hours, documents, uses, produces,
mandatory, legal_basis, carries, presence, act, roles, fallback); one edge per flow
(attributes: when, probability).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any, Required, TypeAlias, TypedDict, cast

import networkx as nx

from models.procedure import GATEWAY_KINDS, Procedure

__all__ = [
    "END",
    "HEADER_FIELDS",
    "ActorData",
    "DocumentData",
    "Header",
    "ProcedureGraph",
    "StepData",
    "actors_of",
    "adjacency",
    "agency_of",
    "closure",
    "content_hash",
    "copy_graph",
    "document_hash",
    "documents_of",
    "dominators",
    "from_graph",
    "graph_from_json",
    "graph_to_json",
    "has_role",
    "header_of",
    "is_gateway",
    "physical_items",
    "post_dominators",
    "post_dominators_of",
    "predecessor_dicts",
    "step_of",
    "steps_of",
    "steps_of_kind",
    "submitted_documents",
    "tasks",
    "to_graph",
]

ProcedureGraph: TypeAlias = "nx.DiGraph[str]"
"""A procedure as a graph: nodes are step ids."""

END = "\x00end"
"""The virtual node after every end step, for post-dominators."""


class Header(TypedDict):
    """The procedure's header in ``G.graph["header"]``, read through `header_of`."""

    code: str
    code_status: str | None
    name: str
    level: str
    field: str
    agency: str
    statutory_days: float
    annual_volume: int
    fees_vnd: dict[str, int]
    essential: int | None
    legal_basis: list[str]
    online_allowed: bool


class StepData(TypedDict):
    """A step's attributes on its node, read through `step_of` and `steps_of`."""

    name: str
    actor: str
    kind: str
    channel: str
    hours: float
    documents: list[str]
    uses: list[str]
    produces: list[str]
    mandatory: bool
    legal_basis: str | None
    carries: list[str]
    presence: dict[str, str] | None
    """`why` and `legal_basis` when the step requires the person's presence."""
    act: str | None
    roles: list[str]
    """The step's kind first, then the kinds of the steps merged into it."""
    fallback: bool


class ActorData(TypedDict, total=False):
    """An actor in ``G.graph["actors"]``, read through `actors_of`."""

    name: Required[str]
    kind: Required[str]
    agency: str | None


class DocumentData(TypedDict):
    """A document in ``G.graph["documents"]``, read through `documents_of`."""

    name: str
    copies: int
    held_by: str | None
    physical: bool | None


def header_of(G: ProcedureGraph) -> Header:
    """The header of procedure graph `G`, typed."""
    return cast(Header, G.graph["header"])


def actors_of(G: ProcedureGraph) -> dict[str, ActorData]:
    """The actors of procedure graph `G` by id, typed."""
    return cast(dict[str, ActorData], G.graph["actors"])


def agency_of(G: ProcedureGraph, actor: str) -> str:
    """The agency whose competence `actor` acts in: its own `agency`, itself for an
    external agency, else the procedure's agency.

    >>> G = nx.DiGraph(header={"agency": "UBND xã"}, actors={
    ...     "clerk": {"name": "Công chức", "kind": "specialist"},
    ...     "tax": {"name": "Chi cục Thuế", "kind": "external_agency"},
    ...     "dept": {"name": "Giám đốc Sở", "kind": "leader", "agency": "Sở Nội vụ"}})
    >>> agency_of(G, "clerk"), agency_of(G, "tax"), agency_of(G, "dept")
    ('UBND xã', 'actor:tax', 'Sở Nội vụ')
    """
    data = actors_of(G)[actor]
    if data.get("agency"):
        return str(data["agency"])
    if data["kind"] == "external_agency":
        return f"actor:{actor}"
    return header_of(G)["agency"]


def documents_of(G: ProcedureGraph) -> dict[str, DocumentData]:
    """The documents of procedure graph `G` by id, typed."""
    return cast(dict[str, DocumentData], G.graph["documents"])


def step_of(G: ProcedureGraph, node: str) -> StepData:
    """The attributes of step `node` of `G`, typed (changes to it change `G`).

    Read from networkx's own node dict: rules and metrics call this in their hot loops.
    """
    data: StepData = G.__dict__["_node"][node]
    return data


def steps_of(G: ProcedureGraph) -> Iterable[tuple[str, StepData]]:
    """Each step of `G` with its attributes, typed, in graph order."""
    steps: Iterable[tuple[str, StepData]] = G.__dict__["_node"].items()
    return steps


HEADER_FIELDS = (
    "code",
    "code_status",
    "name",
    "level",
    "field",
    "agency",
    "statutory_days",
    "annual_volume",
    "fees_vnd",
    "essential",
    "legal_basis",
    "online_allowed",
)


_GRAPH_FIELDS = {*HEADER_FIELDS, "actors", "documents"}
"""What the graph keeps of a procedure besides its steps and flows."""


def to_graph(procedure: Procedure) -> ProcedureGraph:
    """Return the procedure graph of `procedure`; durations become hours."""
    data = procedure.model_dump(mode="json", by_alias=True, include=_GRAPH_FIELDS)
    G: ProcedureGraph = nx.DiGraph()
    G.graph["header"] = {key: data[key] for key in HEADER_FIELDS}
    G.graph["actors"] = data["actors"]
    G.graph["documents"] = data["documents"]
    for step in procedure.steps:
        G.add_node(
            step.id,
            name=step.name,
            actor=step.actor,
            kind=step.kind.value,
            channel=step.channel.value,
            hours=step.duration_hours,
            documents=list(step.documents),
            uses=list(step.uses),
            produces=list(step.produces),
            mandatory=step.mandatory,
            legal_basis=step.legal_basis,
            carries=list(step.carries or ()),
            presence=step.presence.model_dump() if step.presence else None,
            act=step.act.value if step.act else None,
            roles=[step.kind.value] + [r.value for r in step.roles or () if r is not step.kind],
            fallback=bool(step.fallback),
        )
    for flow in procedure.flows:
        G.add_edge(flow.source, flow.target, when=flow.when, probability=flow.probability)
    return G


def from_graph(G: ProcedureGraph) -> Procedure:
    """Return the `Procedure` a procedure graph describes (durations in hours)."""
    steps = [
        {
            "id": node,
            "name": attrs["name"],
            "actor": attrs["actor"],
            "kind": attrs["kind"],
            "channel": attrs["channel"],
            "hours": attrs["hours"],
            "documents": attrs["documents"],
            "uses": attrs["uses"],
            "produces": attrs["produces"],
            "mandatory": attrs["mandatory"],
            "legal_basis": attrs["legal_basis"],
            "carries": attrs["carries"] or None,
            "presence": attrs["presence"],
            "act": attrs["act"],
            "roles": attrs["roles"] if attrs["roles"] != [attrs["kind"]] else None,
            "fallback": attrs.get("fallback") or None,
        }
        for node, attrs in G.nodes(data=True)
    ]
    flows = [
        {"from": u, "to": v, "when": attrs.get("when"), "probability": attrs.get("probability")}
        for u, v, attrs in G.edges(data=True)
    ]
    return Procedure.model_validate(
        {
            **G.graph["header"],
            "actors": G.graph["actors"],
            "documents": G.graph["documents"],
            "steps": steps,
            "flows": flows,
        }
    )


def graph_to_json(G: ProcedureGraph) -> dict[str, Any]:
    """Return the procedure graph as a JSON-ready document (format v1, hours)."""
    return from_graph(G).model_dump(mode="json", by_alias=True, exclude_none=True)


def graph_from_json(document: dict[str, Any]) -> ProcedureGraph:
    """Return the procedure graph stored as `document` by `graph_to_json`."""
    return to_graph(Procedure.model_validate(document))


def content_hash(G: ProcedureGraph) -> str:
    """Return a SHA-256 of the graph's content, independent of formatting."""
    return document_hash(graph_to_json(G))


def document_hash(document: dict[str, Any]) -> str:
    """`content_hash` of the graph whose `graph_to_json` document is `document`."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_gateway(G: ProcedureGraph, node: str) -> bool:
    """Whether `node` is a gateway (decide, parallel, join) rather than work."""
    return step_of(G, node)["kind"] in GATEWAY_KINDS


def has_role(G: ProcedureGraph, node: str, kind: str) -> bool:
    """Whether step `node` does work of `kind`: its own kind, or that of a step merged into it."""
    return kind in step_of(G, node)["roles"]


def physical_items(G: ProcedureGraph, node: str) -> list[str]:
    """The physical objects step `node` takes in or hands over (a card, a seal, cash)."""
    attrs = step_of(G, node)
    documents = documents_of(G)
    return [
        doc
        for doc in attrs["documents"] + attrs["carries"]
        if doc in documents and documents[doc].get("physical")
    ]


def submitted_documents(G: ProcedureGraph) -> set[str]:
    """The ids of the dossier components: what the applicant must supply at some step of
    `G` (papers asked for only when a look-up finds nothing are not components)."""
    return {
        doc
        for attrs in G.__dict__["_node"].values()
        if not attrs.get("fallback")
        for doc in attrs["documents"]
    }


def adjacency(G: ProcedureGraph) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The successors and the predecessors of every step, as plain lists."""
    succ = {node: list(nbrs) for node, nbrs in G.adjacency()}
    pred: dict[str, list[str]] = {node: [] for node in succ}
    for node, nbrs in succ.items():
        for nbr in nbrs:
            pred[nbr].append(node)
    return succ, pred


def successor_dicts(G: ProcedureGraph) -> Mapping[str, Mapping[str, dict[str, Any]]]:
    """networkx's own successor mappings of `G` (a graph or a subgraph view), read
    without building a view per call: hot loops in the metrics need the speed."""
    return cast(Mapping[str, Mapping[str, dict[str, Any]]], vars(G)["_succ"])


def predecessor_dicts(G: ProcedureGraph) -> Mapping[str, Mapping[str, dict[str, Any]]]:
    """networkx's own predecessor mappings of `G`, as `successor_dicts`."""
    return cast(Mapping[str, Mapping[str, dict[str, Any]]], vars(G)["_pred"])


def closure(
    neighbours: Callable[[str], Iterable[str]],
    sources: Iterable[str],
    avoid: Container[str] = (),
) -> set[str]:
    """The `sources` and every step reached from them through `neighbours`, never
    entering a step in `avoid`."""
    seen = {node for node in sources if node not in avoid}
    stack = list(seen)
    while stack:
        for other in neighbours(stack.pop()):
            if other not in seen and other not in avoid:
                seen.add(other)
                stack.append(other)
    return seen


def dominators(G: ProcedureGraph, start: str) -> dict[str, str]:
    """The immediate dominator of each step reachable from `start` (`start` maps to itself).

    A step's dominator is on every path from the start to it. Cooper, Harvey
    and Kennedy's iterative algorithm on plain lists: the rules and the
    guardrails ask for it on every change.
    """
    succ, pred = adjacency(G)
    return _immediate_dominators(succ, pred, start)


def post_dominators(G: ProcedureGraph) -> dict[str, str]:
    """The immediate post-dominator of each step: where every path from it must pass.

    Steps whose paths meet only at the end map to `END`.
    """
    return post_dominators_of(dict(G.adjacency()))


def post_dominators_of(successors: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """`post_dominators` of the graph whose nodes are the keys of `successors`, each with
    its successors in order (a graph being reduced, held as plain dicts)."""
    succ = {node: list(nbrs) for node, nbrs in successors.items()}
    pred: dict[str, list[str]] = {node: [] for node in succ}
    for node, nbrs in succ.items():
        for nbr in nbrs:
            pred[nbr].append(node)
    pred[END] = []
    for node, nbrs in succ.items():
        if not nbrs:
            nbrs.append(END)
            pred[END].append(node)
    succ[END] = []
    return _immediate_dominators(pred, succ, END)


def _immediate_dominators(
    succ: Mapping[str, list[str]], pred: Mapping[str, list[str]], start: str
) -> dict[str, str]:
    order: list[str] = []  # post-order
    seen = {start}
    stack = [(start, iter(succ[start]))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(succ[child])))
                break
        else:
            stack.pop()
            order.append(node)
    rank = {node: i for i, node in enumerate(order)}
    idom = {start: start}
    changed = True
    while changed:
        changed = False
        for node in reversed(order[:-1]):
            new = None
            for p in pred[node]:
                if p not in idom:
                    continue
                if new is None:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while rank[a] < rank[b]:
                        a = idom[a]
                    while rank[b] < rank[a]:
                        b = idom[b]
                new = a
            if new is not None and idom.get(node) != new:
                idom[node] = new
                changed = True
    return idom


def steps_of_kind(G: ProcedureGraph, kind: str) -> list[str]:
    """The steps of `G` of one kind, in graph order."""
    return [node for node, attrs in G.nodes(data=True) if attrs["kind"] == kind]


def tasks(G: ProcedureGraph) -> list[str]:
    """The steps of `G`'s design that do work, in graph order (a fallback for missing
    data is not one of them)."""
    return [
        node for node, attrs in steps_of(G) if not is_gateway(G, node) and not attrs.get("fallback")
    ]


def copy_graph(G: ProcedureGraph) -> ProcedureGraph:
    """Return a copy of `G` that a rule may change freely.

    Node and edge attributes, their lists, and the `actors` and `documents`
    mappings are copied; the entries of those mappings and the header are
    shared, and no rule changes them in place. The engine copies a graph for
    every pass, so this fills networkx's adjacency dicts directly (the
    documented `DiGraph` data structure: `_node`, `_succ` (= `_adj`) and
    `_pred`, sharing each edge's attribute dict), several times faster than
    adding nodes and edges one by one.
    """
    H: ProcedureGraph = nx.DiGraph()
    H.graph.update(G.graph)
    H.graph["actors"] = dict(G.graph["actors"])
    H.graph["documents"] = dict(G.graph["documents"])
    succ = {u: {v: dict(attrs) for v, attrs in nbrs.items()} for u, nbrs in G.adjacency()}
    pred: dict[str, dict[str, dict[str, Any]]] = {node: {} for node in succ}
    for u, nbrs in succ.items():
        for v, attrs in nbrs.items():
            pred[v][u] = attrs
    vars(H).update(
        _node={
            node: {
                **attrs,
                "documents": list(attrs["documents"]),
                "uses": list(attrs["uses"]),
                "produces": list(attrs["produces"]),
                "carries": list(attrs["carries"]),
                "roles": list(attrs["roles"]),
            }
            for node, attrs in G.nodes(data=True)
        },
        _adj=succ,
        _succ=succ,
        _pred=pred,
    )
    return H
