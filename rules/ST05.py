"""ST05: independent steps in a row run in parallel."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from models.graph import ProcedureGraph, copy_graph, step_of
from models.metrics import handoffs, is_person_task
from models.procedure import StepKind
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.edits import RunInParallel
from rules.structure import supplies

__all__ = ["ParallelIndependentSteps"]


class ParallelIndependentSteps(Rule):
    """Steps in a row by different actors, neither using what another produces, run at once.

    **Anti-pattern**: the specialist unit appraises the dossier, and only then
    sends it to the tax office and the commune for their opinions, one after
    the other; each waits for the previous one although none needs the others'
    answer.

    **Best practice**: ask every party at once (lấy ý kiến song song) and
    continue when all have answered: a `parallel` split and a `join`. Only
    kinds that examine the dossier (by default verifications and appraisals)
    are moved, never a step the law requires unless the parameters allow it,
    and never when it would add hand-offs or save no time.
    """

    code = "ST05"
    name = "steps.parallel_independent"
    groups = ("steps", "time")
    reason = "Thực hiện song song các bước độc lập của các cơ quan khác nhau thay vì lần lượt"
    reason_en = "Run independent steps of different actors in parallel instead of one by one"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
        kinds: frozenset[StepKind] = frozenset({StepKind.verify, StepKind.appraise})
        """Kinds of step that may run in parallel."""
        include_mandatory: bool = False
        """Whether steps the law requires may be moved into a parallel block."""

    params: Params

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for node in G:
            run = self._run_from(G, node)
            while len(run) > 1 and not _worth_it(G, run):
                run.pop()
            if len(run) < 2:
                continue
            hours = [step_of(G, n)["hours"] for n in run]
            names = " ‖ ".join(f"«{step_of(G, n)['name']}»" for n in run)
            proposal = self.change(
                tuple(run),
                names,
                names.replace("«", "“").replace("»", "”"),
                effect=Effect(hours=sum(hours) - max(hours)),
                edits=(RunInParallel(tuple(run)),),
            )
            proposals.append(proposal)
        return proposals

    def _eligible(self, G: ProcedureGraph, node: str) -> bool:
        attrs = step_of(G, node)
        return (
            attrs["kind"] in self.params.kinds
            and is_person_task(G, node)
            and (self.params.include_mandatory or not attrs["mandatory"])
        )

    def _run_from(self, G: ProcedureGraph, first: str) -> list[str]:
        """The longest run of eligible, independent steps of distinct actors from `first`."""
        if G.in_degree(first) == 0 or not self._eligible(G, first):
            return []
        run = [first]
        while G.out_degree(run[-1]) == 1:
            (succ,) = G.successors(run[-1])
            if (
                G.in_degree(succ) != 1
                or succ in run
                or not self._eligible(G, succ)
                or any(step_of(G, succ)["actor"] == step_of(G, n)["actor"] for n in run)
                or any(_depends(G, succ, n) or _depends(G, n, succ) for n in run)
            ):
                break
            run.append(succ)
        return run


def _depends(G: ProcedureGraph, user: str, producer: str) -> bool:
    return bool(set(step_of(G, user)["uses"]) & supplies(G, producer))


def _worth_it(G: ProcedureGraph, run: list[str]) -> bool:
    """Whether running `run` in parallel saves time and adds no hand-off."""
    hours = [step_of(G, n)["hours"] for n in run]
    if sum(hours) <= max(hours):
        return False
    H = copy_graph(G)
    RunInParallel(tuple(run)).apply(H)
    return handoffs(H) <= handoffs(G)
