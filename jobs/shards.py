"""A night cut into shards, and its summary read back from the store.

A sharded night is done by `nightly-shard` runs on any worker; a shard that crashed
is submitted again. What the night did is therefore read from the store (the
analyses each shard credited to the night, `store.nights`), never added up from what
the shard runs returned: a shard's crashed attempt returns nothing, yet stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from analysis.result import AnalysisResult
from publishing.ui_pages import Reanalysed
from store.nights import analysed_among, night_analyses
from store.queries import Outdated, previous_measures

__all__ = ["NightSummary", "cut", "night_summary", "still_outdated"]


def cut(todo: Sequence[Outdated], size: int) -> list[list[Outdated]]:
    """`todo` in shards of `size` (the last one smaller).

    >>> [len(s) for s in cut([Outdated(i, "new", None) for i in range(5)], 2)]
    [2, 2, 1]
    """
    return [list(todo[start : start + size]) for start in range(0, len(todo), size)]


def still_outdated(
    session: Session, todo: Sequence[Outdated], rules_signature: str, inputs_key: str
) -> list[Outdated]:
    """`todo` without the versions analysed meanwhile (by an earlier attempt of the same
    shard, or another run): a re-submitted shard does only what is left."""
    done = analysed_among(session, [t.version_id for t in todo], rules_signature, inputs_key)
    return [t for t in todo if t.version_id not in done]


@dataclass(frozen=True)
class NightSummary:
    """What a night did, as the store holds it."""

    done: list[Reanalysed]
    """Each planned procedure that has its analysis, in the plan's order."""
    results: list[AnalysisResult]
    """Their results, in the same order."""
    missing: int
    """Planned procedures without an analysis (a shard failed)."""


def night_summary(
    session: Session,
    night: str,
    todo: Sequence[Outdated],
    rules_signature: str,
    inputs_key: str,
) -> NightSummary:
    """The night's summary from the store: each planned version's analysis, credited to
    the night or to another run, and the measures of the analysis it replaced."""
    found = night_analyses(
        session, night, [t.version_id for t in todo], rules_signature, inputs_key
    )
    earlier = [t.previous for t in todo if t.previous is not None and t.version_id in found]
    previous = previous_measures(session, earlier)
    done, results = [], []
    for item in todo:
        analysed = found.get(item.version_id)
        if analysed is None:
            continue
        result = analysed.result
        done.append(
            Reanalysed(
                code=result.code,
                name=result.name,
                reason=item.reason,
                analysis_id=analysed.analysis_id,
                previous=previous.get(item.previous) if item.previous is not None else None,
                current=result.after,
                created=analysed.by_this_night,
            )
        )
        results.append(result)
    return NightSummary(done, results, len(todo) - len(done))
