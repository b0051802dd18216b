"""What a procedure costs its applicant in đồng (Standard Cost Model), and its online readiness.

Cost of one dossier = hours the applicant spends * hourly income + travel +
copies + fees: the official method's cost of one compliance (Circular
02/2017/TT-VPCP, Art. 27: the work the applicant must do, valued as Circular
07/2014/TT-BTP's Standard Cost Model does, plus fees); a year's cost is that times
the dossiers a year (times per subject × subjects, `models.official_cost`). The
parameters are in catalog/cost_settings.yaml. Activities: learning the requirements, preparing
each document, the applicant's own steps, travelling to and waiting at an
office, supplementing; each weighted by how often it runs (loops, branches).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.graph import (
    ProcedureGraph,
    actors_of,
    documents_of,
    header_of,
    physical_items,
    step_of,
    steps_of,
    submitted_documents,
)
from models.metrics import expected_total, trip_starts, visits
from models.procedure import ActorKind, Channel, StepKind

__all__ = [
    "ComplianceCost",
    "CostSettings",
    "OnlineShare",
    "Readiness",
    "compliance_cost",
    "readiness",
]


class OnlineShare(BaseModel):
    """The share of a procedure's dossiers that go online, today and as the target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    today: float = Field(ge=0, le=1)
    target: float = Field(ge=0, le=1)


class CostSettings(BaseModel):
    """The assumptions behind every đồng figure (catalog/cost_settings.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    currency: str = "VND"
    hourly_income_vnd: int = Field(ge=0)
    hourly_income_figures: dict[str, int] = Field(default_factory=dict)
    """Average hourly incomes by source, when sources disagree: the official method takes
    the lower average (Circular 02/2017/TT-VPCP, Art. 27), so `hourly_income_vnd` must
    then be the lowest of them."""
    learning_hours: float = Field(ge=0)
    document_hours: float = Field(ge=0)
    document_hours_by_id: dict[str, float] = Field(default_factory=dict)
    copy_vnd: int = Field(ge=0)
    travel_vnd: int = Field(ge=0)
    travel_hours: float = Field(ge=0)
    waiting_hours: float = Field(ge=0)
    online_share_today: float = Field(default=0.0, ge=0, le=1)
    """The share of dossiers filed online today (before): 0 treats the as-is model as the
    only channel."""
    online_share_target: float = Field(default=1.0, ge=0, le=1)
    """The share of dossiers expected online once the proposal is in force (after)."""
    online_shares: dict[str, OnlineShare] = Field(default_factory=dict)
    """Overrides by procedure code."""

    @model_validator(mode="after")
    def _lower_average(self) -> CostSettings:
        if self.hourly_income_figures:
            source, lowest = min(self.hourly_income_figures.items(), key=lambda item: item[1])
            if self.hourly_income_vnd != lowest:
                raise ValueError(
                    f"hourly_income_vnd is {self.hourly_income_vnd:,}, but where sources "
                    f"disagree the official method takes the lower average: {lowest:,} "
                    f"({source}); set hourly_income_vnd to it"
                )
        return self

    def online_share(self, code: str) -> OnlineShare:
        """Today's and the target online share of procedure `code`."""
        return self.online_shares.get(
            code, OnlineShare(today=self.online_share_today, target=self.online_share_target)
        )


class ComplianceCost(BaseModel):
    """The applicant's cost of one dossier, in parts, and of a year's dossiers."""

    hours: float
    """Expected hours the applicant spends on one dossier."""
    time_vnd: int
    travel_vnd: int
    copies_vnd: int
    fees_vnd: int
    per_dossier_vnd: int
    per_year_vnd: int
    settings_version: str


def _doing(G: ProcedureGraph, kind: StepKind) -> list[str]:
    """The steps that do work of `kind`, merged steps included."""
    return [node for node, attrs in steps_of(G) if kind in attrs["roles"]]


def _pays_online(G: ProcedureGraph) -> bool:
    """Whether the applicant pays online: no payment (or, without one, submission) in person."""
    pays = _doing(G, StepKind.pay) or _doing(G, StepKind.submit)
    return all(step_of(G, n)["channel"] != Channel.in_person for n in pays)


def compliance_cost(G: ProcedureGraph, settings: CostSettings) -> ComplianceCost:
    """The Standard-Cost-Model cost of procedure graph `G` for its applicant."""
    documents, actors, starts = documents_of(G), actors_of(G), trip_starts(G)
    prepare, per_document = settings.document_hours_by_id, settings.document_hours
    trip_hours = settings.travel_hours + settings.waiting_hours
    hours: dict[str, float] = {}
    travel: dict[str, float] = {}
    copies: dict[str, float] = {}
    for node, attrs in steps_of(G):
        own = attrs["hours"] if actors[attrs["actor"]]["kind"] == ActorKind.applicant else 0.0
        trip = node in starts
        preparing = sum(prepare.get(doc, per_document) for doc in attrs["documents"])
        hours[node] = own + preparing + trip * trip_hours
        travel[node] = trip * settings.travel_vnd
        copies[node] = sum(documents[doc].get("copies", 1) for doc in attrs["documents"]) * (
            settings.copy_vnd
        )
    total_hours = settings.learning_hours + expected_total(G, hours)
    fees = header_of(G)["fees_vnd"]
    parts = {
        "time_vnd": round(total_hours * settings.hourly_income_vnd),
        "travel_vnd": round(expected_total(G, travel)),
        "copies_vnd": round(expected_total(G, copies)),
        "fees_vnd": fees["online"] if _pays_online(G) else fees["in_person"],
    }
    per_dossier = sum(parts.values())
    return ComplianceCost(
        hours=round(total_hours, 3),
        **parts,
        per_dossier_vnd=per_dossier,
        per_year_vnd=per_dossier * header_of(G)["annual_volume"],
        settings_version=settings.version,
    )


class Readiness(BaseModel):
    """The online-service indicators (Decision 766/QĐ-TTg) a procedure's design decides."""

    full_online: bool
    """No trip to an office left (toàn trình)."""
    online_payment: bool | None
    """Fees payable online; None when the procedure has no fee."""
    electronic_result: bool
    """Every result handed back online, none of them a physical object (a card posted
    to the applicant is not an electronic result)."""
    documents_reused: int
    """Documents a connected data source holds that the applicant no longer submits."""
    documents_submitted: int


def readiness(G: ProcedureGraph, connected_sources: frozenset[str]) -> Readiness:
    """The online readiness of procedure graph `G` given the connected data sources."""
    fees = header_of(G)["fees_vnd"]
    submitted = submitted_documents(G)
    returns = _doing(G, StepKind.return_)
    return Readiness(
        full_online=visits(G) == 0,
        online_payment=_pays_online(G) if fees["in_person"] or fees["online"] else None,
        electronic_result=bool(returns)
        and all(
            step_of(G, n)["channel"] == Channel.online and not physical_items(G, n) for n in returns
        ),
        documents_reused=sum(
            1
            for doc_id, doc in documents_of(G).items()
            if doc.get("held_by") in connected_sources and doc_id not in submitted
        ),
        documents_submitted=len(submitted),
    )
