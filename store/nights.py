"""Which nightly run stored which analysis: what a sharded night reads back for its
summary, whatever shard (or re-submitted shard) did the work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from analysis.result import AnalysisResult
from store.queries import stored_result
from store.tables import Analysis, NightWork, ProcedureRecord

__all__ = ["NightAnalysis", "analysed_among", "credit", "night_analyses"]


def credit(session: Session, night: str, analysis_ids: Sequence[int]) -> None:
    """Record that `night` stored these analyses (new ones only: an analysis is stored
    once, by one run); the caller commits with the analyses themselves."""
    session.add_all(NightWork(analysis_id=i, night=night) for i in analysis_ids)


def analysed_among(
    session: Session, version_ids: Sequence[int], rules_signature: str, inputs_key: str
) -> set[int]:
    """The versions among these that have an analysis under these rules and inputs
    already (stored by an earlier attempt of a shard, or by another run)."""
    found: set[int] = set()
    for start in range(0, len(version_ids), 1000):  # bound the IN list
        found.update(
            session.exec(
                select(Analysis.before_version_id).where(
                    col(Analysis.before_version_id).in_(version_ids[start : start + 1000]),
                    Analysis.rules_version == rules_signature,
                    Analysis.context_hash == inputs_key,
                )
            )
        )
    return found


@dataclass(frozen=True)
class NightAnalysis:
    """A version's current analysis as a night's summary reads it."""

    analysis_id: int
    result: AnalysisResult
    by_this_night: bool
    """Stored by the night's shards; else by another run (an on-demand one)."""


def night_analyses(
    session: Session,
    night: str,
    version_ids: Sequence[int],
    rules_signature: str,
    inputs_key: str,
) -> dict[int, NightAnalysis]:
    """Version id → its analysis under these rules and inputs, for the versions that
    have one (the others were not analysed)."""
    found: dict[int, NightAnalysis] = {}
    for start in range(0, len(version_ids), 1000):  # bound the IN list
        chunk = version_ids[start : start + 1000]
        rows = session.exec(
            select(Analysis, ProcedureRecord, NightWork.night)
            .join(ProcedureRecord, col(ProcedureRecord.id) == col(Analysis.procedure_id))
            .join(NightWork, col(NightWork.analysis_id) == col(Analysis.id), isouter=True)
            .where(
                col(Analysis.before_version_id).in_(chunk),
                Analysis.rules_version == rules_signature,
                Analysis.context_hash == inputs_key,
            )
        ).all()
        for analysis, record, by in rows:
            assert analysis.id is not None
            result = stored_result(record, analysis)
            found[analysis.before_version_id] = NightAnalysis(analysis.id, result, by == night)
    return found
