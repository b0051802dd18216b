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
from prefect.client.schemas.objects import State
from prefect.states import Failed

from analysis.scenario import Scenario
from models.errors import InvalidInput, TthcError
from publishing.labels import markdown_text, number
from publishing.plan_docs import PLAN_DOCUMENTS, PlanFiles
from publishing.site import SiteEntry
from publishing.ui_pages import (
    FullSize,
    full_size_markdown,
    inline_svg,
    plans_markdown,
    procedure_markdown,
    procedure_rows,
    refusal_markdown,
    scenario_markdown,
)

__all__ = [
    "advance_progress",
    "artifact_key",
    "publish_link",
    "publish_plans_page",
    "publish_procedure",
    "publish_table",
    "refuse_error",
    "refuse_run",
    "start_progress",
]


def artifact_key(code: str) -> str:
    """A stable artifact key for a procedure (Prefect allows a-z, 0-9 and dashes), one
    per valid code (`models.procedure.CODE_PATTERN`): a dot becomes a dash, a dash two.

    >>> artifact_key("1.001193"), artifact_key("1-001193"), artifact_key("EVN-CAP")
    ('procedure-1-001193', 'procedure-1--001193', 'procedure-evn--cap')
    """
    return "procedure-" + code.lower().replace("-", "--").replace(".", "-")


def publish_procedure(
    entry: SiteEntry,
    before_svg: bytes,
    after_svg: bytes,
    width: int,
    full: FullSize | None = None,
    scenario: Scenario | None = None,
    label: str = "",
) -> None:
    """The procedure's page in the UI, under its stable key, linking its diagrams full
    size; a scenario's (`label`: what it assumes) under a key of its own, marked at the
    top."""
    markdown = procedure_markdown(
        entry, inline_svg(before_svg, width), inline_svg(after_svg, width)
    )
    if full is not None:
        markdown += full_size_markdown(full)
    description = f"{markdown_text(entry.code)} — {markdown_text(entry.name)}"
    key = artifact_key(entry.code)
    if scenario is not None:
        markdown = scenario_markdown(label) + markdown
        description = f"{description} ({markdown_text(label)})"
        key = f"{scenario.key}-{key}"
    create_markdown_artifact(markdown, key=key, description=description)


def refuse_run(sentence: str, fix: str, details: Sequence[str] = ()) -> State:
    """End the run on an input the analyst must correct: one sentence as the run's state
    message, and a page (`input-error`) that says what to fix (and lists `details`). No
    traceback."""
    create_markdown_artifact(
        refusal_markdown(sentence, fix, details),
        key="input-error",
        description="Dữ liệu nhập cần sửa",
    )
    return Failed(message=sentence)


def refuse_error(error: TthcError) -> State:
    """End the run on an error the engine explains (a file that does not validate, a
    folder outside the settings', an unknown source): one sentence, and the problems
    (file, element, fix) on the page."""
    if isinstance(error, InvalidInput):
        count = len(error.problems)
        return refuse_run(
            f"Tệp đầu vào chưa hợp lệ: {count} lỗi; chưa lưu gì.",
            "Sửa từng lỗi dưới đây (tệp, phần tử và cách sửa) rồi chạy lại.",
            [str(problem) for problem in error.problems],
        )
    return refuse_run(
        f"Chưa chạy được: {error}",
        "Sửa theo thông báo trên rồi chạy lại.",
    )


def publish_table(
    entries: Sequence[SiteEntry], key: str, total: int | None = None, label: str = ""
) -> None:
    """The run's table of procedures analysed (`total`: how many, when more than listed;
    `label`: the scenario's, if it is one)."""
    more = ""
    if total and total > len(entries):
        more = f" ({number(len(entries), 'vi')} thủ tục đầu trong {number(total, 'vi')})"
    described = f"Thủ tục đã phân tích{more}" + (f" — {markdown_text(label)}" if label else "")
    create_table_artifact(procedure_rows(entries), key=key, description=described)


def publish_plans_page(files: PlanFiles, address: Callable[[str], str]) -> None:
    """The run's page of the documents to submit; `address` turns a path relative to
    the output folder into a link."""
    links = {PLAN_DOCUMENTS[path]: address(path) for path in PLAN_DOCUMENTS}
    create_markdown_artifact(
        plans_markdown(links, len(files.restructuring)),
        key="plans",
        description="Văn bản trình (dự thảo)",
    )


def publish_link(url: str, key: str, text: str = "Trang rà soát (review site)") -> None:
    create_link_artifact(url, link_text=text, key=key)


def start_progress(key: str) -> UUID:
    progress = create_progress_artifact(0.0, key=key, description="Thủ tục đã phân tích, %")
    return cast(UUID, progress)


def advance_progress(progress: UUID, done: int, total: int) -> None:
    update_progress_artifact(progress, 100.0 * done / max(total, 1))
