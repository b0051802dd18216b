"""The procedure as a typed domain object: what a procedure file (format v1) holds."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "GATEWAY_KINDS",
    "HOURS_PER_DAY",
    "Act",
    "Actor",
    "ActorKind",
    "Channel",
    "CodeStatus",
    "DataSource",
    "Document",
    "Fees",
    "Flow",
    "Level",
    "Presence",
    "Procedure",
    "Step",
    "StepKind",
]

HOURS_PER_DAY = 8.0
"""One working day, in hours."""


class ActorKind(StrEnum):
    applicant = "applicant"
    one_stop = "one_stop"
    specialist = "specialist"
    leader = "leader"
    external_agency = "external_agency"
    system = "system"


class StepKind(StrEnum):
    submit = "submit"
    receive = "receive"
    check = "check"
    transfer = "transfer"
    appraise = "appraise"
    verify = "verify"
    approve = "approve"
    sign = "sign"
    issue = "issue"
    pay = "pay"
    return_ = "return"
    notify = "notify"
    wait = "wait"
    decide = "decide"
    parallel = "parallel"
    join_ = "join"


GATEWAY_KINDS = frozenset({StepKind.decide, StepKind.parallel, StepKind.join_})
"""Kinds that route the flow and do no work."""


class Channel(StrEnum):
    in_person = "in_person"
    online = "online"
    post = "post"
    internal = "internal"


class Level(StrEnum):
    province = "province"
    commune = "commune"
    district = "district"  # legacy: before the two-tier local government of July 2025


class CodeStatus(StrEnum):
    """How sure the procedure's code is: the report says so rather than show a guess."""

    confirmed = "confirmed"
    unconfirmed = "unconfirmed"
    """A candidate code not found on the national portal or a decision publishing it."""
    not_tthc = "not_tthc"
    """Not an administrative procedure (a utility's service, a payment): no national code."""


class Act(StrEnum):
    """A legal act a step performs in its actor's own competence: it is never deleted."""

    request = "request"
    submission = "submission"
    decision = "decision"
    notice = "notice"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Actor(_Strict):
    name: str = Field(min_length=1)
    kind: ActorKind
    agency: str | None = Field(default=None, min_length=1)
    """The agency whose competence the actor acts in, when it is not the procedure's own
    (an `external_agency` actor is always an agency of its own)."""


class Document(_Strict):
    name: str = Field(min_length=1)
    copies: int = Field(default=1, ge=0)
    held_by: str | None = None
    """Id of a data source that holds the same information."""
    physical: bool | None = None
    """True for a physical object (a card, a booklet, a seal, plates, cash, an original
    to present): it can be carried or posted, never sent online."""


class Presence(_Strict):
    """Why a step needs the person there (biometrics, a photo, a signature in a register,
    an original to present), and the legal text that says so."""

    why: str = Field(min_length=1)
    legal_basis: str = Field(min_length=1)


class Fees(_Strict):
    in_person: int = Field(default=0, ge=0)
    online: int = Field(default=0, ge=0)


NonNegative = Annotated[float, Field(ge=0)]


class Step(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    actor: str
    kind: StepKind
    channel: Channel = Channel.internal
    hours: NonNegative | None = None
    days: NonNegative | None = None
    documents: list[str] = Field(default_factory=list)
    """Documents the applicant submits at this step."""
    uses: list[str] = Field(default_factory=list)
    """Documents this step reads or verifies."""
    produces: list[str] = Field(default_factory=list)
    """Documents or decisions this step writes (an appraisal report, a signed decision)."""
    mandatory: bool = False
    legal_basis: str | None = None
    carries: list[str] | None = None
    """Documents or objects the step hands over or transports (a card returned, a seal
    surrendered, a dossier shipped): a physical one keeps the step physical."""
    presence: Presence | None = None
    """The step requires the person's presence: it keeps its channel."""
    act: Act | None = None
    """The step is a legal act (a request, a submission, a decision) of its actor."""
    roles: list[StepKind] | None = None
    """What the step does besides its kind: a merged step keeps the kinds of its parts."""
    fallback: bool | None = None
    """True for a step that runs only when a database look-up returns nothing: the papers
    it asks for are not dossier components, and it is not counted as a step or a visit
    of the procedure's design (the expected measures count it with its probability)."""

    @model_validator(mode="after")
    def _one_duration(self) -> Step:
        if self.hours is not None and self.days is not None:
            raise ValueError("give the duration as `hours` or as `days`, not both")
        return self

    @property
    def duration_hours(self) -> float:
        """The step's duration in hours (1 working day = 8 hours)."""
        if self.days is not None:
            return self.days * HOURS_PER_DAY
        return self.hours or 0.0

    @property
    def is_gateway(self) -> bool:
        return self.kind in GATEWAY_KINDS


class Flow(_Strict):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    when: str | None = None
    probability: float | None = Field(default=None, ge=0, le=1)


class Procedure(_Strict):
    """One administrative procedure as it runs, with its header and its graph."""

    code: str = Field(min_length=1)
    code_status: CodeStatus | None = None
    """Unset: the code is confirmed."""
    name: str = Field(min_length=1)
    level: Level
    field: str = ""
    agency: str = ""
    statutory_days: NonNegative
    annual_volume: int = Field(default=0, ge=0)
    fees_vnd: Fees = Field(default_factory=Fees)
    essential: int | None = Field(default=None, ge=1, le=25)
    legal_basis: list[str] = Field(default_factory=list)
    online_allowed: bool = True
    actors: dict[str, Actor]
    documents: dict[str, Document] = Field(default_factory=dict)
    steps: list[Step]
    flows: list[Flow]


class DataSource(_Strict):
    """A government database the province can read from."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    connected: bool = False
    connected_since: str | None = None
    hit_rate: float = Field(default=1.0, ge=0, le=1)
    """The share of look-ups that return the data: when it is missing, the applicant is
    asked for the paper (Resolution 66.7/2025/NQ-CP Art. 2(2))."""
