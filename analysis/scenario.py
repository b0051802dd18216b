"""Scenarios: runs that depart from the official analysis (only some rules, or data
sources taken as connected that the registry says are not). Their outputs live apart
and never change an official file, an official page or the store's analyses."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from rules import CATALOGUE

__all__ = ["SCENARIOS_DIR", "Scenario", "scenario_of"]

SCENARIOS_DIR = "scenarios"
"""Under the output folder: one folder per scenario."""


@dataclass(frozen=True)
class Scenario:
    """What a run changes from the official analysis."""

    rules: tuple[str, ...] = ()
    """The only rules applied (codes, catalogue order); empty: all of them."""
    connect: tuple[str, ...] = ()
    """Data sources taken as connected besides those the registry marks connected."""

    @property
    def key(self) -> str:
        """A stable name for its folder and its pages in the UI (a-z, 0-9, dashes).

        >>> Scenario(("CH01",)).key == Scenario(("CH01",)).key != Scenario(connect=("x",)).key
        True
        """
        described = ";".join((",".join(self.rules), ",".join(self.connect)))
        return "scenario-" + hashlib.sha256(described.encode("utf-8")).hexdigest()[:10]

    @property
    def folder(self) -> str:
        """Its folder, relative to the output folder."""
        return f"{SCENARIOS_DIR}/{self.key}"


def scenario_of(rules: Collection[str] | None, connect: Collection[str]) -> Scenario | None:
    """The scenario a run with these rules (codes; None or empty: all) and extra connected
    sources is, or None when it is the official analysis.

    >>> scenario_of(None, ()) is None, scenario_of([r.code for r in CATALOGUE], ()) is None
    (True, True)
    >>> scenario_of(["CH01", "FL02"], ["land_db"])
    Scenario(rules=('FL02', 'CH01'), connect=('land_db',))
    """
    codes = set(rules or ())
    every = {rule.code for rule in CATALOGUE}
    subset = tuple(r.code for r in CATALOGUE if r.code in codes) if codes < every else ()
    if codes and not codes <= every:
        subset = tuple(sorted(codes))  # groups or unknown codes: get_rules judges them
    if not subset and not connect:
        return None
    return Scenario(subset, tuple(sorted(set(connect))))
