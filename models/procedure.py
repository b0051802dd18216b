"""The procedure as a typed domain object: what a procedure file (format v1) holds."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CODE_PATTERN",
    "GATEWAY_KINDS",
    "HOURS_PER_DAY",
    "ID_PATTERN",
    "MAX_STEPS",
    "NAME_LENGTH",
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
    "fitted",
]

HOURS_PER_DAY = 8.0
"""One working day, in hours."""

CODE_PATTERN = r"^[0-9A-Z]+(?:[.-][0-9A-Z]+)*$"
"""A national code (1.001193), with its local suffix if any (1.001193.000.00.00.H41), or
a catalogue key for a service that is not a TTHC (EVN-CAP-DIEN): capital letters and
digits, single dots or hyphens between them. Two different codes never share a file
name or an artifact key."""
ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
"""An id of a step, actor or document: letters, digits, `_`, `.`, `-`."""

_NOT_PLAIN = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # control characters (Cc)
    "\ud800-\udfff"  # surrogates (Cs)
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"  # private use (Co)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    "\ufdd0-\ufdef"  # non-characters: a block of them, and the last two of every plane
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)
"""What would not show as written: control characters (line breaks and tabs included),
surrogates, private-use characters, non-characters, and the marks and overrides that
make text display in another order than it is stored."""


def _plain_text(text: str) -> str:
    """Refuse what would not show as written (`_NOT_PLAIN`): names are validated by the
    thousand, so one regular expression looks, not a loop over characters."""
    found = _NOT_PLAIN.search(text)
    if found:
        char = found.group()
        name = unicodedata.name(char, "a control character")
        raise ValueError(
            f"contains U+{ord(char):04X} ({name}); remove it: texts are plain, on one line"
        )
    return text


NAME_LENGTH = 300
"""The longest name of a step, an actor or a document."""
Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH), AfterValidator(_plain_text)]
"""A name: one line of plain text, at most 300 characters."""


def fitted(name: str) -> str:
    """`name` cut to `NAME_LENGTH` with an ellipsis when a change made it longer (two long
    names merged, a channel said after a long name).

    >>> len(fitted("x" * 400)), fitted("x" * 400)[-1]
    (300, '…')
    """
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1].rstrip() + "\u2026"


LongText = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_plain_text)]
"""A procedure's name, a legal basis: one line of plain text, at most 500 characters."""
Label = Annotated[str, Field(max_length=100), AfterValidator(_plain_text)]
"""A branch's label: at most 100 characters."""
MAX_STEPS = 1000
"""A procedure with more steps (or actors, or documents) is refused at validation, and
with more than four times as many flows: the largest real one has about 60 steps."""

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
"""An id within the file."""
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=CODE_PATTERN)]


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
    name: Name
    kind: ActorKind
    agency: Name | None = None
    """The agency whose competence the actor acts in, when it is not the procedure's own
    (an `external_agency` actor is always an agency of its own)."""


class Document(_Strict):
    name: Name
    copies: int = Field(default=1, ge=0)
    held_by: Id | None = None
    """Id of a data source that holds the same information."""
    physical: bool | None = None
    """True for a physical object (a card, a booklet, a seal, plates, cash, an original
    to present): it can be carried or posted, never sent online."""


class Presence(_Strict):
    """Why a step needs the person there (biometrics, a photo, a signature in a register,
    an original to present), and the legal text that says so."""

    why: Name
    legal_basis: LongText


class Fees(_Strict):
    in_person: int = Field(default=0, ge=0)
    online: int = Field(default=0, ge=0)


NonNegative = Annotated[float, Field(ge=0)]


class Step(_Strict):
    id: Id
    name: Name
    actor: Id
    kind: StepKind
    channel: Channel = Channel.internal
    hours: NonNegative | None = None
    days: NonNegative | None = None
    documents: list[Id] = Field(default_factory=list)
    """Documents the applicant submits at this step."""
    uses: list[Id] = Field(default_factory=list)
    """Documents this step reads or verifies."""
    produces: list[Id] = Field(default_factory=list)
    """Documents or decisions this step writes (an appraisal report, a signed decision)."""
    mandatory: bool = False
    legal_basis: LongText | None = None
    carries: list[Id] | None = None
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
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    when: Label | None = None
    probability: float | None = Field(default=None, ge=0, le=1)


class Procedure(_Strict):
    """One administrative procedure as it runs, with its header and its graph."""

    code: Code
    code_status: CodeStatus | None = None
    """Unset: the code is confirmed."""
    name: LongText
    level: Level
    field: Annotated[str, Field(max_length=300), AfterValidator(_plain_text)] = ""
    agency: Annotated[str, Field(max_length=300), AfterValidator(_plain_text)] = ""
    statutory_days: NonNegative
    annual_volume: int = Field(default=0, ge=0)
    fees_vnd: Fees = Field(default_factory=Fees)
    essential: int | None = Field(default=None, ge=1, le=25)
    legal_basis: list[LongText] = Field(default_factory=list)
    online_allowed: bool = True
    actors: dict[Id, Actor] = Field(max_length=MAX_STEPS)
    documents: dict[Id, Document] = Field(default_factory=dict, max_length=MAX_STEPS)
    steps: list[Step] = Field(max_length=MAX_STEPS)
    flows: list[Flow] = Field(max_length=4 * MAX_STEPS)


class DataSource(_Strict):
    """A government database the province can read from."""

    id: Id
    name: Name
    connected: bool = False
    connected_since: str | None = None
    hit_rate: float = Field(default=1.0, ge=0, le=1)
    """The share of look-ups that return the data: when it is missing, the applicant is
    asked for the paper (Resolution 66.7/2025/NQ-CP Art. 2(2))."""
