"""The catalogue of simplification rules, registered explicitly."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

from models.errors import UnknownRule
from rules.base import Change, ChangeKey, Effect, Proposal, Rule, RuleContext
from rules.CH01 import OnlineSubmission
from rules.CH02 import OnlinePayment
from rules.CH03 import ElectronicResult
from rules.CH04 import ElectronicInterconnection
from rules.DO01 import DocumentHeldBySource
from rules.DO02 import AutomaticLookup
from rules.DO03 import NothingLeftToCheck
from rules.FL01 import SingleBranchDecision
from rules.FL02 import NeverRunSteps
from rules.ST01 import PassThroughTransfer
from rules.ST02 import SameActorMerge
from rules.ST03 import DuplicateCheck
from rules.ST04 import SuccessiveApprovals
from rules.ST05 import ParallelIndependentSteps

__all__ = [
    "CATALOGUE",
    "RULES_VERSION",
    "Change",
    "ChangeKey",
    "Effect",
    "Proposal",
    "Rule",
    "RuleCode",
    "RuleContext",
    "get_rules",
]

RULES_VERSION = "7"
"""Bump when a rule's behaviour changes, so stored analyses are redone."""


CATALOGUE: tuple[type[Rule], ...] = (
    NeverRunSteps,
    SingleBranchDecision,
    PassThroughTransfer,
    DocumentHeldBySource,
    NothingLeftToCheck,
    AutomaticLookup,
    DuplicateCheck,
    SuccessiveApprovals,
    OnlineSubmission,
    OnlinePayment,
    ElectronicResult,
    ElectronicInterconnection,
    SameActorMerge,
    ParallelIndependentSteps,
)
"""Every rule, in the order the engine asks them."""

RuleCode = Literal[
    "FL02", "FL01", "ST01", "DO01", "DO03", "DO02", "ST03", "ST04", "CH01", "CH02", "CH03",
    "CH04", "ST02", "ST05",
]  # fmt: skip
"""A rule of the catalogue, as a type (the Prefect forms' dropdown); the same codes in the
same order as `CATALOGUE`:

>>> from typing import get_args
>>> list(get_args(RuleCode)) == [rule.code for rule in CATALOGUE]
True
"""


def get_rules(
    select: Collection[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Rule]:
    """Return the catalogue's rules, optionally only some codes or groups, with parameters.

    `params` maps a rule code to its parameters; the others keep their defaults.

    >>> [rule.code for rule in get_rules(["flow"])]
    ['FL02', 'FL01']
    >>> get_rules(["ST05"], {"ST05": {"include_mandatory": True}})[0].params.include_mandatory
    True
    """
    params = params or {}
    codes = {rule.code for rule in CATALOGUE}
    known = ", ".join(sorted(codes | {g for rule in CATALOGUE for g in rule.groups}))
    unknown = (set(select or ()) | set(params)) - codes - {g for r in CATALOGUE for g in r.groups}
    if unknown:
        raise UnknownRule(f"unknown rule or group {sorted(unknown)}: use one of {known}")
    chosen = [
        rule
        for rule in CATALOGUE
        if select is None or rule.code in select or set(rule.groups) & set(select)
    ]
    return [rule(**params.get(rule.code, {})) for rule in chosen]
