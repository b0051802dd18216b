"""The `reengineer-procedure` flow: one procedure, or a few, on an analyst's demand."""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE
from sqlmodel import Session, col, select

from diagrams.render import require_dot
from flows.artifacts import procedure_rows, publish_link, publish_table
from flows.parameters import DEFAULT_OUTPUT, OutputOptions, RuleCode, SourceId
from flows.tasks import (
    analyse,
    engine,
    import_batch,
    opaque,
    publish_pages,
    publish_site,
    read_files,
    read_inputs,
    store,
)
from models.errors import TthcError
from models.store import ProcedureRecord, latest_version
from rules import get_rules
from tthc.pipeline import Inputs, signature
from tthc.settings import get_settings
from tthc.site_url import site_url

__all__ = ["reengineer_procedure"]


class UnknownProcedure(TthcError):
    """A code that is neither in the store nor in the bundled catalogue."""


@task(cache_policy=NONE)
def find_versions(database_url: str, codes: list[str]) -> dict[str, int]:
    """Code → latest as-is version id, for the codes already in the store."""
    found = {}
    with Session(engine(database_url)) as session:
        records = session.exec(select(ProcedureRecord).where(col(ProcedureRecord.code).in_(codes)))
        for record in records:
            assert record.id is not None
            version = latest_version(session, record.id)
            if version is not None and version.id is not None:
                found[record.code] = version.id
    return found


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
    rendered = out_dir if output.diagrams else None
    analysed = analyse(url, [versions[c] for c in codes], selected, inputs, rendered)
    store(url, opaque(analysed), inputs)
    if output.diagrams and output.artifacts:
        publish_pages(opaque(analysed), out_dir, output)
    entries = [item.entry for item in analysed]
    publish_table(entries, key="procedure-run")
    if output.review_site and output.diagrams and not connect:
        rules_signature = signature(get_rules(selected))
        index = publish_site(url, out_dir, rules_signature, inputs, codes)
        publish_link(site_url(settings, index), key="review-site")
    for row in procedure_rows(entries):
        print(f"{row['code']} {row['name']}: steps {row['steps']}, days {row['days']}")
    return {"procedures": procedure_rows(entries)}
