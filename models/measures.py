"""Everything reported of a procedure graph at one moment: the counted metrics,
expected time, compliance cost and online readiness (a pure function)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from models.costs import ComplianceCost, CostSettings, compliance_cost, readiness
from models.graph import ProcedureGraph, step_of
from models.lead_time import critical_path, value_added_share
from models.metrics import expected_hours, expected_visits, measure
from models.procedure import HOURS_PER_DAY

__all__ = ["ChannelMix", "Measures", "measures"]


@dataclass(frozen=True)
class ChannelMix:
    """The same procedure as online applicants and as the others go through it, and the
    share of dossiers that go online: the expected measures weigh the two."""

    online: ProcedureGraph
    offline: ProcedureGraph
    share: float


class Measures(BaseModel):
    """Everything the report says of one procedure at one moment (before or after)."""

    steps: int
    handoffs: int
    visits: int
    documents: int
    lead_time_days: float
    value_added_share: float
    cost_per_dossier_vnd: int
    cost_per_year_vnd: int
    full_online: bool
    online_payment: bool | None
    electronic_result: bool
    documents_reused: int
    critical_path: list[str]
    """Names of the steps a typical dossier waits on."""
    online_share: float | None = None
    """The share of dossiers assumed online in the expected figures below."""
    expected_visits: float | None = None
    """Trips per dossier, expected over channels, send-backs and missing data."""
    expected_lead_time_days: float | None = None
    expected_cost_per_dossier_vnd: int | None = None
    expected_cost_per_year_vnd: int | None = None


def measures(
    G: ProcedureGraph,
    costs: CostSettings,
    connected: frozenset[str],
    mix: ChannelMix | None = None,
) -> Measures:
    """The report's measures of procedure graph `G`; with `mix` (`G` is one of its two
    graphs), the expected figures over the two channels as well."""
    lead_hours = expected_hours(G)
    metrics = measure(G, lead_hours)
    cost = compliance_cost(G, costs)
    ready = readiness(G, connected)
    return Measures(
        **metrics.model_dump(),
        value_added_share=round(value_added_share(G, lead_hours), 3),
        cost_per_dossier_vnd=cost.per_dossier_vnd,
        cost_per_year_vnd=cost.per_year_vnd,
        full_online=ready.full_online,
        online_payment=ready.online_payment,
        electronic_result=ready.electronic_result,
        documents_reused=ready.documents_reused,
        critical_path=[step_of(G, n)["name"] for n in critical_path(G)],
        **(_expected(mix, costs, (G, cost, lead_hours)) if mix is not None else {}),
    )


def _expected(
    mix: ChannelMix, costs: CostSettings, known: tuple[ProcedureGraph, ComplianceCost, float]
) -> dict[str, float | int]:
    """Visits, days and cost weighted by the share of dossiers through each channel; the
    cost and hours of the graph `known` (one of the two) are not computed again."""
    share = mix.share

    def weigh(online: float, offline: float) -> float:
        return share * online + (1 - share) * offline

    def cost(H: ProcedureGraph) -> ComplianceCost:
        return known[1] if H is known[0] else compliance_cost(H, costs)

    def hours(H: ProcedureGraph) -> float:
        return known[2] if H is known[0] else expected_hours(H)

    online, offline = cost(mix.online), cost(mix.offline)
    return {
        "online_share": share,
        "expected_visits": round(
            weigh(expected_visits(mix.online), expected_visits(mix.offline)), 3
        ),
        "expected_lead_time_days": round(
            weigh(hours(mix.online), hours(mix.offline)) / HOURS_PER_DAY, 3
        ),
        "expected_cost_per_dossier_vnd": round(
            weigh(online.per_dossier_vnd, offline.per_dossier_vnd)
        ),
        "expected_cost_per_year_vnd": round(weigh(online.per_year_vnd, offline.per_year_vnd)),
    }
