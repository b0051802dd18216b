"""Edits: what a change does to a procedure graph, as data the engine applies.

A rule proposes a change with its edits (sqlfluff's `LintFix` is the model); the
engine applies them to its working copy, each edit reporting the steps it
removed and added. Diagrams, reports and reviews read the edits, so nothing
outside `rules/` needs to know which rule does what.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

from models.graph import ActorData, ProcedureGraph, actors_of, step_of
from models.procedure import ActorKind, Channel, StepKind, fitted
from rules.structure import drop_dead_branches, remove_check, remove_step

__all__ = [
    "SYSTEM_ACTOR",
    "AskWhenMissing",
    "Automate",
    "DropBranches",
    "DropDocument",
    "Edit",
    "Interconnect",
    "MergeSteps",
    "NarrowCheck",
    "Realised",
    "RemoveCheck",
    "RemoveStep",
    "RunInParallel",
    "SwitchChannel",
    "edit_from_json",
    "edit_to_json",
]

SYSTEM_ACTOR = ActorData(name="Hệ thống thông tin giải quyết TTHC", kind=ActorKind.system.value)

# When two steps merge, the merged step takes the weightier kind and channel.
_KIND_WEIGHT = [
    StepKind.sign, StepKind.approve, StepKind.issue, StepKind.appraise, StepKind.verify,
    StepKind.check, StepKind.submit, StepKind.pay, StepKind.return_, StepKind.receive,
    StepKind.notify, StepKind.transfer, StepKind.wait,
]  # fmt: skip
_CHANNEL_WEIGHT = [Channel.in_person, Channel.post, Channel.online, Channel.internal]


_KINDS: dict[str, type[Edit]] = {}
"""Every kind of edit by its `kind` name, filled in as the classes are defined."""


@dataclass(frozen=True)
class Realised:
    """What applying an edit did: the steps it removed and the steps it added."""

    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


class Edit:
    """One edit of a procedure graph. Subclasses are frozen dataclasses named by `kind`;
    each is registered as it is defined, so that stored edits can be read back."""

    kind: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            _KINDS[cls.kind] = cls

    def apply(self, G: ProcedureGraph) -> Realised:
        """Make the edit in `G` (the engine's working copy)."""
        raise NotImplementedError


def _removing(
    G: ProcedureGraph, surgery: Callable[[ProcedureGraph, str], None], at: str
) -> Realised:
    """Run a removal surgery on `G` at step `at`; report every step it took out."""
    before = list(G)
    surgery(G, at)
    return Realised(removed=tuple(node for node in before if node not in G))


@dataclass(frozen=True)
class RemoveStep(Edit):
    """The step goes; its inputs flow to its one successor (gateways left idle go too)."""

    kind: ClassVar[str] = "remove_step"
    step: str

    def apply(self, G: ProcedureGraph) -> Realised:
        return _removing(G, remove_step, self.step)


@dataclass(frozen=True)
class RemoveCheck(Edit):
    """The check goes, with the send-back loop it drives (the decision, the supplement)."""

    kind: ClassVar[str] = "remove_check"
    step: str

    def apply(self, G: ProcedureGraph) -> Realised:
        return _removing(G, remove_check, self.step)


@dataclass(frozen=True)
class NarrowCheck(Edit):
    """The check no longer looks at `documents` (papers nobody submits any more)."""

    kind: ClassVar[str] = "narrow_check"
    step: str
    documents: tuple[str, ...]

    def apply(self, G: ProcedureGraph) -> Realised:
        attrs = step_of(G, self.step)
        attrs["uses"] = [doc for doc in attrs["uses"] if doc not in self.documents]
        return Realised()


@dataclass(frozen=True)
class DropBranches(Edit):
    """The never-taken branches of the decision go, with the steps only they reach."""

    kind: ClassVar[str] = "drop_branches"
    decision: str

    def apply(self, G: ProcedureGraph) -> Realised:
        return _removing(G, drop_dead_branches, self.decision)


@dataclass(frozen=True)
class MergeSteps(Edit):
    """Step `step` is merged into `into` (which keeps its id), the two names joined; the
    merged step keeps every role, carried object and presence of the two."""

    kind: ClassVar[str] = "merge_steps"
    step: str
    into: str

    def apply(self, G: ProcedureGraph) -> Realised:
        a, b = step_of(G, self.into), step_of(G, self.step)
        kinds = sorted((StepKind(a["kind"]), StepKind(b["kind"])), key=_KIND_WEIGHT.index)
        channels = sorted((Channel(a["channel"]), Channel(b["channel"])), key=_CHANNEL_WEIGHT.index)
        a.update(
            {
                "name": fitted(f"{a['name']}; {b['name']}"),
                "kind": kinds[0].value,
                "channel": channels[0].value,
                "hours": a["hours"] + b["hours"],
                "documents": a["documents"]
                + [d for d in b["documents"] if d not in a["documents"]],
                "uses": a["uses"] + [d for d in b["uses"] if d not in a["uses"]],
                "produces": a["produces"] + [d for d in b["produces"] if d not in a["produces"]],
                "carries": a["carries"] + [d for d in b["carries"] if d not in a["carries"]],
                "roles": _merged_roles(kinds[0].value, a["roles"] + b["roles"]),
                "presence": a["presence"] or b["presence"],
            }
        )
        after = [(v, attrs) for _, v, attrs in G.out_edges(self.step, data=True)]
        G.remove_node(self.step)
        G.add_edges_from((self.into, v, attrs) for v, attrs in after)
        return Realised(removed=(self.step,))


def _merged_roles(kind: str, roles: list[str]) -> list[str]:
    """The merged step's kind first, then every other role once, in order."""
    return [kind] + [r for i, r in enumerate(roles) if r != kind and r not in roles[:i]]


@dataclass(frozen=True)
class SwitchChannel(Edit):
    """The step is done through another channel (online, post) instead of `old`, and
    named for it (`old_name` → `new_name`)."""

    kind: ClassVar[str] = "switch_channel"
    step: str
    old: Channel
    new: Channel
    old_name: str = ""
    new_name: str = ""

    def apply(self, G: ProcedureGraph) -> Realised:
        attrs = step_of(G, self.step)
        attrs["channel"] = self.new.value
        if self.new_name:
            attrs["name"] = self.new_name
        return Realised()


@dataclass(frozen=True)
class Interconnect(Edit):
    """A transfer between agencies goes through the electronic interconnection: the
    information system carries it at once (the act stays, named `new_name`)."""

    kind: ClassVar[str] = "interconnect"
    step: str
    old_name: str
    new_name: str

    def apply(self, G: ProcedureGraph) -> Realised:
        attrs = step_of(G, self.step)
        attrs.update({"actor": _system_actor(G), "channel": Channel.internal.value, "hours": 0.0})
        attrs["name"] = self.new_name
        return Realised()


def _system_actor(G: ProcedureGraph) -> str:
    """The id of the information system's actor in `G`, added when missing."""
    actors = actors_of(G)
    system = next((a for a, attrs in actors.items() if attrs["kind"] == ActorKind.system), None)
    if system is None:
        system = "system"
        while system in actors:
            system += "_"
        actors[system] = ActorData(name=SYSTEM_ACTOR["name"], kind=SYSTEM_ACTOR["kind"])
    return system


@dataclass(frozen=True)
class DropDocument(Edit):
    """No step asks the applicant for the document: data `source` holds it."""

    kind: ClassVar[str] = "drop_document"
    document: str
    source: str
    """The id of the connected data source that replaces it."""

    def apply(self, G: ProcedureGraph) -> Realised:
        for node in G:
            docs: list[str] = step_of(G, node)["documents"]
            if self.document in docs:
                docs.remove(self.document)
        return Realised()


@dataclass(frozen=True)
class Automate(Edit):
    """The information system does the step at once, as a look-up: its actor, kind,
    channel, duration and name (`old_name` → `new_name`) change."""

    kind: ClassVar[str] = "automate"
    step: str
    hours: float
    old_name: str
    new_name: str

    def apply(self, G: ProcedureGraph) -> Realised:
        attrs = step_of(G, self.step)
        attrs.update(
            {
                "actor": _system_actor(G),
                "kind": StepKind.verify.value,
                "channel": Channel.internal.value,
                "hours": min(self.hours, attrs["hours"]),
                "name": self.new_name,
            }
        )
        return Realised()


@dataclass(frozen=True)
class RunInParallel(Edit):
    """The steps (a chain) run between a new `parallel` split and `join`."""

    kind: ClassVar[str] = "run_in_parallel"
    steps: tuple[str, ...]

    def apply(self, G: ProcedureGraph) -> Realised:
        run = self.steps
        first, last = run[0], run[-1]
        split, join = _new_id(G, f"{first}_split"), _new_id(G, f"{first}_join")
        actor = step_of(G, first)["actor"]
        _add_step(G, split, "Thực hiện song song", actor, StepKind.parallel)
        _add_step(G, join, "Hoàn tất các bước song song", actor, StepKind.join_)
        incoming = [(u, dict(a)) for u, _, a in G.in_edges(first, data=True)]
        outgoing = [(v, dict(a)) for _, v, a in G.out_edges(last, data=True)]
        G.remove_edges_from(list(itertools.pairwise(run)))
        G.remove_edges_from([(u, first) for u, _ in incoming] + [(last, v) for v, _ in outgoing])
        G.add_edges_from((u, split, a) for u, a in incoming)
        G.add_edges_from((join, v, a) for v, a in outgoing)
        for step in run:
            G.add_edge(split, step, when=None, probability=None)
            G.add_edge(step, join, when=None, probability=None)
        return Realised(added=(split, join))


@dataclass(frozen=True)
class AskWhenMissing(Edit):
    """After step `after`, the data of `documents` is looked up in `source`: when it is
    missing (probability `miss`), the applicant supplies the papers at a fallback step
    (`name`, `hours`) before the procedure goes on."""

    kind: ClassVar[str] = "ask_when_missing"
    after: str
    source: str
    documents: tuple[str, ...]
    miss: float
    hours: float
    question: str
    name: str

    def apply(self, G: ProcedureGraph) -> Realised:
        (succ,) = G.successors(self.after)
        flow = dict(G.edges[self.after, succ])
        sender = step_of(G, self.after)
        found, missing = _new_id(G, f"{self.source}_found"), _new_id(G, f"{self.source}_missing")
        _add_step(G, found, self.question, step_of(G, succ)["actor"], StepKind.decide)
        _add_step(
            G,
            missing,
            self.name,
            sender["actor"],
            StepKind.submit,
            channel=sender["channel"],
            hours=self.hours,
            documents=list(self.documents),
            fallback=True,
        )
        G.remove_edge(self.after, succ)
        G.add_edge(self.after, found, **flow)
        G.add_edge(found, succ, when="có dữ liệu", probability=round(1 - self.miss, 6))
        G.add_edge(found, missing, when="không có dữ liệu", probability=self.miss)
        G.add_edge(missing, succ, when=None, probability=None)
        return Realised(added=(found, missing))


def _add_step(
    G: ProcedureGraph, node: str, name: str, actor: str, kind: StepKind, **attrs: Any
) -> None:
    """Add step `node` with every attribute a step has: an internal, instant step of
    `kind` doing nothing else, unless `attrs` say otherwise."""
    step = {
        "name": fitted(name),
        "actor": actor,
        "kind": kind.value,
        "roles": [kind.value],
        "channel": Channel.internal.value,
        "hours": 0.0,
        "documents": [],
        "uses": [],
        "produces": [],
        "mandatory": False,
        "legal_basis": None,
        "carries": [],
        "presence": None,
        "act": None,
        "fallback": False,
    }
    G.add_node(node, **(step | attrs))


def _new_id(G: ProcedureGraph, wanted: str) -> str:
    node = wanted
    while node in G:
        node += "_"
    return node


def edit_to_json(edit: Edit) -> dict[str, Any]:
    """The edit as a JSON-ready document: its kind and its fields.

    >>> edit_to_json(RemoveStep("s1"))
    {'edit': 'remove_step', 'step': 's1'}
    """
    document: dict[str, Any] = {"edit": edit.kind}
    for name, value in vars(edit).items():  # the dataclass's fields: strings, numbers
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Channel):
            value = value.value
        document[name] = value
    return document


def edit_from_json(document: dict[str, Any]) -> Edit:
    """The edit a document of `edit_to_json` describes."""
    kind = _KINDS[document["edit"]]
    values: dict[str, Any] = {}
    for spec in fields(kind):  # type: ignore[arg-type]
        if spec.name not in document and spec.default is not MISSING:
            continue  # stored before the field existed
        value = document[spec.name]
        if spec.type in (Channel, "Channel"):  # a string: annotations are postponed
            value = Channel(value)
        values[spec.name] = tuple(value) if isinstance(value, list) else value
    return kind(**values)
