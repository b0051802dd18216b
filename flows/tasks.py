"""The coarse tasks every flow is made of: a batch of procedures each.

A task run costs tens of milliseconds and several events here, so tasks take
hundreds of procedures at a time; the work is in `jobs`, `store`, `inputs` and
`publishing`, which these only call.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TypeVar, cast

from prefect import task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.settings import PREFECT_UI_URL
from prefect.utilities.annotations import quote
from sqlmodel import Session

from analysis.result import Inputs, signature
from analysis.scenario import Scenario
from diagrams.figures import diagram_files
from flows.artifacts import artifact_key, publish_procedure
from flows.parameters import OutputOptions
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_inputs, load_plan_settings
from inputs.settings import get_settings, site_url
from jobs.batches import Analysed, analyse_versions, store_batch
from jobs.plans import write_plans
from jobs.review import approved_versions, version_diffs
from models.procedure import Procedure
from publishing.plan_docs import PlanFiles
from publishing.site import SiteEntry, UiLinks, pages_to_write, write_site
from publishing.ui_pages import FullSize, Reanalysed
from rules import RULES_VERSION, get_rules
from store.engine import shared_engine
from store.nights import credit
from store.queries import Outdated, current_results, import_procedures, versions_of
from store.reviews import current_reviews, current_versions

T = TypeVar("T")

__all__ = [
    "analyse",
    "find_versions",
    "import_batch",
    "opaque",
    "publish_pages",
    "publish_plan_documents",
    "publish_scenario_site",
    "publish_site",
    "read_files",
    "read_inputs",
    "store",
]


def opaque(value: T) -> T:
    """`value`, marked so that Prefect does not walk through it looking for futures when
    it is a task's argument (hundreds of analyses would cost seconds)."""
    return cast(T, quote(value))


@task(cache_policy=NONE)
def read_inputs(connect: list[str] | None = None) -> Inputs:
    """The data-source registry (with `connect` taken as connected) and the cost settings,
    read once for the whole run."""
    return load_inputs(get_settings(), connect or ())


@task(cache_policy=NONE)
def read_files(paths: list[str], inputs: Inputs) -> list[tuple[str, Procedure]]:
    """Validate every procedure file under `paths`; one invalid file stops the run."""
    files = find_procedure_files(Path(p) for p in paths)
    return [(str(path), p) for path, p in load_procedures(files, inputs.sources).items()]


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def import_batch(
    database_url: str, procedures: list[tuple[str, Procedure]]
) -> list[tuple[int, bool]]:
    """Store the as-is versions in one transaction (an unchanged file stores nothing);
    return their ids, and whether each is new."""
    with Session(shared_engine(database_url)) as session:
        versions = import_procedures(session, procedures)
        session.commit()
        return [(v.id, new) for v, new in versions if v.id is not None]


@task(cache_policy=NONE)
def analyse(
    database_url: str,
    version_ids: list[int],
    rules: list[str] | None,
    inputs: Inputs,
    out_dir: str | None,
    scenario: str = "",
) -> list[Analysed]:
    """Re-engineer a batch of stored as-is versions and render their diagrams under
    `out_dir` (none when None; marked with `scenario`, a scenario's label, when given), in
    as many processes as the settings allow. Writes nothing to the store."""
    folder = Path(out_dir) if out_dir else None
    workers = get_settings().workers
    with Session(shared_engine(database_url)) as session:
        work = analyse_versions(
            session, version_ids, get_rules(rules), inputs, workers, folder, scenario
        )
    return list(work)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def store(
    database_url: str,
    analysed: list[Analysed],
    inputs: Inputs,
    reasons: dict[int, Outdated] | None = None,
    night: str | None = None,
) -> list[Reanalysed]:
    """Store the batch's proposed versions and analyses in one transaction, the new
    ones credited to `night` (a sharded nightly run) when given."""
    with Session(shared_engine(database_url)) as session:
        done = store_batch(session, analysed, inputs, reasons)
        if night is not None:
            credit(session, night, [d.analysis_id for d in done if d.created])
        session.commit()
        return done


@task(cache_policy=NONE)
def publish_pages(
    analysed: list[Analysed],
    out_dir: str,
    output: OutputOptions,
    scenario: Scenario | None = None,
    label: str = "",
) -> None:
    """Each procedure's page in the Prefect UI, under its stable key (a scenario's under
    its own), with its diagrams (rendered under `out_dir`)."""
    settings = get_settings()
    for item in analysed:
        files = [Path(out_dir) / f for f in (item.diagrams.before_svg, item.diagrams.after_svg)]
        before, after = (f.read_bytes() for f in files)
        entry = SiteEntry(item.result, item.diagrams)
        full = None
        if settings.site_url:  # served (tthc serve): links a browser follows from the UI
            page = str(Path(out_dir) / entry.page) if output.review_site else None
            full = FullSize(
                site_url(settings, str(files[0])),
                site_url(settings, str(files[1])),
                site_url(settings, page) if page else None,
            )
        publish_procedure(entry, before, after, output.image_width_px, full, scenario, label)


@task(cache_policy=NONE)
def publish_plan_documents(
    database_url: str, out_dir: str, rules: list[str] | None, inputs: Inputs
) -> PlanFiles | None:
    """Write the plans of the stored essential services (simplification plan,
    restructuring plans, internal process) under `out_dir/plans/`, with `rules`."""
    settings = load_plan_settings(get_settings().plan_settings_file)
    with Session(shared_engine(database_url)) as session:
        return write_plans(session, Path(out_dir), get_rules(rules), inputs, settings)


@task(cache_policy=NONE)
def publish_site(
    database_url: str,
    out_dir: str,
    rules: list[str] | None,
    inputs: Inputs,
    pages: list[str] | None = None,
) -> str:
    """Write the review site of every procedure whose analysis under `rules` is current,
    from the store, each from its approved version when a reviewer decided its proposal;
    rewrite only the `pages` given (and any missing). Return the index's path."""
    applied = get_rules(rules)
    rules_signature = signature(applied)
    out = Path(out_dir)
    with Session(shared_engine(database_url)) as session:
        reviews = current_reviews(session, rules_signature, inputs.key)
        results = current_results(session, rules_signature, inputs.key)
        versions = current_versions(session, rules_signature, inputs.key)
        decided = {versions[c][0]: r for c, r in reviews.items() if c in versions}
        approved = {
            made.analysis.code: made
            for made in approved_versions(session, decided, applied, inputs, out).values()
        }
        written = pages_to_write(out, [r.code for r in results], pages)
        diffs = version_diffs(session, {c: v for c, v in versions.items() if c in written})
    entries = []
    for result in results:
        files = diagram_files(result.code, result.essential)
        shown = tuple(diffs.get(result.code, ()))
        made = approved.get(result.code)
        if made is None:
            entries.append(SiteEntry(result, files, reviews.get(result.code), differences=shown))
            continue
        entries.append(
            SiteEntry(
                made.analysis.result(inputs),
                made.diagrams,
                made.review,
                proposal=result,
                proposal_diagrams=files,
                differences=shown,
            )
        )
    report = "report/vi/index.html"
    linked = report if (out / report).exists() else None
    served = get_settings().site_url is not None  # by tthc serve, beside its Prefect UI
    upload = "/upload" if served else None
    ui = _ui_links([e.code for e in entries]) if served else None
    return str(write_site(out, entries, RULES_VERSION, linked, pages, upload=upload, ui=ui))


def _ui_links(codes: list[str]) -> UiLinks | None:
    """Where the Prefect UI this run reports to shows each procedure's page and the run."""
    ui = PREFECT_UI_URL.value()
    if not ui:
        return None
    root = f"{ui.rstrip('/')}/v2"
    run = flow_run.id
    return UiLinks(
        {code: f"{root}/artifacts/key/{artifact_key(code)}" for code in codes},
        f"{root}/runs/flow-run/{run}" if run else None,
    )


@task(cache_policy=NONE)
def publish_scenario_site(analysed: list[Analysed], out_dir: str, label: str) -> str:
    """Write a scenario's own site (its procedures only, every page marked with `label`)
    under `out_dir`, its folder; return the index's path."""
    entries = [SiteEntry(item.result, item.diagrams) for item in analysed]
    shutil.rmtree(Path(out_dir) / "procedures", ignore_errors=True)  # an earlier run's pages
    return str(write_site(Path(out_dir), entries, RULES_VERSION, scenario=label))


@task(cache_policy=NONE)
def find_versions(database_url: str, codes: list[str]) -> dict[str, int]:
    """Code → latest as-is version id, for the codes already in the store."""
    with Session(shared_engine(database_url)) as session:
        return versions_of(session, codes)
