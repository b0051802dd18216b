"""What changed between two versions of a procedure, semantically: steps added,
removed, merged, re-channelled, renamed, re-assigned, re-timed, documents dropped or
asked for, legal bases changed, and the measures before → after. Steps are matched by
id, so the order of a file's steps and its layout change nothing."""

from __future__ import annotations

from dataclasses import dataclass

from models.graph import ProcedureGraph, actors_of, documents_of, step_of, submitted_documents
from models.metrics import measure

__all__ = ["StepChange", "VersionDiff", "diff_versions"]

_COMPARED = ("name", "actor", "kind", "channel", "hours", "legal_basis", "uses")
"""The attributes of a step that a diff compares, in the order it lists them."""
_MEASURED = ("steps", "handoffs", "visits", "documents", "lead_time_days")


@dataclass(frozen=True)
class StepChange:
    """One attribute of a step present in both versions, before and after."""

    step: str
    attribute: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionDiff:
    """The semantic difference of version B from version A."""

    added: tuple[tuple[str, str], ...]
    """(step id, name) of the steps only B has."""
    removed: tuple[tuple[str, str], ...]
    """(step id, name) of the steps only A has and that were not merged."""
    merged: tuple[tuple[str, str], ...]
    """(step, into): a step of A whose work B does in another step."""
    changed: tuple[StepChange, ...]
    documents_dropped: tuple[tuple[str, str], ...]
    documents_asked: tuple[tuple[str, str], ...]
    measures: tuple[tuple[str, float, float], ...]
    """(measure, A, B), for the measures that differ."""

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.merged
            or self.changed
            or self.documents_dropped
            or self.documents_asked
        )


def _shown(G: ProcedureGraph, node: str, attribute: str) -> str:
    step = step_of(G, node)
    value = step[attribute]  # type: ignore[literal-required]
    if attribute == "actor":
        return str(actors_of(G)[value]["name"])
    if attribute in ("uses", "documents"):
        names = documents_of(G)
        return ", ".join(sorted(names[d]["name"] for d in value))
    if attribute == "hours":
        return f"{value:g}"
    return "" if value is None else str(value)


def _merged_into(a: ProcedureGraph, b: ProcedureGraph, node: str) -> str | None:
    """The step of B that took over `node`'s work (its name joined to the other's)."""
    name = step_of(a, node)["name"]
    for other in b:
        if other in a and other != node:
            parts = step_of(b, other)["name"].split("; ")
            if name in parts[1:] and step_of(a, other)["name"] != step_of(b, other)["name"]:
                return other
    return None


def _merge_explains(a: ProcedureGraph, b: ProcedureGraph, node: str, attribute: str) -> bool:
    """A merge target's name, hours, kind, documents and checks change by the merge."""
    return attribute in ("name", "hours", "kind", "uses") and step_of(b, node)["name"].startswith(
        step_of(a, node)["name"] + "; "
    )


def diff_versions(a: ProcedureGraph, b: ProcedureGraph) -> VersionDiff:
    """How version `b` of a procedure differs from version `a`."""
    gone = sorted(set(a) - set(b))
    merged = [(node, into) for node in gone if (into := _merged_into(a, b, node))]
    merged_steps = {node for node, _ in merged}
    changed = [
        StepChange(node, attribute, _shown(a, node, attribute), _shown(b, node, attribute))
        for node in sorted(set(a) & set(b))
        for attribute in _COMPARED
        if _shown(a, node, attribute) != _shown(b, node, attribute)
        and not _merge_explains(a, b, node, attribute)
    ]
    names_a, names_b = documents_of(a), documents_of(b)
    asked_a, asked_b = submitted_documents(a), submitted_documents(b)
    before, after = measure(a).model_dump(), measure(b).model_dump()
    return VersionDiff(
        added=tuple((n, step_of(b, n)["name"]) for n in sorted(set(b) - set(a))),
        removed=tuple((n, step_of(a, n)["name"]) for n in gone if n not in merged_steps),
        merged=tuple(merged),
        changed=tuple(changed),
        documents_dropped=tuple((d, names_a[d]["name"]) for d in sorted(asked_a - asked_b)),
        documents_asked=tuple((d, names_b[d]["name"]) for d in sorted(asked_b - asked_a)),
        measures=tuple(
            (key, before[key], after[key]) for key in _MEASURED if before[key] != after[key]
        ),
    )
