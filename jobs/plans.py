"""The plans the province submits, written from the store: the essential services'
latest versions, re-engineered under the run's rules and inputs (as their stored
analyses were), with the diagrams the run drew."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from analysis.plan import PlanSettings
from analysis.result import Inputs, analyze
from diagrams.figures import diagram_files, write_diagrams
from models.graph import graph_from_json
from publishing.plan_docs import PlanFiles, plan_entries, publish_plans
from rules import Rule
from store.queries import essential_graphs

__all__ = ["write_plans"]


def write_plans(
    session: Session,
    out_dir: Path,
    rules: Sequence[Rule],
    inputs: Inputs,
    settings: PlanSettings,
) -> PlanFiles | None:
    """Write the plans of the stored essential services under `out_dir/plans/`; None
    when the store holds none. A diagram the run did not draw is drawn here."""
    analyses = [
        analyze(graph_from_json(g), list(rules), inputs.context) for g in essential_graphs(session)
    ]
    if not analyses:
        return None
    diagrams = {}
    for analysis in analyses:
        files = diagram_files(analysis.code)
        drawn = (out_dir / files.after_png).exists()
        diagrams[analysis.code] = files if drawn else write_diagrams(out_dir, analysis)
    return publish_plans(out_dir, plan_entries(analyses, inputs, settings, out_dir, diagrams))
