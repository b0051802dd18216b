"""What a province's plans say of one procedure, from its one analysis: the changes and
who can approve them, the internal process before and after, the benefit by the
official method (and the provincial variant), and the impact on applicants and staff.

Pure data: `publishing.plan_docs` writes it as Word and Excel, `publishing.plan_checks`
checks its arithmetic first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from analysis.approval import Approval, approval
from analysis.result import AnalysisResult, ProcedureAnalysis
from models.graph import (
    Header,
    ProcedureGraph,
    actors_of,
    documents_of,
    header_of,
    is_gateway,
    step_of,
    steps_of,
)
from models.lead_time import critical_path
from models.official_cost import Benefit, CostMethod, benefit, proposed_days
from models.procedure import HOURS_PER_DAY, ActorKind
from rules import Change

__all__ = [
    "PlanSettings",
    "ProcedurePlan",
    "ProcessRow",
    "ProposedChange",
    "StaffLoad",
    "plan_of",
    "process_rows",
]


class PlanSettings(BaseModel):
    """How plans state their figures (catalog/plan_settings.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: CostMethod = CostMethod.circular_02
    """The cost method of the plans' figures; the other is shown beside it."""
    roadmap: str = Field(min_length=1, max_length=300)
    """Lộ trình thực hiện, unless `roadmaps` gives one for the procedure."""
    roadmaps: dict[str, str] = Field(default_factory=dict)
    times_per_subject: dict[str, float] = Field(default_factory=dict)
    """Times a year one subject must comply, by procedure code (default 1)."""
    national_target_percent: float = Field(ge=0, le=100)
    """The national target of the cut in time and in cost (Resolution 66/NQ-CP)."""
    highest_published_percent: float = Field(ge=0, le=100)
    highest_published: str = Field(min_length=1, max_length=300)
    """The highest cut of compliance cost published, and by whom."""

    def roadmap_of(self, code: str) -> str:
        return self.roadmaps.get(code, self.roadmap)


@dataclass(frozen=True)
class ProcessRow:
    """One row of an internal-process table (quy trình nội bộ)."""

    number: int
    step: str
    content: str
    responsible: str
    hours: float | None
    """Working hours; None for the applicant's own steps, which the agency's processing
    time does not count."""
    result: str
    """Biểu mẫu/Kết quả: what the step produces, hands over or receives."""

    @property
    def days(self) -> float | None:
        return None if self.hours is None else self.hours / HOURS_PER_DAY


@dataclass(frozen=True)
class ProposedChange:
    change: Change
    approval: Approval


@dataclass(frozen=True)
class StaffLoad:
    """One role's work on a dossier, before and after: steps and hours."""

    role: str
    steps_before: int
    steps_after: int
    hours_before: float
    hours_after: float


@dataclass(frozen=True)
class ProcedurePlan:
    """Everything the simplification plan, the restructuring plan and the internal
    process table say of one procedure."""

    header: Header
    result: AnalysisResult
    changes: tuple[ProposedChange, ...]
    process_before: tuple[ProcessRow, ...]
    process_after: tuple[ProcessRow, ...]
    benefits: Mapping[CostMethod, Benefit]
    method: CostMethod
    """The method the plan's figures use; the other is shown beside it."""
    staff: tuple[StaffLoad, ...]
    settings: PlanSettings

    @property
    def benefit(self) -> Benefit:
        return self.benefits[self.method]

    @property
    def roadmap(self) -> str:
        return self.settings.roadmap_of(self.header["code"])

    @property
    def beyond_highest(self) -> bool:
        """The claimed cut of cost exceeds the highest one ever published: say so."""
        return self.benefit.saving_percent > self.settings.highest_published_percent

    @property
    def total_days_after(self) -> float:
        """The internal process's total in working days: the sum of its counted rows."""
        hours = sum(r.hours for r in self.process_after if r.hours is not None)
        return round(hours / HOURS_PER_DAY, 2)


def process_rows(G: ProcedureGraph) -> tuple[ProcessRow, ...]:
    """The internal process a typical dossier follows (`critical_path`), one row per step
    that does work; decisions and parallel gateways are not steps of the table."""
    actors = actors_of(G)
    documents = documents_of(G)
    rows: list[ProcessRow] = []
    for node in critical_path(G):
        if is_gateway(G, node):
            continue
        step = step_of(G, node)
        actor = actors[step["actor"]]
        own = actor["kind"] == ActorKind.applicant
        named = [*step["documents"], *step["produces"], *step["carries"]]
        rows.append(
            ProcessRow(
                number=len(rows) + 1,
                step=node,
                content=step["name"],
                responsible=actor["name"],
                hours=None if own else step["hours"],
                result="; ".join(dict.fromkeys(documents[d]["name"] for d in named)),
            )
        )
    return tuple(rows)


def _staff(before: ProcedureGraph, after: ProcedureGraph) -> tuple[StaffLoad, ...]:
    def load(G: ProcedureGraph) -> dict[str, tuple[int, float]]:
        actors = actors_of(G)
        found: dict[str, tuple[int, float]] = {}
        for node, step in steps_of(G):
            actor = actors[step["actor"]]
            if actor["kind"] == ActorKind.applicant or is_gateway(G, node):
                continue
            count, hours = found.get(actor["name"], (0, 0.0))
            found[actor["name"]] = (count + 1, hours + step["hours"])
        return found

    old, new = load(before), load(after)
    return tuple(
        StaffLoad(role, *_pair(old, new, role))
        for role in dict.fromkeys([*old, *new])  # the roles in the order of the steps
    )


def _pair(
    old: dict[str, tuple[int, float]], new: dict[str, tuple[int, float]], role: str
) -> tuple[int, int, float, float]:
    (steps_before, hours_before), (steps_after, hours_after) = (
        old.get(role, (0, 0.0)),
        new.get(role, (0, 0.0)),
    )
    return steps_before, steps_after, round(hours_before, 2), round(hours_after, 2)


def plan_of(
    analysis: ProcedureAnalysis,
    result: AnalysisResult,
    hourly_income_vnd: int,
    settings: PlanSettings,
) -> ProcedurePlan:
    """The plan of one analysed procedure; `result` is `analysis.result(inputs)`, and
    `hourly_income_vnd` the cost settings' (the official method values work with it)."""
    header = header_of(analysis.before)
    after = analysis.outcome.after
    days = (
        header["statutory_days"],
        proposed_days(
            header["statutory_days"],
            result.after.expected_lead_time_days or result.after.lead_time_days,
        ),
    )
    per_dossier = tuple(
        m.expected_cost_per_dossier_vnd or m.cost_per_dossier_vnd
        for m in (result.before, result.after)
    )
    benefits = {
        m: benefit(
            m,
            (per_dossier[0], per_dossier[1]),
            days,
            hourly_income_vnd,
            header["annual_volume"],
            settings.times_per_subject.get(header["code"], 1.0),
        )
        for m in CostMethod
    }
    return ProcedurePlan(
        header=header,
        result=result,
        changes=tuple(ProposedChange(c, approval(c, analysis.before)) for c in result.changes),
        process_before=process_rows(analysis.before),
        process_after=process_rows(after),
        benefits=benefits,
        method=settings.method,
        staff=_staff(analysis.before, after),
        settings=settings,
    )
