"""ST03: the same check done twice is done once."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from models.graph import ProcedureGraph, step_of, steps_of
from models.procedure import StepKind
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import RemoveCheck
from rules.structure import between, dominates, removable_check, supplies

__all__ = ["DuplicateCheck"]


class DuplicateCheck(Rule):
    """A check that repeats an earlier check of the same documents is removed.

    **Anti-pattern**: the one-stop desk checks that the dossier is complete and
    valid, then the specialist unit checks the same papers for completeness
    again — and may send the dossier back a second time for what the desk
    already accepted.

    **Best practice**: one check, done once, by the first actor who sees the
    dossier; the later actor relies on it. The later check goes only when it
    looks at nothing the first did not (its `uses` are among the first's),
    every path to it passes the first check, and no step between them brings
    in a new version of those documents (a supplement). A check the law
    requires stays.
    """

    code = "ST03"
    name = "steps.duplicate_check"
    groups = ("steps",)
    reason = "Bỏ bước kiểm tra lặp lại nội dung đã được kiểm tra ở bước trước"
    reason_en = "Remove a check that repeats what an earlier step already checked"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
        kinds: frozenset[StepKind] = frozenset({StepKind.check, StepKind.verify})
        """Kinds of step that count as checks."""

    params: Params

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        checks = [n for n, attrs in steps_of(G) if attrs["kind"] in self.params.kinds]
        proposals = []
        for second in checks:
            first = _earlier_same_check(G, second, checks)
            if first is not None:
                names = f"«{step_of(G, second)['name']}» lặp lại «{step_of(G, first)['name']}»"
                names_en = f"“{step_of(G, second)['name']}” repeats “{step_of(G, first)['name']}”"
                proposal = self.change(
                    (second, first),
                    names,
                    names_en,
                    effect=_saving(G, second),
                    edits=(RemoveCheck(second),),
                )
                proposals.append(proposal)
        return proposals


def _covers(G: ProcedureGraph, first: str, second: str) -> bool:
    """Whether check `first` is of the same kind as `second` and looks at all it does."""
    a, b = step_of(G, first), step_of(G, second)
    return a["kind"] == b["kind"] and set(b["uses"]) <= set(a["uses"])


def _earlier_same_check(G: ProcedureGraph, second: str, checks: list[str]) -> str | None:
    """A check that every path to `second` passes and that covers what it checks."""
    attrs = step_of(G, second)
    if (
        not attrs["uses"]
        or attrs["mandatory"]
        or attrs["produces"]
        or attrs["documents"]
        or attrs["act"]
        or attrs["presence"]
    ):
        return None
    covering = [first for first in checks if first != second and _covers(G, first, second)]
    if not covering or not removable_check(G, second):
        return None
    uses = set(attrs["uses"])
    start = next(node for node in G if G.in_degree(node) == 0)
    for first in covering:
        if dominates(G, start, first, second) and not any(
            uses & supplies(G, node) for node in between(G, first, second)
        ):
            return first
    return None


def _saving(G: ProcedureGraph, node: str) -> Effect:
    return Effect(steps=1, hours=step_of(G, node)["hours"])
