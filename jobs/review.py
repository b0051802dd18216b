"""A reviewer's decision, as a plain function: the approved procedure made from the
as-is version with exactly the accepted changes, stored with the decision (once per
proposal), its diagrams drawn beside the proposal's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from sqlmodel import Session

from analysis.diff import diff_versions
from analysis.result import AnalysisResult, Inputs, ProcedureAnalysis, signature
from analysis.review import ReviewDecision, Verdict, apply_review, decision_to_json
from diagrams.figures import DiagramFiles, diagram_files, refresh_diagrams
from models.errors import UnknownProcedure
from models.graph import graph_from_json
from publishing.diff_text import diff_lines
from rules import ChangeKey, Rule
from store.queries import version_graphs
from store.reviews import decisions_on, proposal_of, store_review

__all__ = [
    "APPROVED_DIR",
    "ApprovedVersion",
    "Outcome",
    "approved_files",
    "approved_versions",
    "decide",
    "reviewed_results",
    "version_diffs",
]

APPROVED_DIR = "approved"
"""Under the output folder: the approved versions' diagrams."""


@dataclass(frozen=True)
class Outcome:
    """What a decision made."""

    approved_version_id: int
    created: bool
    """False: the proposal was decided before, and this decision changed nothing."""
    accepted: int
    rejected: int
    not_applied: tuple[ChangeKey, ...]
    diagrams: DiagramFiles | None


def decide(
    session: Session,
    as_is_version_id: int,
    review: ReviewDecision,
    rules: list[Rule],
    inputs: Inputs,
    out_dir: Path | None = None,
) -> Outcome:
    """Apply and store `review` of the proposal made of `as_is_version_id` under `rules`
    and `inputs`; commit. With `out_dir`, draw the approved version's diagrams under
    `out_dir/approved/`."""
    proposed = proposal_of(session, as_is_version_id, signature(rules), inputs.key)
    graphs = version_graphs(session, [as_is_version_id])
    if proposed is None or as_is_version_id not in graphs:
        raise UnknownProcedure(
            f"version {as_is_version_id} has no stored proposal under these rules and inputs: "
            "run reengineer-procedure on it first"
        )
    approved = apply_review(
        graph_from_json(graphs[as_is_version_id]), rules, inputs.context, review
    )
    missed = set(approved.not_applied)
    signatures = {rule.code: rule.signature for rule in rules}
    decisions = [
        {
            **decision_to_json(d, applied=d.verdict is Verdict.accept and d.key not in missed),
            "rule_signature": signatures.get(d.key[0], d.key[0]),
        }
        for d in review.decisions
    ]
    decided = store_review(
        session,
        as_is_version_id=as_is_version_id,
        proposed_version_id=proposed,
        approved=approved.analysis.proposal(),
        review=review,
        decisions=decisions,
        rules_signature=signature(rules),
        sources_hash=inputs.sources_key,
    )
    session.commit()
    drawn = None
    if decided.created and out_dir is not None:
        drawn = refresh_diagrams(out_dir / APPROVED_DIR, approved.analysis, approved=True)
    return Outcome(
        approved_version_id=decided.review.approved_version_id,
        created=decided.created,
        accepted=len(review.keys(Verdict.accept)),
        rejected=len(review.keys(Verdict.reject)),
        not_applied=approved.not_applied,
        diagrams=drawn,
    )


def approved_files(files: DiagramFiles) -> DiagramFiles:
    """An approved version's diagram files, relative to the output folder."""
    return DiagramFiles(*(f"{APPROVED_DIR}/{path}" for path in astuple(files)))


@dataclass(frozen=True)
class ApprovedVersion:
    """An approved version re-made from its as-is version and the decision, with where
    its diagrams are (relative to the output folder)."""

    analysis: ProcedureAnalysis
    review: ReviewDecision
    diagrams: DiagramFiles


def approved_versions(
    session: Session,
    decided: Mapping[int, ReviewDecision],
    rules: Sequence[Rule],
    inputs: Inputs,
    out_dir: Path | None = None,
) -> dict[int, ApprovedVersion]:
    """As-is version → its approved version under `decided`, re-made with exactly the
    accepted changes. With `out_dir`, its diagrams under `out_dir/approved/` are drawn
    unless already drawn from the same sources (lost outputs come back; a version re-made
    differently, e.g. under new rules, is redrawn)."""
    graphs = version_graphs(session, list(decided))
    made = {}
    for vid, review in decided.items():
        if vid not in graphs:
            continue
        analysis = apply_review(
            graph_from_json(graphs[vid]), rules, inputs.context, review
        ).analysis
        files = diagram_files(analysis.code, analysis.header["essential"])
        if out_dir is not None:
            files = refresh_diagrams(out_dir / APPROVED_DIR, analysis, approved=True)
        made[vid] = ApprovedVersion(analysis, review, approved_files(files))
    return made


def reviewed_results(
    session: Session,
    version_ids: Sequence[int],
    rules: Sequence[Rule],
    inputs: Inputs,
    out_dir: Path | None = None,
) -> dict[int, tuple[AnalysisResult, ReviewDecision, DiagramFiles]]:
    """As-is version → the result of its approved version, the decision and the approved
    diagrams, for the versions whose proposal a reviewer decided (see
    `approved_versions`)."""
    decided = decisions_on(session, version_ids)
    return {
        vid: (made.analysis.result(inputs), made.review, made.diagrams)
        for vid, made in approved_versions(session, decided, rules, inputs, out_dir).items()
    }


def version_diffs(session: Session, pairs: Mapping[str, tuple[int, int]]) -> dict[str, list[str]]:
    """Code → what its second version changes from its first, one line per difference
    (the graphs read a few hundred at a time, however large the catalogue)."""
    found: dict[str, list[str]] = {}
    items = list(pairs.items())
    for start in range(0, len(items), _DIFF_BATCH):
        batch = items[start : start + _DIFF_BATCH]
        graphs = version_graphs(session, [v for _, pair in batch for v in pair])
        found |= {
            code: diff_lines(diff_versions(graph_from_json(graphs[a]), graph_from_json(graphs[b])))
            for code, (a, b) in batch
            if a in graphs and b in graphs
        }
    return found


_DIFF_BATCH = 250
