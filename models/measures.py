"""Everything reported of a procedure graph at one moment: the counted metrics,
expected time, compliance cost and online readiness (a pure function)."""

from __future__ import annotations

from pydantic import BaseModel

from models.costs import CostSettings, compliance_cost, readiness
from models.graph import ProcedureGraph, step_of
from models.lead_time import critical_path, value_added_share
from models.metrics import expected_hours, measure

__all__ = ["Measures", "measures"]


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


def measures(G: ProcedureGraph, costs: CostSettings, connected: frozenset[str]) -> Measures:
    """The report's measures of procedure graph `G`."""
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
    )
