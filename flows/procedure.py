"""The `reengineer-procedure` flow: one procedure, or a few, on an analyst's demand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from prefect import flow, task
from prefect.cache_policies import NONE
from pydantic import Field
from sqlmodel import Session

from analysis.result import Inputs
from diagrams.render import require_dot
from flows.artifacts import publish_link, publish_table
from flows.parameters import DEFAULT_OUTPUT, OutputOptions, SourceId
from flows.review import ask_reviewer, record_decision
from flows.tasks import (
    analyse,
    import_batch,
    opaque,
    publish_pages,
    publish_site,
    read_files,
    read_inputs,
    store,
)
from inputs.settings import get_settings, site_url
from models.errors import UnknownProcedure
from publishing.site import SiteEntry
from publishing.ui_pages import procedure_rows
from rules import RuleCode
from store.engine import shared_engine
from store.queries import analysed_since, versions_of

__all__ = ["reengineer_procedure", "review_proposals"]


@task(cache_policy=NONE)
def find_versions(database_url: str, codes: list[str]) -> dict[str, int]:
    """Code → latest as-is version id, for the codes already in the store."""
    with Session(shared_engine(database_url)) as session:
        return versions_of(session, codes)


def _from_catalogue(database_url: str, codes: list[str], inputs: Inputs) -> dict[str, int]:
    """Import the bundled procedures with these codes; return code → version id."""
    bundled = read_files([str(get_settings().catalog_dir)], inputs)
    wanted = [(path, p) for path, p in bundled if p.code in codes]
    missing = sorted(set(codes) - {p.code for _, p in wanted})
    if missing:
        raise UnknownProcedure(
            f"procedure {', '.join(missing)} is neither in the store nor in the bundled "
            "catalogue: import its file first (deployment import-catalog, or `tthc import`)"
        )
    imported = import_batch(database_url, wanted)
    return {p.code: vid for (_, p), (vid, _) in zip(wanted, imported, strict=True)}


@flow(name="reengineer-procedure", log_prints=True)
def reengineer_procedure(
    codes: list[str],
    rules: tuple[RuleCode, ...] = (),
    connect: tuple[SourceId, ...] = (),
    output: OutputOptions = DEFAULT_OUTPUT,
    review: bool = False,
    review_wait_hours: Annotated[float, Field(gt=0, le=720)] = 72,
) -> dict[str, Any]:
    """Re-engineer one procedure, or a few: store the analysis, render the diagrams and
    show each procedure's page in the Prefect UI (artifact `procedure-<code>`).

    Args:
        codes: National codes of the procedures, e.g. 1.001193 (birth registration). A code
            not in the store yet is imported from the bundled catalogue.
        rules: Rules to apply (docs/rules.md); empty: the whole catalogue.
        connect: Data sources to treat as connected for this run besides those the registry
            marks connected, to see what connecting them would change. Such a run does not
            refresh the review site.
        output: What to produce besides the stored analysis.
        review: Pause after the analysis until a reviewer decides each proposed change
            (resume the run in the UI: accept or reject each, with the reviewer's name);
            the accepted changes then make the approved version.
        review_wait_hours: How long to wait for the decision; then the run ends and the
            proposal awaits review.
    """
    settings = get_settings()
    if output.diagrams:
        require_dot()
    url = settings.database_url
    inputs = read_inputs(list(connect))
    versions = find_versions(url, codes)
    missing = [c for c in codes if c not in versions]
    if missing:
        versions |= _from_catalogue(url, missing, inputs)
    selected: list[str] | None = list(rules) if rules else None
    out_dir = str(settings.out_dir)
    rendered = out_dir if output.diagrams or review else None
    analysed = analyse(url, [versions[c] for c in codes], selected, inputs, rendered)
    store(url, opaque(analysed), inputs)
    if output.diagrams and output.artifacts:
        publish_pages(opaque(analysed), out_dir, output)
    entries = [SiteEntry(item.result, item.diagrams) for item in analysed]
    publish_table(entries, key="procedure-run")
    if output.review_site and output.diagrams and not connect:
        index = publish_site(url, out_dir, selected, inputs, codes)
        publish_link(site_url(settings, index), key="review-site")
    for row in procedure_rows(entries):
        print(f"{row['code']} {row['name']}: steps {row['steps']}, days {row['days']}")
    reviews: dict[str, Any] = {}
    for item in analysed if review else []:
        wait = round(review_wait_hours * 3600)
        decided = ask_reviewer(item, out_dir, output.image_width_px, wait)
        reviews[item.result.code] = (
            "awaiting review"
            if decided is None
            else record_decision(url, item.version_id, decided, selected, inputs, out_dir)
        )
    reviewed = [code for code, outcome in reviews.items() if outcome != "awaiting review"]
    if reviewed and output.review_site and not connect:
        publish_site(url, out_dir, selected, inputs, reviewed)
    return {"procedures": procedure_rows(entries), "reviews": reviews}


@task(cache_policy=NONE)
def recently_analysed(database_url: str, hours: float) -> list[str]:
    """The codes of the procedures analysed in the last `hours`."""
    since = datetime.now(UTC) - timedelta(hours=hours)
    with Session(shared_engine(database_url)) as session:
        return analysed_since(session, since)


@flow(name="review-proposals", log_prints=True)
def review_proposals(
    codes: list[str] | None = None,
    changed_within_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24,
    review_wait_hours: Annotated[float, Field(gt=0, le=720)] = 72,
) -> dict[str, Any]:
    """Ask a reviewer to decide proposals, one procedure after another in this run.

    Args:
        codes: The procedures to review; empty: every procedure analysed within
            `changed_within_hours` (the last nightly's work).
        changed_within_hours: How far back to look for analyses when no code is given.
        review_wait_hours: How long to wait for each decision.
    """
    selected = codes or recently_analysed(get_settings().database_url, changed_within_hours)
    if not selected:
        print(f"no procedure was analysed in the last {changed_within_hours} h: nothing to review")
        return {"procedures": [], "reviews": {}}
    print(f"{len(selected)} proposals to review: {', '.join(selected)}")
    return reengineer_procedure(codes=selected, review=True, review_wait_hours=review_wait_hours)
