"""What-if: what the catalogue gains when a data source is connected. Stores nothing."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from pydantic import BaseModel

from analysis.result import rule_context
from models.costs import CostSettings, compliance_cost
from models.errors import UnknownDataSource
from models.graph import (
    ProcedureGraph,
    content_hash,
    documents_of,
    header_of,
    step_of,
    submitted_documents,
)
from models.metrics import measure
from models.procedure import DataSource
from rules import Rule, RuleContext
from rules.engine import reengineer

__all__ = ["Gain", "ranked", "what_if"]


class Gain(BaseModel):
    """What one procedure gains when the sources are connected."""

    code: str
    name: str
    annual_volume: int
    documents_dropped: list[str]
    """Names of the dossier components the applicant no longer submits."""
    steps_removed: list[str]
    """Names of the steps that go."""
    days_saved_per_dossier: float
    dossier_days_saved_per_year: float
    vnd_saved_per_dossier: int
    vnd_saved_per_year: int


def _contexts(
    sources: Mapping[str, DataSource], connect: Collection[str]
) -> tuple[RuleContext, RuleContext]:
    """The registry without and with the sources `connect`, whatever it says today."""
    unknown = sorted(set(connect) - set(sources))
    if unknown or not connect:
        known = ", ".join(sorted(sources))
        raise UnknownDataSource(f"unknown data source {unknown}: name one of {known}")
    today = rule_context(sources)
    without = RuleContext(
        today.connected_sources - set(connect), today.source_names, today.hit_rates
    )
    with_ = RuleContext(today.connected_sources | set(connect), today.source_names, today.hit_rates)
    return without, with_


def what_if(
    graphs: Iterable[ProcedureGraph],
    sources: Mapping[str, DataSource],
    connect: Collection[str],
    rules: Sequence[Rule],
    costs: CostSettings,
) -> list[Gain]:
    """The procedures that change when `connect` are connected, the most đồng a year first."""
    without, with_ = _contexts(sources, connect)
    gains = []
    for G in graphs:
        before = reengineer(G, rules, without).after
        after = reengineer(G, rules, with_).after
        if content_hash(before) == content_hash(after):
            continue
        header = header_of(G)
        documents = documents_of(G)
        days = measure(before).lead_time_days - measure(after).lead_time_days
        vnd = (
            compliance_cost(before, costs).per_dossier_vnd
            - compliance_cost(after, costs).per_dossier_vnd
        )
        gains.append(
            Gain(
                code=header["code"],
                name=header["name"],
                annual_volume=header["annual_volume"],
                documents_dropped=[
                    documents[d]["name"]
                    for d in sorted(submitted_documents(before) - submitted_documents(after))
                ],
                steps_removed=[step_of(before, n)["name"] for n in before if n not in after],
                days_saved_per_dossier=round(days, 3),
                dossier_days_saved_per_year=round(days * header["annual_volume"], 1),
                vnd_saved_per_dossier=vnd,
                vnd_saved_per_year=vnd * header["annual_volume"],
            )
        )
    return ranked(gains)


def ranked(gains: Iterable[Gain]) -> list[Gain]:
    """The gains, the most đồng a year first, then the most days."""
    return sorted(gains, key=lambda g: (-g.vnd_saved_per_year, -g.days_saved_per_dossier, g.code))
