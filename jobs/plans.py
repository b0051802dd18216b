"""The plans the province submits, written from the store: the essential services'
latest versions, re-engineered under the run's rules and inputs (as their stored
analyses were), with the diagrams the run drew."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from analysis.plan import PlanSettings
from analysis.result import Inputs, analyze
from analysis.review import ReviewDecision
from diagrams.figures import diagram_files, write_diagrams
from jobs.review import approved_versions
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
    approved = approved_versions(session, decided, rules, inputs, out_dir)
    analyses = []
    reviews: dict[str, ReviewDecision] = {}
    diagrams = {}
    for vid, graph in stored:
        if vid in approved:
            made = approved[vid]
            analysis = made.analysis
            reviews[analysis.code] = made.review
            diagrams[analysis.code] = made.diagrams
        else:
            analysis = analyze(graph_from_json(graph), list(rules), inputs.context)
            files = diagram_files(analysis.code, analysis.header["essential"])
            if files.after_png is None or not (out_dir / files.after_png).exists():
                files = write_diagrams(out_dir, analysis)
            diagrams[analysis.code] = files
        analyses.append(analysis)
    if not analyses:
        return None
    entries = plan_entries(analyses, inputs, settings, out_dir, diagrams, reviews)
    return publish_plans(out_dir, entries)
