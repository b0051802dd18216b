"""Shared by the channel rules: move a step to another channel."""

from __future__ import annotations

from collections.abc import Iterable

from models.graph import ProcedureGraph, steps_of
from models.metrics import is_visit
from models.procedure import Channel, StepKind
from rules.base import Effect, Proposal, Rule
from rules.edits import SwitchChannel

__all__ = ["ChannelRule"]


class ChannelRule(Rule):
    """Base of the rules that take an in-person step of some kinds to another channel."""

    kinds: frozenset[StepKind]

    def _proposals(self, G: ProcedureGraph, channel: Channel) -> Iterable[Proposal]:
        for node, attrs in steps_of(G):
            if (
                attrs["channel"] != Channel.in_person
                or attrs["kind"] not in self.kinds
                or attrs["mandatory"]
            ):
                continue
            effect = Effect(visits=int(is_visit(G, node)))
            edit = SwitchChannel(node, Channel(attrs["channel"]), channel)
            yield self.step_change(node, attrs["name"], effect, (edit,))
