"""The consolidated review report's content: measures per procedure and totals (pure data).

`tthc/report_files.py` writes it as HTML, XLSX, CSV and Markdown; every
format shows the same numbers, taken from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from diagrams.figures import slug
from models.costs import CostSettings
from models.measures import Measures, measures
from tthc.pipeline import ProcedureAnalysis

__all__ = [
    "TOTALLED",
    "Change",
    "ProcedureReport",
    "Report",
    "build_report",
]

TOTALLED = ("steps", "handoffs", "visits", "documents", "lead_time_days", "cost_per_year_vnd")
"""The measures summed over the selection."""


class Change(BaseModel):
    rule: str
    steps: list[str]
    reason: str
    reason_en: str


class ProcedureReport(BaseModel):
    code: str
    name: str
    essential: int | None
    annual_volume: int
    statutory_days: float
    before: Measures
    after: Measures
    changes: list[Change]

    @property
    def page(self) -> str:
        return f"procedures/{slug(self.code)}.html"


class Report(BaseModel):
    """The report for a selection of procedures, with the assumptions it rests on."""

    procedures: list[ProcedureReport]
    totals: dict[str, dict[str, float]]
    """{"before": {measure: total}, "after": {...}} over `TOTALLED`."""
    costs: CostSettings
    rules_version: str

    def change_percent(self, measure: str) -> float:
        """The change of a totalled measure, in percent of its value before (negative: less)."""
        before = self.totals["before"][measure]
        return 0.0 if before == 0 else (self.totals["after"][measure] - before) / before * 100


def build_report(
    analyses: Sequence[ProcedureAnalysis],
    costs: CostSettings,
    connected: frozenset[str],
    rules_version: str,
) -> Report:
    """The report over `analyses`, in catalogue order (essential services first)."""
    rows = []
    for analysis in analyses:
        header = analysis.before.graph["header"]
        rows.append(
            ProcedureReport(
                code=analysis.code,
                name=analysis.name,
                essential=header["essential"],
                annual_volume=header["annual_volume"],
                statutory_days=header["statutory_days"],
                before=measures(analysis.before, costs, connected),
                after=measures(analysis.outcome.after, costs, connected),
                changes=[
                    Change(rule=c.rule, steps=list(c.steps), reason=c.reason, reason_en=c.reason_en)
                    for c in analysis.outcome.changes
                ],
            )
        )
    rows.sort(key=lambda r: (r.essential is None, r.essential or 0, r.code))
    totals = {
        moment: {
            key: round(sum(getattr(getattr(r, moment), key) for r in rows), 3) for key in TOTALLED
        }
        for moment in ("before", "after")
    }
    return Report(procedures=rows, totals=totals, costs=costs, rules_version=rules_version)
