"""The consolidated review report's content: measures per procedure and totals (pure data).

`tthc/report_files.py` writes it as HTML, XLSX, CSV and Markdown; every
format shows the same numbers, taken from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

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
    "assemble_report",
    "build_report",
    "procedure_report",
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
    rows = [
        procedure_report(
            analysis.before.graph["header"],
            measures(analysis.before, costs, connected),
            measures(analysis.outcome.after, costs, connected),
            [asdict(change) for change in analysis.outcome.changes],
        )
        for analysis in analyses
    ]
    return assemble_report(rows, costs, rules_version)


def procedure_report(
    header: Mapping[str, Any], before: Measures, after: Measures, changes: list[dict[str, Any]]
) -> ProcedureReport:
    """One procedure's row: its file's header, its measures and its changes."""
    return ProcedureReport(
        code=header["code"],
        name=header["name"],
        essential=header["essential"],
        annual_volume=header["annual_volume"],
        statutory_days=header["statutory_days"],
        before=before,
        after=after,
        changes=[
            Change(
                rule=c["rule"], steps=list(c["steps"]), reason=c["reason"], reason_en=c["reason_en"]
            )
            for c in changes
        ],
    )


def assemble_report(rows: list[ProcedureReport], costs: CostSettings, rules_version: str) -> Report:
    """The rows in catalogue order (essential services first), with their totals."""
    rows = sorted(rows, key=lambda r: (r.essential is None, r.essential or 0, r.code))
    totals = {
        moment: {
            key: round(sum(getattr(getattr(r, moment), key) for r in rows), 3) for key in TOTALLED
        }
        for moment in ("before", "after")
    }
    return Report(procedures=rows, totals=totals, costs=costs, rules_version=rules_version)
