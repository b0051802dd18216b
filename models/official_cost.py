"""Compliance cost and benefit as official plans state them.

Two methods, and every figure says which it uses:

- `circular_02` — Circular 02/2017/TT-VPCP, Art. 27: the cost of one compliance is the
  cost of the work the applicant must do plus fees and other prescribed costs; the
  annual cost is that × times required a year per subject × subjects a year; the
  benefit is current − after; no opportunity cost. The work is valued as the Standard
  Cost Model does (`models.costs`: hours × hourly income, travel, copies), so one
  compliance here is one dossier there, and subjects × times is the annual volume.
- `processing_days` — the provincial practice seen in 2025 decisions (Đồng Nai QĐ
  2816/QĐ-UBND): processing days × 8 h × hourly income × dossiers a year. It prices the
  agency's processing time as the applicant's cost; some provinces report that way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from models.procedure import HOURS_PER_DAY

__all__ = [
    "Benefit",
    "CostMethod",
    "OfficialCost",
    "benefit",
    "proposed_days",
]


class CostMethod(StrEnum):
    circular_02 = "circular_02"
    processing_days = "processing_days"


@dataclass(frozen=True)
class OfficialCost:
    """The cost of a procedure at one moment, by one method."""

    method: CostMethod
    per_compliance_vnd: int
    """One compliance: the applicant's work and fees (circular_02), or the processing
    days priced at the hourly income (processing_days)."""
    times_per_subject: float
    """Times one subject must comply a year."""
    subjects_per_year: float
    per_year_vnd: int


@dataclass(frozen=True)
class Benefit:
    """What a plan saves a year, in đồng and in processing days."""

    method: CostMethod
    before: OfficialCost
    after: OfficialCost
    days_before: float
    days_after: float

    @property
    def saving_vnd(self) -> int:
        return self.before.per_year_vnd - self.after.per_year_vnd

    @property
    def saving_percent(self) -> float:
        """The cut in percent of the current cost, one decimal."""
        base = self.before.per_year_vnd
        return 0.0 if base == 0 else round(100 * self.saving_vnd / base, 1)

    @property
    def days_saved(self) -> float:
        return round(self.days_before - self.days_after, 2)

    @property
    def days_percent(self) -> float:
        return 0.0 if not self.days_before else round(100 * self.days_saved / self.days_before, 1)


def proposed_days(statutory_days: float, lead_time_days: float) -> float:
    """The processing time a plan proposes: the modelled time after the changes, rounded
    up to the half working day that internal-process tables count in, and never more
    than the statutory time.

    >>> proposed_days(7, 4.2), proposed_days(1, 1.6), proposed_days(3, 0)
    (4.5, 1, 0.5)
    """
    halves = max(1, math.ceil(round(lead_time_days * 2, 6)))
    return min(statutory_days, halves / 2)


def _cost(
    method: CostMethod,
    per_dossier_vnd: int,
    days: float,
    hourly_income_vnd: int,
    annual_volume: int,
    times_per_subject: float,
) -> OfficialCost:
    if method is CostMethod.circular_02:
        per_compliance = per_dossier_vnd
    else:
        per_compliance = round(days * HOURS_PER_DAY * hourly_income_vnd)
    return OfficialCost(
        method=method,
        per_compliance_vnd=per_compliance,
        times_per_subject=times_per_subject,
        subjects_per_year=annual_volume / times_per_subject,
        per_year_vnd=per_compliance * annual_volume,
    )


def benefit(
    method: CostMethod,
    per_dossier_vnd: tuple[int, int],
    days: tuple[float, float],
    hourly_income_vnd: int,
    annual_volume: int,
    times_per_subject: float = 1.0,
) -> Benefit:
    """The plan's benefit: `per_dossier_vnd` and `days` are (current, after); the annual
    volume is times per subject × subjects, so the annual cost is per compliance × volume.

    >>> b = benefit(CostMethod.processing_days, (0, 0), (10, 9), 40_000, 10)
    >>> b.before.per_year_vnd, b.after.per_year_vnd, b.saving_percent
    (32000000, 28800000, 10.0)
    """
    if times_per_subject <= 0:
        raise ValueError(f"times a year per subject must be positive, not {times_per_subject}")
    before, after = (
        _cost(method, cost, day, hourly_income_vnd, annual_volume, times_per_subject)
        for cost, day in zip(per_dossier_vnd, days, strict=True)
    )
    return Benefit(method, before, after, days[0], days[1])
