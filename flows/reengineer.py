"""The `reengineer-catalog` flow: load, store, analyse, render and publish a catalogue.

Tasks are coarse (a batch of procedures each) because a task run costs tens
of milliseconds here; the work itself is in `models`, `rules`, `diagrams`
and `tthc.pipeline`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE
from sqlmodel import Session

from diagrams.render import require_dot
from diagrams.site import SiteEntry, site_entry, write_site
from models.costs import CostSettings, load_cost_settings
from models.files import find_procedure_files, load_data_sources, load_procedures
from models.graph import graph_from_json
from models.procedure import Procedure
from models.store import ProcedureVersion, make_engine
from rules import RULES_VERSION, RuleContext, get_rules
from tthc.pipeline import (
    ProcedureAnalysis,
    analyze,
    context_hash,
    import_procedures,
    rule_context,
    store_analysis,
)
from tthc.report import build_report
from tthc.report_files import publish_report
from tthc.settings import get_settings

__all__ = ["BATCH_SIZE", "reengineer_catalog"]

BATCH_SIZE = 250
"""Procedures per analysis or rendering task."""


@task(cache_policy=NONE)
def load_catalog(
    paths: list[str], data_sources_file: str
) -> tuple[list[tuple[str, Procedure]], RuleContext]:
    """Read the data-source registry and validate every procedure file against it.

    One invalid file stops the run. The registry, read once here, is the
    context of the whole run.
    """
    sources = load_data_sources(Path(data_sources_file))
    files = find_procedure_files(Path(p) for p in paths)
    procedures = [(str(path), p) for path, p in load_procedures(files, sources).items()]
    return procedures, rule_context(sources)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def import_catalog(database_url: str, procedures: list[tuple[str, Procedure]]) -> list[int]:
    """Store the as-is versions in one transaction; return their ids."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        versions = [version for version, _ in import_procedures(session, procedures)]
        session.commit()
        return [v.id for v in versions if v.id is not None]


@task(cache_policy=NONE)
def analyze_batch(
    database_url: str, version_ids: list[int], context: RuleContext, rules: list[str] | None
) -> list[tuple[int, ProcedureAnalysis]]:
    """Re-engineer a batch of stored as-is versions (pure work, no writes)."""
    selected = get_rules(rules)
    with Session(make_engine(database_url)) as session:
        graphs = [(vid, session.get_one(ProcedureVersion, vid).graph) for vid in version_ids]
    return [(vid, analyze(graph_from_json(graph), selected, context)) for vid, graph in graphs]


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def store_analyses(
    database_url: str, analyses: list[tuple[int, ProcedureAnalysis]], context: RuleContext
) -> int:
    """Store proposed versions and analyses not stored yet; return how many are new."""
    ctx_hash = context_hash(context)
    new = 0
    with Session(make_engine(database_url)) as session:
        for vid, analysis in analyses:
            version = session.get_one(ProcedureVersion, vid)
            _, created = store_analysis(session, version, analysis, ctx_hash)
            new += created
        session.commit()
    return new


@task(cache_policy=NONE)
def render_batch(
    out_dir: str,
    analyses: list[tuple[int, ProcedureAnalysis]],
    costs: CostSettings,
    context: RuleContext,
) -> list[SiteEntry]:
    """Render the before/after diagrams of a batch; measure it for the review site."""
    connected = context.connected_sources
    return [site_entry(Path(out_dir), analysis, costs, connected) for _, analysis in analyses]


@task(cache_policy=NONE)
def publish_review_report(
    out_dir: str,
    analyses: list[tuple[int, ProcedureAnalysis]],
    entries: list[SiteEntry],
    costs: CostSettings,
    context: RuleContext,
) -> str:
    """Write the consolidated report (the essential services; all procedures when none
    is one) in Vietnamese and English; return its page, relative to `out_dir`."""
    every = [a for _, a in analyses]
    essential = [a for a in every if a.before.graph["header"]["essential"]]
    report = build_report(essential or every, costs, context.connected_sources, RULES_VERSION)
    files = publish_report(Path(out_dir), report, {e.code: e.diagrams for e in entries})
    return files["vi"].html.relative_to(out_dir).as_posix()


@task(cache_policy=NONE)
def publish_site(out_dir: str, entries: list[SiteEntry], report: str) -> str:
    """Write the review site, linking the report; return the index page's path."""
    return str(write_site(Path(out_dir), entries, RULES_VERSION, report))


@flow(name="reengineer-catalog", log_prints=True)
def reengineer_catalog(
    paths: list[str] | None = None,
    out_dir: str | None = None,
    rules: list[str] | None = None,
) -> dict[str, Any]:
    """Re-engineer a catalogue of procedures; publish the review site and the report.

    Args:
        paths: Procedure files or folders; default: the bundled catalogue.
        out_dir: Where diagrams and the review site go; default: `out/`.
        rules: Rule codes or groups to apply; default: the whole catalogue.
    """
    settings = get_settings()
    require_dot()
    url = settings.database_url
    sources_file = str(settings.data_sources_file)
    target = out_dir or str(settings.out_dir)
    procedures, context = load_catalog(paths or [str(settings.catalog_dir)], sources_file)
    costs = load_cost_settings(settings.cost_settings_file)
    version_ids = import_catalog(url, procedures)
    batches = [version_ids[i : i + BATCH_SIZE] for i in range(0, len(version_ids), BATCH_SIZE)]
    analyses = [a for batch in batches for a in analyze_batch(url, batch, context, rules)]
    new_analyses = store_analyses(url, analyses, context)
    entries = [
        e
        for i in range(0, len(analyses), BATCH_SIZE)
        for e in render_batch(target, analyses[i : i + BATCH_SIZE], costs, context)
    ]
    report = publish_review_report(target, analyses, entries, costs, context)
    index = publish_site(target, entries, report)
    return {
        "index": index,
        "report": str(Path(target) / report),
        "new_analyses": new_analyses,
        "procedures": [
            {
                "code": a.code,
                "name": a.name,
                "before": a.metrics_before.model_dump(),
                "after": a.metrics_after.model_dump(),
                "changes": len(a.outcome.changes),
            }
            for _, a in analyses
        ],
    }
