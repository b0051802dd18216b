"""ST02: merge consecutive steps of the same actor into one step."""

from __future__ import annotations

from functools import partial

from models.graph import ProcedureGraph, is_gateway
from models.procedure import Channel, StepKind
from rules.base import Effect, Proposal, Rule, RuleContext

__all__ = ["SameActorMerge", "merge_steps"]

# When two steps merge, the merged step takes the weightier kind.
_KIND_WEIGHT = [
    StepKind.sign, StepKind.approve, StepKind.issue, StepKind.appraise, StepKind.verify,
    StepKind.check, StepKind.submit, StepKind.pay, StepKind.return_, StepKind.receive,
    StepKind.notify, StepKind.transfer, StepKind.wait,
]  # fmt: skip
_CHANNEL_WEIGHT = [Channel.in_person, Channel.post, Channel.online, Channel.internal]


class SameActorMerge(Rule):
    """Two consecutive steps done by the same actor become one step.

    **Anti-pattern**: the one-stop desk "checks the dossier", then, as a
    separate step with its own queue, "writes the receipt"; the specialist
    "drafts the result", then separately "prints the result".

    **Best practice**: one actor, one step: the desk checks and writes the
    receipt in one sitting. Only steps joined by a single flow merge, and never
    a step the law requires.
    """

    code = "ST02"
    name = "steps.same_actor_merge"
    groups = ("steps",)
    reason = "Gộp hai bước liền nhau do cùng một người thực hiện thành một bước"
    reason_en = "Merge two consecutive steps done by the same actor into one step"

    def propose(self, G: ProcedureGraph, context: RuleContext) -> list[Proposal]:
        proposals = []
        for first, second in G.edges:
            if not _mergeable(G, first, second):
                continue
            names = f"«{G.nodes[first]['name']}» + «{G.nodes[second]['name']}»"
            change = self.change((first, second), names, effect=Effect(steps=1))
            proposals.append(Proposal(change, partial(merge_steps, first=first, second=second)))
        return proposals


def _mergeable(G: ProcedureGraph, first: str, second: str) -> bool:
    a, b = G.nodes[first], G.nodes[second]
    return (
        first != second
        and G.out_degree(first) == 1
        and G.in_degree(second) == 1
        and not is_gateway(G, first)
        and not is_gateway(G, second)
        and a["actor"] == b["actor"]
        and not a["mandatory"]
        and not b["mandatory"]
    )


def merge_steps(G: ProcedureGraph, first: str, second: str) -> None:
    """Merge step `second` of `G` into `first`, which keeps its id."""
    a, b = G.nodes[first], G.nodes[second]
    kinds = sorted((StepKind(a["kind"]), StepKind(b["kind"])), key=_KIND_WEIGHT.index)
    channels = sorted((Channel(a["channel"]), Channel(b["channel"])), key=_CHANNEL_WEIGHT.index)
    a.update(
        name=f"{a['name']}; {b['name']}",
        kind=kinds[0].value,
        channel=channels[0].value,
        hours=a["hours"] + b["hours"],
        documents=a["documents"] + [d for d in b["documents"] if d not in a["documents"]],
        uses=a["uses"] + [d for d in b["uses"] if d not in a["uses"]],
        produces=a["produces"] + [d for d in b["produces"] if d not in a["produces"]],
    )
    after = [(v, attrs) for _, v, attrs in G.out_edges(second, data=True)]
    G.remove_node(second)
    G.add_edges_from((first, v, attrs) for v, attrs in after)
