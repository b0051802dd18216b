"""The catalogue of simplification rules, registered explicitly."""

from __future__ import annotations

from rules.base import Change, Proposal, Rule, RuleContext
from rules.CH01 import OnlineSubmission
from rules.CH02 import OnlinePayment
from rules.CH03 import ElectronicResult
from rules.DO01 import DocumentHeldBySource
from rules.DO02 import AutomaticLookup
from rules.ST01 import PassThroughTransfer
from rules.ST02 import SameActorMerge

__all__ = ["RULES_VERSION", "Change", "Proposal", "Rule", "RuleContext", "get_rules"]

RULES_VERSION = "3"
"""Bump when a rule's behaviour changes, so stored analyses are redone."""


def get_rules(select: list[str] | None = None) -> list[Rule]:
    """Return the rules in the order the engine asks them, optionally only codes or groups."""
    rules: list[Rule] = [
        PassThroughTransfer(),
        DocumentHeldBySource(),
        AutomaticLookup(),
        OnlineSubmission(),
        OnlinePayment(),
        ElectronicResult(),
        SameActorMerge(),
    ]
    if select is None:
        return rules
    unknown = set(select) - {r.code for r in rules} - {g for r in rules for g in r.groups}
    if unknown:
        known = ", ".join(r.code for r in rules)
        raise ValueError(f"unknown rule or group {sorted(unknown)}: use one of {known}")
    return [r for r in rules if r.code in select or set(r.groups) & set(select)]
