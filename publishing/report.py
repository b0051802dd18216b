"""The consolidated review report's content: measures per procedure and totals (pure data).

`publishing/report_files.py` writes it as HTML, XLSX, CSV and Markdown; every
format shows the same numbers, taken from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.result import AnalysisResult, ResultView
from diagrams.figures import slug
from models.costs import CostSettings
from models.graph import Header

__all__ = ["TOTALLED", "ProcedureReport", "Report", "assemble_report", "procedure_report"]

TOTALLED = ("steps", "handoffs", "visits", "documents", "lead_time_days", "cost_per_year_vnd")
"""The measures summed over the selection."""


@dataclass(frozen=True)
class ProcedureReport(ResultView):
    """One procedure's row: its analysis and its header's figures."""

    result: AnalysisResult
    annual_volume: int
    statutory_days: float

    @property
    def page(self) -> str:
        return f"procedures/{slug(self.code)}.html"


@dataclass(frozen=True)
class Report:
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


def procedure_report(header: Header, result: AnalysisResult) -> ProcedureReport:
    """One procedure's row: its file's header and its analysis."""
    return ProcedureReport(result, header["annual_volume"], header["statutory_days"])


def assemble_report(
    rows: Sequence[ProcedureReport], costs: CostSettings, rules_version: str
) -> Report:
    """The rows in catalogue order (essential services first), with their totals."""
    ordered = sorted(rows, key=lambda r: (r.essential is None, r.essential or 0, r.code))
    totals = {
        moment: {
            key: round(sum(getattr(getattr(r, moment), key) for r in ordered), 3)
            for key in TOTALLED
        }
        for moment in ("before", "after")
    }
    return Report(procedures=ordered, totals=totals, costs=costs, rules_version=rules_version)
