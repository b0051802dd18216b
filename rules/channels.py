"""Shared by the channel rules: move a step to another channel."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from models.graph import ProcedureGraph
from models.metrics import is_visit
from models.procedure import Channel, StepKind
from rules.base import Effect, Proposal, Rule

__all__ = ["ChannelRule", "move_to_channel"]


def move_to_channel(G: ProcedureGraph, node: str, channel: Channel) -> None:
    """Make step `node` of `G` done through `channel`."""
    G.nodes[node]["channel"] = channel.value


class ChannelRule(Rule):
    """Base of the rules that take an in-person step of some kinds to another channel."""

    kinds: frozenset[StepKind]

    def _proposals(self, G: ProcedureGraph, channel: Channel) -> Iterable[Proposal]:
        for node, attrs in G.nodes(data=True):
            if (
                attrs["channel"] != Channel.in_person
                or attrs["kind"] not in self.kinds
                or attrs["mandatory"]
            ):
                continue
            effect = Effect(visits=int(is_visit(G, node)))
            change = self.step_change(node, attrs["name"], effect)
            yield Proposal(change, partial(move_to_channel, node=node, channel=channel))
