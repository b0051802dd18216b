"""What every rule is and returns: a `Rule` proposes; the engine decides and applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from models.graph import ProcedureGraph

__all__ = ["Change", "Proposal", "Rule", "RuleContext"]


@dataclass(frozen=True)
class RuleContext:
    """What rules may know beyond the graph: which data sources are connected."""

    connected_sources: frozenset[str] = frozenset()
    source_names: dict[str, str] = field(default_factory=dict)

    def source_name(self, source: str) -> str:
        return self.source_names.get(source, source)


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
    """Steps that no longer exist after the change (removed or merged away)."""


@dataclass(frozen=True)
class Proposal:
    """A change a rule proposes, with the function that makes it."""

    change: Change
    apply: Callable[[ProcedureGraph], ProcedureGraph] = field(compare=False)
    """Return a new graph with the change made; the input is never mutated."""

    @property
    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        return (self.change.rule, self.change.steps, self.change.documents)


class Rule:
    """A simplification rule. Subclasses set the class attributes and `propose`.

    The docstring's first line is the catalogue description; it is followed by
    an **Anti-pattern** and a **Best practice** paragraph.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    """Dotted name: group.what."""
    groups: ClassVar[tuple[str, ...]]
    reason: ClassVar[str]
    """Why, in one sentence, in Vietnamese."""
    reason_en: ClassVar[str]

    def change(
        self,
        steps: tuple[str, ...],
        detail: str,
        detail_en: str | None = None,
        *,
        documents: tuple[str, ...] = (),
        removed_steps: tuple[str, ...] = (),
    ) -> Change:
        """A change by this rule; its reasons end with `detail` (and `detail_en` in English)."""
        return Change(
            rule=self.code,
            steps=steps,
            reason=f"{self.reason} ({detail}).",
            reason_en=f"{self.reason_en} ({detail if detail_en is None else detail_en}).",
            documents=documents,
            removed_steps=removed_steps,
        )

    def step_change(self, node: str, name: str, *, removed_steps: tuple[str, ...] = ()) -> Change:
        """A change of step `node`, its reasons naming the step."""
        return self.change((node,), f"«{name}»", f"“{name}”", removed_steps=removed_steps)

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        """Return the changes this rule proposes on `G`, without changing it."""
        raise NotImplementedError
