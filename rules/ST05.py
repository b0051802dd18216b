"""ST05: independent steps in a row run in parallel."""

from __future__ import annotations

import itertools
from functools import partial

from pydantic import BaseModel, ConfigDict

from models.graph import ProcedureGraph, copy_graph
from models.metrics import handoffs, is_person_task
from models.procedure import Channel, StepKind
from rules.base import Effect, Proposal, Rule, RuleContext
from rules.structure import supplies

__all__ = ["ParallelIndependentSteps", "run_in_parallel"]


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
            hours = [G.nodes[n]["hours"] for n in run]
            names = " ‖ ".join(f"«{G.nodes[n]['name']}»" for n in run)
            change = self.change(
                tuple(run),
                names,
                names.replace("«", "“").replace("»", "”"),
                effect=Effect(hours=sum(hours) - max(hours)),
            )
            proposals.append(Proposal(change, partial(run_in_parallel, run=tuple(run))))
        return proposals

    def _eligible(self, G: ProcedureGraph, node: str) -> bool:
        attrs = G.nodes[node]
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
                or any(G.nodes[succ]["actor"] == G.nodes[n]["actor"] for n in run)
                or any(_depends(G, succ, n) or _depends(G, n, succ) for n in run)
            ):
                break
            run.append(succ)
        return run


def _depends(G: ProcedureGraph, user: str, producer: str) -> bool:
    return bool(set(G.nodes[user]["uses"]) & supplies(G, producer))


def _worth_it(G: ProcedureGraph, run: list[str]) -> bool:
    """Whether running `run` in parallel saves time and adds no hand-off."""
    hours = [G.nodes[n]["hours"] for n in run]
    if sum(hours) <= max(hours):
        return False
    H = copy_graph(G)
    run_in_parallel(H, tuple(run))
    return handoffs(H) <= handoffs(G)


def run_in_parallel(G: ProcedureGraph, run: tuple[str, ...]) -> None:
    """Make the steps of `run` (a chain in `G`) run between a new split and join."""
    first, last = run[0], run[-1]
    split, join = _new_id(G, f"{first}_split"), _new_id(G, f"{first}_join")
    gateway = {
        "actor": G.nodes[first]["actor"],
        "channel": Channel.internal.value,
        "hours": 0.0,
        "documents": [],
        "uses": [],
        "produces": [],
        "mandatory": False,
        "legal_basis": None,
    }
    G.add_node(split, name="Thực hiện song song", kind=StepKind.parallel.value, **gateway)
    G.add_node(join, name="Hoàn tất các bước song song", kind=StepKind.join_.value, **gateway)
    incoming = [(u, dict(a)) for u, _, a in G.in_edges(first, data=True)]
    outgoing = [(v, dict(a)) for _, v, a in G.out_edges(last, data=True)]
    G.remove_edges_from(list(itertools.pairwise(run)))
    G.remove_edges_from([(u, first) for u, _ in incoming] + [(last, v) for v, _ in outgoing])
    G.add_edges_from((u, split, a) for u, a in incoming)
    G.add_edges_from((join, v, a) for v, a in outgoing)
    for step in run:
        G.add_edge(split, step, when=None, probability=None)
        G.add_edge(step, join, when=None, probability=None)


def _new_id(G: ProcedureGraph, wanted: str) -> str:
    node = wanted
    while node in G:
        node += "_"
    return node
