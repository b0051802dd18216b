"""What runs show in the Prefect UI: a page per procedure with its diagrams inline,
and per run a table, a progress bar, a link to the review site and a summary.

The markdown and the tables are built by `publishing.ui_pages`; these only hand
them to Prefect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from models.errors import TthcError
from publishing.labels import markdown_text, number
from publishing.plan_docs import PLAN_DOCUMENTS, PlanFiles
from publishing.site import SiteEntry
from publishing.ui_pages import inline_svg, plans_markdown, procedure_markdown, procedure_rows

__all__ = [
    "FullSize",
    "advance_progress",
    "artifact_key",
    "import_markdown",
    "outputs_markdown",
    "publish_link",
    "publish_plans_page",
    "publish_procedure",
    "publish_table",
    "refuse_error",
    "refuse_run",
    "scenario_markdown",
    "start_progress",
]


def artifact_key(code: str) -> str:
    """A stable artifact key for a procedure (Prefect allows a-z, 0-9 and dashes), one
    per valid code (`models.procedure.CODE_PATTERN`): a dot becomes a dash, a dash two.

    >>> artifact_key("1.001193"), artifact_key("1-001193"), artifact_key("EVN-CAP")
    ('procedure-1-001193', 'procedure-1--001193', 'procedure-evn--cap')
    """
    return "procedure-" + code.lower().replace("-", "--").replace(".", "-")


@dataclass(frozen=True)
class FullSize:
    """Where the review site shows a procedure's diagrams full size, and its page."""

    before_svg: str
    after_svg: str
    page: str

    def markdown(self) -> str:
        """The links under a page in the UI, whose diagrams are shrunk to its column."""
        return (
            f"\n\nSơ đồ cỡ đầy đủ: [hiện trạng]({self.before_svg}) · [đề xuất]({self.after_svg})"
            f" · [trang của thủ tục trên trang rà soát]({self.page})\n"
        )


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
        markdown += full.markdown()
    description = f"{markdown_text(entry.code)} — {markdown_text(entry.name)}"
    key = artifact_key(entry.code)
    if scenario is not None:
        markdown = scenario_markdown(label) + markdown
        description = f"{description} ({markdown_text(label)})"
        key = f"{scenario.key}-{key}"
    create_markdown_artifact(markdown, key=key, description=description)


def refuse_run(sentence: str, fix: str) -> State:
    """End the run on an input the analyst must correct: one sentence as the run's state
    message, and a page (`input-error`) that says what to fix. No traceback."""
    create_markdown_artifact(
        f"# Chưa chạy được\n\n{markdown_text(sentence)}\n\n**Cách sửa:** {markdown_text(fix)}\n",
        key="input-error",
        description="Dữ liệu nhập cần sửa",
    )
    return Failed(message=sentence)


def refuse_error(error: TthcError) -> State:
    """End the run on an error the engine explains (a file that does not validate, a
    folder outside the settings', an unknown source): its sentence, and the way out."""
    return refuse_run(
        f"Chưa chạy được: {error}",
        "Sửa theo thông báo trên (tệp, phần tử và cách sửa đã được nêu), rồi chạy lại.",
    )


def import_markdown(path: str, count: int, new: Sequence[str]) -> str:
    """What an import stored: how many procedures, which are new versions."""
    lines = [
        "# Nhập thủ tục",
        "",
        f"Từ {markdown_text(path)}: {number(count, 'vi')} thủ tục, "
        f"{number(len(new), 'vi')} phiên bản mới, {number(count - len(new), 'vi')} không đổi.",
    ]
    if new:
        lines += [
            "",
            "Phiên bản mới (được phân tích trong lần chạy đêm tới hoặc khi chạy "
            "reengineer-procedure): " + ", ".join(markdown_text(c) for c in new) + ".",
        ]
    return "\n".join(lines) + "\n"


def outputs_markdown(title: str, links: Sequence[tuple[str, str]]) -> str:
    """A run's page of the outputs it wrote: one link per output."""
    items = [f"- [{markdown_text(label)}]({address})" for label, address in links]
    return "\n".join([f"# {markdown_text(title)}", "", *items]) + "\n"


def scenario_markdown(label: str) -> str:
    """The line that opens every page of a scenario in the UI."""
    return f"> **{markdown_text(label)}** — không phải kết quả chính thức.\n\n"


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
    progress = create_progress_artifact(0.0, key=key, description="Procedures analysed, %")
    return cast(UUID, progress)


def advance_progress(progress: UUID, done: int, total: int) -> None:
    update_progress_artifact(progress, 100.0 * done / max(total, 1))
