"""What runs show in the Prefect UI: a page per procedure with its diagrams inline,
and per run a table, a progress bar, a link to the review site and a summary.

The markdown and the tables are built by `publishing.ui_pages`; these only hand
them to Prefect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast
from uuid import UUID

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from publishing.labels import markdown_text
from publishing.plan_docs import PLAN_DOCUMENTS, PlanFiles
from publishing.site import SiteEntry
from publishing.ui_pages import inline_svg, plans_markdown, procedure_markdown, procedure_rows

__all__ = [
    "advance_progress",
    "artifact_key",
    "publish_link",
    "publish_plans_page",
    "publish_procedure",
    "publish_table",
    "start_progress",
]


def artifact_key(code: str) -> str:
    """A stable artifact key for a procedure (Prefect allows a-z, 0-9 and dashes), one
    per valid code (`models.procedure.CODE_PATTERN`): a dot becomes a dash, a dash two.

    >>> artifact_key("1.001193"), artifact_key("1-001193"), artifact_key("EVN-CAP")
    ('procedure-1-001193', 'procedure-1--001193', 'procedure-evn--cap')
    """
    return "procedure-" + code.lower().replace("-", "--").replace(".", "-")


def publish_procedure(entry: SiteEntry, before_svg: bytes, after_svg: bytes, width: int) -> None:
    """The procedure's page in the UI, under its stable key."""
    markdown = procedure_markdown(
        entry, inline_svg(before_svg, width), inline_svg(after_svg, width)
    )
    create_markdown_artifact(
        markdown,
        key=artifact_key(entry.code),
        description=f"{markdown_text(entry.code)} — {markdown_text(entry.name)}",
    )


def publish_table(entries: Sequence[SiteEntry], key: str, total: int | None = None) -> None:
    """The run's table of procedures analysed (`total`: how many, when more than listed)."""
    more = f" (the first {len(entries)} of {total})" if total and total > len(entries) else ""
    create_table_artifact(
        procedure_rows(entries), key=key, description=f"Procedures analysed{more}"
    )


def publish_plans_page(files: PlanFiles, address: Callable[[str], str]) -> None:
    """The run's page of the documents to submit; `address` turns a path relative to
    the output folder into a link."""
    links = {PLAN_DOCUMENTS[path]: address(path) for path in PLAN_DOCUMENTS}
    create_markdown_artifact(
        plans_markdown(links, len(files.restructuring)),
        key="plans",
        description="Văn bản trình (dự thảo)",
    )


def publish_link(url: str, key: str) -> None:
    create_link_artifact(url, link_text="Trang rà soát (review site)", key=key)


def start_progress(key: str) -> UUID:
    progress = create_progress_artifact(0.0, key=key, description="Procedures analysed, %")
    return cast(UUID, progress)


def advance_progress(progress: UUID, done: int, total: int) -> None:
    update_progress_artifact(progress, 100.0 * done / max(total, 1))
