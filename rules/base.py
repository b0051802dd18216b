"""What every rule is and returns: a `Rule` proposes; the engine decides and applies."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from models.errors import InvalidRuleParameter
from models.graph import ProcedureGraph, step_of
from models.procedure import GATEWAY_KINDS

if TYPE_CHECKING:
    from rules.edits import Edit

__all__ = [
    "Change",
    "ChangeKey",
    "Effect",
    "NoParams",
    "Proposal",
    "Rule",
    "RuleContext",
    "removal_effect",
    "saving",
]


ChangeKey = tuple[str, tuple[str, ...], tuple[str, ...]]
"""What identifies a change across passes and runs: its rule, steps and documents."""


@dataclass(frozen=True)
class RuleContext:
    """What rules may know beyond the graph: which data sources are connected."""

    connected_sources: frozenset[str] = frozenset()
    source_names: dict[str, str] = field(default_factory=dict)
    hit_rates: dict[str, float] = field(default_factory=dict)
    """The share of look-ups each source answers (1 when not given)."""
    only: frozenset[ChangeKey] | None = None
    """When set, the engine makes only the changes with these keys (a reviewer's accepted
    changes); any other proposal is left out."""
    rejected: frozenset[ChangeKey] = frozenset()
    """Changes a reviewer rejected: the engine does not propose them again."""

    def source_name(self, source: str) -> str:
        return self.source_names.get(source, source)

    def allows(self, key: ChangeKey) -> bool:
        """Whether the engine may make the change with `key`."""
        return key not in self.rejected and (self.only is None or key in self.only)


@dataclass(frozen=True)
class Effect:
    """What a change is expected to save, as its rule estimates it before it is applied.

    Hours count the steps' own durations, as if each ran once; the engine's
    measures before and after give the exact figures.
    """

    steps: int = 0
    visits: int = 0
    documents: int = 0
    hours: float = 0.0


def saving(G: ProcedureGraph, removed: Iterable[str]) -> Effect:
    """The estimated effect of removing the steps `removed` from `G`."""
    steps = [step_of(G, n) for n in removed]
    return Effect(
        steps=sum(1 for a in steps if a["kind"] not in GATEWAY_KINDS),
        hours=sum(a["hours"] for a in steps),
        documents=len({d for a in steps for d in a["documents"]}),
    )


def removal_effect(G: ProcedureGraph, node: str) -> Effect:
    """The estimated effect of removing step `node` of `G` alone."""
    attrs = step_of(G, node)
    return Effect(steps=1, hours=attrs["hours"], documents=len(attrs["documents"]))


@dataclass(frozen=True)
class Change:
    """A change applied to a procedure, traceable to its rule."""

    rule: str
    steps: tuple[str, ...]
    reason: str
    """One sentence a director understands, in Vietnamese."""
    reason_en: str
    documents: tuple[str, ...] = ()
    removed_steps: tuple[str, ...] = ()
    """Steps that no longer exist after the change (removed or merged away); set by the engine."""
    added_steps: tuple[str, ...] = ()
    """Steps the change created (a parallel split and join); set by the engine."""
    effect: Effect = field(default_factory=Effect)
    edits: tuple[Edit, ...] = ()
    """What the change does to the graph, as data: the engine applies these."""

    @property
    def key(self) -> ChangeKey:
        """What identifies a proposal across passes: its rule, steps and documents."""
        return (self.rule, self.steps, self.documents)


@dataclass(frozen=True)
class Proposal:
    """A change a rule proposes, its edits included; the engine decides and applies."""

    change: Change

    @property
    def key(self) -> ChangeKey:
        return self.change.key


class NoParams(BaseModel):
    """The parameters of a rule that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule:
    """A simplification rule. Subclasses set the class attributes and `propose`.

    The docstring's first line is the catalogue description; it is followed by
    an **Anti-pattern** and a **Best practice** paragraph. A rule with
    parameters names a pydantic model (frozen, `extra="forbid"`) as `Params`;
    its defaults are the catalogue's defaults.
    """

    Params: ClassVar[type[BaseModel]] = NoParams
    params: BaseModel

    code: ClassVar[str]
    name: ClassVar[str]
    """Dotted name: group.what."""
    groups: ClassVar[tuple[str, ...]]
    reason: ClassVar[str]
    """Why, in one sentence, in Vietnamese."""
    reason_en: ClassVar[str]

    def __init__(self, **params: Any) -> None:
        try:
            self.params = self.Params(**params)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            fields = ", ".join(self.Params.model_fields) or "none"
            raise InvalidRuleParameter(
                f"rule {self.code}, parameter '{where}': {first['msg']}; "
                f"its parameters are: {fields} (see docs/rules.md)"
            ) from None

    @property
    def signature(self) -> str:
        """The code, with the parameters that differ from the defaults: what a run depends on."""
        changed = {
            key: sorted(value) if isinstance(value, list) else value
            for key, value in self.params.model_dump(mode="json", exclude_defaults=True).items()
        }
        return self.code + (json.dumps(changed, sort_keys=True) if changed else "")

    def change(
        self,
        steps: tuple[str, ...],
        detail: str,
        detail_en: str | None = None,
        *,
        documents: tuple[str, ...] = (),
        effect: Effect | None = None,
        edits: tuple[Edit, ...],
        reasons: tuple[str, str] | None = None,
    ) -> Proposal:
        """A change by this rule making `edits`; its reasons (the rule's, or `reasons` in
        Vietnamese and English for a variant of it) end with `detail` (and `detail_en` in
        English)."""
        reason, reason_en = reasons or (self.reason, self.reason_en)
        return Proposal(
            Change(
                rule=self.code,
                steps=steps,
                reason=f"{reason} ({detail}).",
                reason_en=f"{reason_en} ({detail if detail_en is None else detail_en}).",
                documents=documents,
                effect=effect or Effect(),
                edits=edits,
            )
        )

    def step_change(
        self, node: str, name: str, effect: Effect | None, edits: tuple[Edit, ...]
    ) -> Proposal:
        """A change of step `node`, its reasons naming the step."""
        return self.change((node,), f"«{name}»", f"“{name}”", effect=effect, edits=edits)

    def removal(self, G: ProcedureGraph, node: str, edit: Edit) -> Proposal:
        """The change that removes step `node` of `G` by `edit`, its effect estimated."""
        name = step_of(G, node)["name"]
        effect = removal_effect(G, node)
        return self.change((node,), f"«{name}»", f"“{name}”", effect=effect, edits=(edit,))

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        """Return the changes this rule proposes on `G`, without changing it."""
        raise NotImplementedError
