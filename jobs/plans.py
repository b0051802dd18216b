"""The plans the province submits, written from the store: the essential services'
latest versions, re-engineered under the run's rules and inputs (as their stored
analyses were), with the diagrams the run drew."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from analysis.plan import PlanSettings
from analysis.result import Inputs, analyze
from analysis.review import ReviewDecision, apply_review
from diagrams.figures import diagram_files, write_diagrams
from jobs.review import APPROVED_DIR, approved_files
from models.graph import graph_from_json
from publishing.plan_docs import PlanFiles, plan_entries, publish_plans
from rules import Rule
from store.queries import essential_graphs
from store.reviews import decisions_on

__all__ = ["write_plans"]


def write_plans(
    session: Session,
    out_dir: Path,
    rules: Sequence[Rule],
    inputs: Inputs,
    settings: PlanSettings,
) -> PlanFiles | None:
    """Write the plans of the stored essential services under `out_dir/plans/`, each from
    its approved version when a reviewer decided its proposal, else from the proposal;
    None when the store holds none. A diagram the run did not draw is drawn here (an
    approved version's always: it differs from the proposal's)."""
    stored = essential_graphs(session)
    decided = decisions_on(session, [vid for vid, _ in stored])
    analyses = []
    reviews: dict[str, ReviewDecision] = {}
    for vid, graph in stored:
        before = graph_from_json(graph)
        review = decided.get(vid)
        if review is None:
            analyses.append(analyze(before, list(rules), inputs.context))
            continue
        approved = apply_review(before, rules, inputs.context, review).analysis
        analyses.append(approved)
        reviews[approved.code] = review
    if not analyses:
        return None
    diagrams = {}
    for analysis in analyses:
        reviewed = analysis.code in reviews  # its diagrams are the approved version's
        folder = out_dir / APPROVED_DIR if reviewed else out_dir
        files = diagram_files(analysis.code)
        if not (folder / files.after_png).exists():
            files = write_diagrams(folder, analysis)
        diagrams[analysis.code] = approved_files(files) if reviewed else files
    entries = plan_entries(analyses, inputs, settings, out_dir, diagrams, reviews)
    return publish_plans(out_dir, entries)
