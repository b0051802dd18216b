"""The `reengineer-catalog` flow (what `make demo` runs): import a catalogue, analyse
every procedure, render, and publish the report and the review site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE

from diagrams.render import require_dot
from diagrams.site import SiteEntry
from flows.parameters import OutputOptions, RuleCode
from flows.tasks import analyse, import_batch, publish_site, read_files, read_inputs, render, store
from rules import RULES_VERSION, get_rules
from tthc.pipeline import Inputs, ProcedureAnalysis, signature
from tthc.report import build_report
from tthc.report_files import publish_report
from tthc.settings import get_settings

__all__ = ["BATCH_SIZE", "reengineer_catalog"]

BATCH_SIZE = 250
"""Procedures per task."""


@task(cache_policy=NONE)
def publish_review_report(
    out_dir: str,
    analyses: list[tuple[int, ProcedureAnalysis]],
    entries: list[SiteEntry],
    inputs: Inputs,
) -> str:
    """Write the consolidated report (the essential services; all procedures when none
    is one) in Vietnamese and English; return its page, relative to `out_dir`."""
    every = [a for _, a in analyses]
    essential = [a for a in every if a.before.graph["header"]["essential"]]
    connected = inputs.context.connected_sources
    report = build_report(essential or every, inputs.costs, connected, RULES_VERSION)
    files = publish_report(Path(out_dir), report, {e.code: e.diagrams for e in entries})
    return files["vi"].html.relative_to(out_dir).as_posix()


@flow(name="reengineer-catalog", log_prints=True)
def reengineer_catalog(
    paths: list[str] | None = None,
    out_dir: str | None = None,
    rules: tuple[RuleCode, ...] = (),
) -> dict[str, Any]:
    """Re-engineer a catalogue of procedures; publish the review site and the report.

    Args:
        paths: Procedure files or folders; default: the bundled catalogue.
        out_dir: Where diagrams and the review site go; default: `out/`.
        rules: Rules to apply; default: the whole catalogue.
    """
    settings = get_settings()
    require_dot()
    url = settings.database_url
    target = out_dir or str(settings.out_dir)
    selected: list[str] | None = list(rules) if rules else None
    inputs = read_inputs()
    procedures = read_files(paths or [str(settings.catalog_dir)], inputs)
    imported = import_batch(url, procedures)
    version_ids = [vid for vid, _ in imported]
    analyses = [
        a
        for i in range(0, len(version_ids), BATCH_SIZE)
        for a in analyse(url, version_ids[i : i + BATCH_SIZE], selected, inputs)
    ]
    stored = [
        d
        for i in range(0, len(analyses), BATCH_SIZE)
        for d in store(url, analyses[i : i + BATCH_SIZE], inputs)
    ]
    output = OutputOptions(artifacts=False)
    entries = [
        e
        for i in range(0, len(analyses), BATCH_SIZE)
        for e in render(target, analyses[i : i + BATCH_SIZE], inputs, output)
    ]
    report = publish_review_report(target, analyses, entries, inputs)
    rules_signature = signature(get_rules(selected))
    index = publish_site(url, target, rules_signature, inputs)
    return {
        "index": index,
        "report": str(Path(target) / report),
        "new_analyses": sum(d.created for d in stored),
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
