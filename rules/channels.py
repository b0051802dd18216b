"""Shared by the channel rules: move a step to another channel, and say so in its name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from models.graph import ProcedureGraph, physical_items, steps_of
from models.metrics import is_visit
from models.procedure import Channel, StepKind
from rules.base import Effect, Proposal, Rule
from rules.edits import SwitchChannel
from rules.wording import renamed

__all__ = ["ChannelRule"]


class ChannelRule(Rule):
    """Base of the rules that take an in-person step of some kinds to another channel.

    A step that requires the person's presence keeps its channel; a step that hands over
    a physical object (a card, a seal, an original) goes by public post at best, never
    online. The step is renamed for its new channel, the old name kept in the edit.
    """

    kinds: frozenset[StepKind]
    reason_post: ClassVar[str] = (
        "Chuyển bước phải giao, nhận vật phẩm (thẻ, con dấu, bản chính) sang dịch vụ bưu "
        "chính công ích thay cho đến trực tiếp"
    )
    reason_post_en: ClassVar[str] = (
        "Hand over the physical item (card, seal, original) by public post instead of in person"
    )

    def _proposals(self, G: ProcedureGraph, channel: Channel) -> Iterable[Proposal]:
        for node, attrs in steps_of(G):
            if (
                attrs["channel"] != Channel.in_person
                or not self.kinds.intersection(attrs["roles"])
                or attrs["mandatory"]
                or attrs["presence"]
            ):
                continue
            new = Channel.post if physical_items(G, node) else channel
            old_name = attrs["name"]
            new_name = renamed(old_name, StepKind(attrs["kind"]), new)
            effect = Effect(visits=int(is_visit(G, node)))
            edit = SwitchChannel(node, Channel.in_person, new, old_name, new_name)
            yield self.change(
                (node,),
                f"«{old_name}» → «{new_name}»",
                f"“{old_name}” → “{new_name}”",
                effect=effect,
                edits=(edit,),
                reasons=None if new is channel else (self.reason_post, self.reason_post_en),
            )
