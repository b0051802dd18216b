"""The store's queries for reviews: the proposal a reviewer decides, the decision with
the approved version it made (once per proposal), and a procedure's decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from analysis.result import ProposedVersion
from analysis.review import ReviewDecision, decision_from_json
from rules import ChangeKey
from store.locks import take_turn
from store.queries import latest_versions, store_version
from store.tables import Analysis, ProcedureRecord, ReviewRecord, VersionKind

__all__ = [
    "Decided",
    "current_reviews",
    "current_versions",
    "decisions_on",
    "proposal_of",
    "rejections",
    "reviews_of",
    "store_review",
]


def proposal_of(
    session: Session, as_is_version_id: int, rules_signature: str, inputs_key: str
) -> int | None:
    """The proposed version the engine made of an as-is version under these rules and
    inputs, if stored."""
    return session.exec(
        select(Analysis.after_version_id).where(
            Analysis.before_version_id == as_is_version_id,
            Analysis.rules_version == rules_signature,
            Analysis.context_hash == inputs_key,
        )
    ).first()


@dataclass(frozen=True)
class Decided:
    """A stored decision, and whether this call stored it (False: it was decided before,
    and nothing changed)."""

    review: ReviewRecord
    created: bool


def store_review(
    session: Session,
    *,
    as_is_version_id: int,
    proposed_version_id: int,
    approved: ProposedVersion,
    review: ReviewDecision,
    decisions: Sequence[dict[str, Any]],
    rules_signature: str,
    sources_hash: str,
) -> Decided:
    """Store the approved version and the decision on a proposal, unless the proposal
    was decided before (then nothing is stored). The caller commits."""
    take_turn(session)
    earlier = session.exec(
        select(ReviewRecord).where(ReviewRecord.proposed_version_id == proposed_version_id)
    ).first()
    if earlier is not None:
        return Decided(earlier, False)
    procedure_id = session.exec(
        select(Analysis.procedure_id).where(Analysis.after_version_id == proposed_version_id)
    ).first()
    if procedure_id is None:
        raise ValueError(f"version {proposed_version_id} is not a stored proposal")
    version, _ = store_version(
        session,
        procedure_id=procedure_id,
        kind=VersionKind.approved,
        graph=approved.graph,
        content_hash=approved.content_hash,
        parent_id=as_is_version_id,
        source=f"review by {review.reviewer}",
    )
    assert version.id is not None
    record = ReviewRecord(
        procedure_id=procedure_id,
        as_is_version_id=as_is_version_id,
        proposed_version_id=proposed_version_id,
        approved_version_id=version.id,
        reviewer=review.reviewer,
        comment=review.comment,
        decided_at=review.decided_at,
        decisions=list(decisions),
        rules_version=rules_signature,
        sources_hash=sources_hash,
    )
    session.add(record)
    session.flush()
    return Decided(record, True)


def reviews_of(session: Session, code: str) -> list[ReviewRecord]:
    """The decisions on procedure `code`'s proposals, oldest first."""
    return list(
        session.exec(
            select(ReviewRecord)
            .join(ProcedureRecord, col(ProcedureRecord.id) == col(ReviewRecord.procedure_id))
            .where(ProcedureRecord.code == code)
            .order_by(col(ReviewRecord.id))
        ).all()
    )


def rejections(
    session: Session, version_ids: Sequence[int], sources_hash: str
) -> dict[int, list[tuple[ChangeKey, str, str]]]:
    """As-is version → the changes reviewers rejected on it while the data-source registry
    was what `sources_hash` says: each change's key, its rule's signature and the rules
    signature of the proposal."""
    rows = session.exec(
        select(
            ReviewRecord.as_is_version_id, ReviewRecord.decisions, ReviewRecord.rules_version
        ).where(
            col(ReviewRecord.as_is_version_id).in_(version_ids),
            ReviewRecord.sources_hash == sources_hash,
        )
    ).all()
    found: dict[int, list[tuple[ChangeKey, str, str]]] = {}
    for version_id, decisions, rules_version in rows:
        for d in decisions:
            if d["verdict"] == "reject":
                key = decision_from_json(d).key
                found.setdefault(version_id, []).append(
                    (key, d.get("rule_signature", ""), rules_version)
                )
    return found


def _decision(record: ReviewRecord) -> ReviewDecision:
    """The decision a review row stores."""
    decisions = tuple(decision_from_json(d) for d in record.decisions)
    return ReviewDecision(record.reviewer, record.comment, record.decided_at, decisions)


def current_reviews(
    session: Session, rules_signature: str, inputs_key: str
) -> dict[str, ReviewDecision]:
    """Procedure code → the decision on its current proposal (the analysis of its latest
    as-is version under these rules and inputs), for the procedures decided."""
    latest = set(latest_versions(session).values())
    rows = session.exec(
        select(ProcedureRecord.code, ReviewRecord, Analysis.before_version_id)
        .join(ReviewRecord, col(ReviewRecord.procedure_id) == col(ProcedureRecord.id))
        .join(Analysis, col(Analysis.after_version_id) == col(ReviewRecord.proposed_version_id))
        .where(Analysis.rules_version == rules_signature, Analysis.context_hash == inputs_key)
    ).all()
    return {code: _decision(record) for code, record, before in rows if before in latest}


def decisions_on(session: Session, version_ids: Sequence[int]) -> dict[int, ReviewDecision]:
    """As-is version → the latest decision on a proposal made of it."""
    rows = session.exec(
        select(ReviewRecord)
        .where(col(ReviewRecord.as_is_version_id).in_(version_ids))
        .order_by(col(ReviewRecord.id))
    ).all()
    return {record.as_is_version_id: _decision(record) for record in rows}


def current_versions(
    session: Session, rules_signature: str, inputs_key: str
) -> dict[str, tuple[int, int]]:
    """Procedure code → (its latest as-is version, the version that states what is
    decided: the approved one when a reviewer decided the current proposal, else the
    proposal)."""
    latest = set(latest_versions(session).values())
    rows = session.exec(
        select(ProcedureRecord.code, Analysis.before_version_id, Analysis.after_version_id)
        .join(Analysis, col(Analysis.procedure_id) == col(ProcedureRecord.id))
        .where(Analysis.rules_version == rules_signature, Analysis.context_hash == inputs_key)
    ).all()
    approved = dict(
        session.exec(
            select(ReviewRecord.proposed_version_id, ReviewRecord.approved_version_id)
        ).all()
    )
    return {
        code: (before, approved.get(after, after))
        for code, before, after in rows
        if before in latest
    }
