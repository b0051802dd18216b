"""The consolidated review report's content: measures per procedure and totals (pure data).

`publishing/report_files.py` writes it as HTML, XLSX, CSV and Markdown; every
format shows the same numbers, taken from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from analysis.result import AnalysisResult, ResultView
from analysis.review import ReviewDecision
from diagrams.figures import slug
from models.costs import CostSettings
from models.graph import Header
from publishing.labels import LABELS, Lang

__all__ = [
    "TOTALLED",
    "ProcedureReport",
    "Published",
    "Report",
    "assemble_report",
    "in_catalogue_order",
    "page_of",
    "procedure_report",
    "totals",
]

TOTALLED = (
    "steps",
    "handoffs",
    "visits",
    "documents",
    "lead_time_days",
    "cost_per_year_vnd",
    "expected_visits",
    "expected_cost_per_year_vnd",
)
"""The measures summed over the selection: the design's counts and best cases, then the
expected figures over channels and missing data."""


def page_of(code: str) -> str:
    """A procedure's page, relative to a publication's folder."""
    return f"procedures/{slug(code)}.html"


class Published(ResultView):
    """An analysis result as a publication lists it, with a page of its own."""

    @property
    def page(self) -> str:
        """Its page, relative to the publication's folder."""
        return page_of(self.code)


@dataclass(frozen=True)
class ProcedureReport(Published):
    """One procedure's row: its analysis and its header's figures."""

    result: AnalysisResult
    annual_volume: int
    statutory_days: float
    review: ReviewDecision | None = None
    """The decision the row's figures rest on (its approved version); None: the
    engine's proposal, not reviewed yet."""

    def basis(self, lang: Lang) -> str:
        """Which version the row states, in `lang`."""
        if self.review is None:
            return LABELS[lang]["basis_proposal"]
        return LABELS[lang]["basis_reviewed"].format(reviewer=self.review.reviewer)


Entry = TypeVar("Entry", bound=Published)


def in_catalogue_order(entries: Iterable[Entry]) -> list[Entry]:
    """The entries in catalogue order: the essential services by number, then by code."""
    return sorted(entries, key=lambda e: (e.essential is None, e.essential or 0, e.code))


def totals(entries: Iterable[ResultView]) -> dict[str, dict[str, float]]:
    """{"before": {measure: total}, "after": {...}} over `TOTALLED`."""
    listed = list(entries)
    return {
        moment: {
            key: round(sum(getattr(getattr(e, moment), key) or 0 for e in listed), 3)
            for key in TOTALLED
        }
        for moment in ("before", "after")
    }


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


def procedure_report(
    header: Header, result: AnalysisResult, review: ReviewDecision | None = None
) -> ProcedureReport:
    """One procedure's row: its file's header and its analysis (of its approved version
    when `review` decided its proposal)."""
    return ProcedureReport(result, header["annual_volume"], header["statutory_days"], review)


def assemble_report(
    rows: Sequence[ProcedureReport], costs: CostSettings, rules_version: str
) -> Report:
    """The rows in catalogue order (essential services first), with their totals."""
    ordered = in_catalogue_order(rows)
    return Report(ordered, totals(ordered), costs, rules_version)
