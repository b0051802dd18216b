"""A plan checks its own arithmetic before any document is written: official plans of
2025 contain slips such as "saves 1 day" for a 5 → 3 day cut, and one such line costs
the whole document its credibility."""

from __future__ import annotations

import math

from analysis.plan import ProcedurePlan
from models.official_cost import Benefit, OfficialCost

__all__ = ["plan_problems"]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.006)


def _cost_problems(name: str, cost: OfficialCost, volume: int) -> list[str]:
    problems = []
    if cost.per_year_vnd != cost.per_compliance_vnd * volume:
        problems.append(
            f"{name}: annual cost {cost.per_year_vnd:,} đ is not the cost of one compliance "
            f"{cost.per_compliance_vnd:,} đ × {volume:,} a year"
        )
    if not _close(cost.times_per_subject * cost.subjects_per_year, volume):
        problems.append(
            f"{name}: {cost.times_per_subject:g} times × {cost.subjects_per_year:g} subjects "
            f"is not the annual volume {volume:,}"
        )
    return problems


def _benefit_problems(benefit: Benefit, volume: int) -> list[str]:
    method = benefit.method.value
    problems = [
        *_cost_problems(f"{method} cost before", benefit.before, volume),
        *_cost_problems(f"{method} cost after", benefit.after, volume),
    ]
    saving = benefit.before.per_year_vnd - benefit.after.per_year_vnd
    if benefit.saving_vnd != saving:
        problems.append(f"{method}: saving {benefit.saving_vnd:,} đ is not before − after")
    base = benefit.before.per_year_vnd
    percent = round(100 * saving / base, 1) if base else 0.0
    if not _close(benefit.saving_percent, percent):
        problems.append(f"{method}: saving {benefit.saving_percent} % should be {percent} %")
    if not _close(benefit.days_saved, benefit.days_before - benefit.days_after):
        problems.append(
            f"{method}: time cut {benefit.days_saved} days is not "
            f"{benefit.days_before} − {benefit.days_after}"
        )
    if benefit.days_after > benefit.days_before:
        problems.append(
            f"{method}: proposed time {benefit.days_after} days is longer than the "
            f"statutory {benefit.days_before}"
        )
    return problems


def plan_problems(plan: ProcedurePlan) -> list[str]:
    """Every figure of `plan` that does not add up, named; empty when all do."""
    header = plan.header
    volume = header["annual_volume"]
    problems = [p for b in plan.benefits.values() for p in _benefit_problems(b, volume)]
    benefit = plan.benefit
    if not _close(benefit.days_before, header["statutory_days"]):
        problems.append(
            f"time before {benefit.days_before} days is not the statutory "
            f"{header['statutory_days']} days"
        )
    for table, rows in (("before", plan.process_before), ("after", plan.process_after)):
        numbers = [row.number for row in rows]
        if numbers != list(range(1, len(rows) + 1)):
            problems.append(f"internal process {table}: steps numbered {numbers}, not 1…n")
    total = plan.total_days_after
    if benefit.days_after and total > benefit.days_after + 1e-9:
        problems.append(
            f"internal process after: its steps take {total} days, more than the proposed "
            f"{benefit.days_after} days"
        )
    for moment in ("before", "after"):
        measures = getattr(plan.result, moment)
        if measures.cost_per_year_vnd != measures.cost_per_dossier_vnd * volume:
            problems.append(
                f"cost per year {moment} {measures.cost_per_year_vnd:,} đ is not "
                f"{measures.cost_per_dossier_vnd:,} đ × {volume:,} dossiers"
            )
    if len(plan.changes) != len(plan.result.changes):
        problems.append(
            f"{len(plan.changes)} proposals for {len(plan.result.changes)} changes analysed"
        )
    return [f"{header['code']}: {problem}" for problem in problems]
