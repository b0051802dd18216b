"""What the Prefect UI shows, as pure text: a page per procedure with its diagrams
inline, a row per procedure for a run's table, and the nightly summary.

`flows/artifacts.py` only hands these to Prefect.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.whatif import Gain
from models.measures import Measures
from publishing.labels import (
    LABELS,
    approval_label,
    figure,
    markdown_text,
    number,
    shown_code,
)
from publishing.site import METRIC_LABELS, SiteEntry

__all__ = [
    "FullSize",
    "Reanalysed",
    "diff_markdown",
    "full_size_markdown",
    "import_markdown",
    "inline_svg",
    "outputs_markdown",
    "plans_markdown",
    "procedure_markdown",
    "procedure_rows",
    "refusal_markdown",
    "review_markdown",
    "scenario_markdown",
    "summary_markdown",
    "whatif_rows",
]


@dataclass(frozen=True)
class Reanalysed:
    """What the night did to one procedure: a row of the nightly summary."""

    code: str
    name: str
    reason: str
    analysis_id: int
    previous: Measures | None
    """The measures after, from the earlier analysis."""
    current: Measures
    """The measures after, from this one."""
    created: bool
    """False when the same analysis was stored already."""


_REASONS = {
    "new": "thủ tục mới",
    "content": "nội dung thủ tục thay đổi",
    "rules": "bộ quy tắc thay đổi",
    "inputs": "danh mục CSDL hoặc giả định chi phí thay đổi",
}
_ELSEWHERE = "đã được lần chạy khác phân tích"


def inline_svg(svg: bytes, width_px: int) -> str:
    """A `data:` URL of an SVG diagram drawn `width_px` wide (its height in proportion)."""
    text = svg.decode("utf-8")
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', text)
    if size:
        width, height = float(size.group(1)), float(size.group(2))
        scaled = f'<svg width="{width_px}px" height="{round(height * width_px / width)}px"'
        text = text[: size.start()] + scaled + text[size.end() :]
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def procedure_markdown(entry: SiteEntry, before_svg: str, after_svg: str) -> str:
    """The page of one analysed procedure: measures, changes and both diagrams."""
    lines = [
        f"# {markdown_text(entry.name)}",
        f"Mã {markdown_text(shown_code(entry.code, entry.code_status, 'vi'))}"
        + (f" · dịch vụ công thiết yếu số {entry.essential}" if entry.essential else ""),
        "",
        "| Chỉ số | Hiện trạng | Đề xuất |",
        "| --- | ---: | ---: |",
    ]
    for key, label in METRIC_LABELS:
        before, after = getattr(entry.before, key), getattr(entry.after, key)
        lines.append(f"| {label} | {figure(key, before)} | {figure(key, after)} |")
    lines += ["", f"## Thay đổi đề xuất ({len(entry.changes)})", ""]
    lines += [
        f"1. **{c.rule}** {markdown_text(c.reason)} _({markdown_text(approval_label(a, 'vi'))})_"
        for c, a in entry.proposals
    ]
    if entry.refused:
        lines += ["", "## Đề xuất bị từ chối", ""]
        lines += [
            f"- **{r.rule}** {markdown_text(r.reason)} — {r.guardrail}" for r in entry.refused
        ]
    lines += [
        "",
        "## Sơ đồ hiện trạng",
        f"![Sơ đồ hiện trạng]({before_svg})",
        "",
        "## Sơ đồ đề xuất",
        f"![Sơ đồ đề xuất]({after_svg})",
    ]
    return "\n".join(lines) + "\n"


_WORDS = LABELS["vi"]
_ROW_MEASURES = ("steps", "visits", "documents", "lead_time_days", "cost_per_year_vnd")


def procedure_rows(entries: Sequence[SiteEntry]) -> list[dict[str, str]]:
    """One row per analysed procedure, for the run's table: Vietnamese column names,
    numbers as Vietnamese text (before → after)."""
    return [
        {
            _WORDS["code"]: e.code,
            _WORDS["name"]: e.name,
            **{_WORDS[key]: _change(e, key) for key in _ROW_MEASURES},
            "Số thay đổi đề xuất": number(len(e.changes), "vi"),
        }
        for e in entries
    ]


def _change(entry: SiteEntry, key: str) -> str:
    before, after = getattr(entry.before, key), getattr(entry.after, key)
    return f"{figure(key, before)} → {figure(key, after)}"


def summary_markdown(
    done: Sequence[Reanalysed], skipped: int, limit: int = 200, missing: int = 0
) -> str:
    """What changed since the previous night: counts by reason, then each procedure; what
    another run stored meanwhile is counted apart, never as this night's work, and what
    was planned but not analysed (`missing`: a shard failed) is said."""
    analysed = [d for d in done if d.created]
    elsewhere = len(done) - len(analysed)
    lines = [
        "# Phân tích lại hằng đêm",
        "",
        f"Phân tích lại **{number(len(analysed), 'vi')}** thủ tục; **{number(skipped, 'vi')}** "
        "thủ tục không đổi nên bỏ qua."
        + (
            f" **{number(elsewhere, 'vi')}** thủ tục đã được một lần chạy khác phân tích."
            if elsewhere
            else ""
        ),
        "",
    ]
    if missing:
        lines += [
            f"**{number(missing, 'vi')}** thủ tục chưa được phân tích lại: một phần việc "
            "không hoàn thành (xem các lần chạy con); đêm sau sẽ phân tích lại.",
            "",
        ]
    for reason, label in _REASONS.items():
        count = sum(d.reason == reason for d in analysed)
        if count:
            lines.append(f"- {label}: {number(count, 'vi')}")
    if done:
        lines += [
            "",
            "| Mã | Thủ tục | Lý do | Bước (sau) | Ngày (sau) | Chi phí/năm (sau, đồng) |",
            "| --- | --- | --- | ---: | ---: | ---: |",
        ]
        for d in done[:limit]:
            reason = _REASONS[d.reason] if d.created else _ELSEWHERE
            lines.append(
                f"| {markdown_text(d.code)} | {markdown_text(d.name)} | {reason} | "
                + " | ".join(
                    _since(d, key) for key in ("steps", "lead_time_days", "cost_per_year_vnd")
                )
                + " |"
            )
        if len(done) > limit:
            more = number(len(done) - limit, "vi")
            lines.append(f"\n… và {more} thủ tục khác (xem bảng của lần chạy).")
    return "\n".join(lines) + "\n"


def _since(done: Reanalysed, key: str) -> str:
    now = figure(key, getattr(done.current, key))
    if done.previous is None:
        return now
    return f"{figure(key, getattr(done.previous, key))} → {now}"


def plans_markdown(links: Mapping[str, str], restructuring: int) -> str:
    """The run's page of the documents to submit: label → address, and how many
    restructuring plans were written beside them."""
    lines = ["# Văn bản trình (dự thảo)", ""]
    lines += [f"- [{markdown_text(label)}](<{address}>)" for label, address in links.items()]
    count = number(restructuring, "vi")
    lines.append(f"- {count} phương án tái cấu trúc quy trình, mỗi thủ tục một tệp Word")
    return "\n".join(lines) + "\n"


def review_markdown(entry: SiteEntry, before_svg: str, after_svg: str) -> str:
    """What the reviewer reads above the form: how to decide, then the procedure's page
    (its changes numbered as the form's fields are)."""
    intro = [
        "**Rà soát đề xuất.** Với mỗi thay đổi đánh số dưới đây, chọn *Đồng ý* hoặc *Không "
        "đồng ý* (ghi lý do) trong biểu mẫu; ghi họ tên người rà soát. Thủ tục được duyệt "
        "chỉ gồm các thay đổi được đồng ý; thay đổi không đồng ý sẽ không được đề xuất lại "
        "khi thủ tục, quy tắc và danh mục cơ sở dữ liệu chưa đổi.",
        "",
    ]
    return "\n".join(intro) + procedure_markdown(entry, before_svg, after_svg)


def diff_markdown(code: str, name: str, lines: Sequence[str]) -> str:
    """The UI page of what an approved version changes: one line per difference."""
    head = [f"# {markdown_text(name)}", f"Mã {markdown_text(code)} · thủ tục được duyệt so với "
            "hiện trạng", ""]  # fmt: skip
    return "\n".join(head + [f"- {markdown_text(line.strip())}" for line in lines]) + "\n"


def whatif_rows(gains: Sequence[Gain]) -> list[dict[str, str]]:
    """One row per procedure that gains from connecting data sources, for the what-if
    run's table: Vietnamese column names, numbers as Vietnamese text."""
    return [
        {
            _WORDS["code"]: g.code,
            _WORDS["name"]: g.name,
            "Giấy tờ không còn phải nộp": number(len(g.documents_dropped), "vi"),
            "Bước bỏ được": number(len(g.steps_removed), "vi"),
            "Ngày làm việc tiết kiệm/hồ sơ": figure("lead_time_days", g.days_saved_per_dossier),
            "Chi phí tiết kiệm/năm (đồng)": figure("cost_per_year_vnd", g.vnd_saved_per_year),
        }
        for g in gains
    ]


@dataclass(frozen=True)
class FullSize:
    """Where the review site shows a procedure's diagrams full size, and its page (None:
    the run did not write the site)."""

    before_svg: str
    after_svg: str
    page: str | None = None


def full_size_markdown(full: FullSize) -> str:
    """The links under a procedure's page in the UI, whose diagrams are shrunk to fit."""
    text = f"\n\nSơ đồ cỡ đầy đủ: [hiện trạng](<{full.before_svg}>) · [đề xuất](<{full.after_svg}>)"
    if full.page:
        text += f" · [trang của thủ tục trên trang rà soát](<{full.page}>)"
    return text + "\n"


def scenario_markdown(label: str) -> str:
    """The line that opens every page of a scenario in the UI."""
    return f"> **{markdown_text(label)}**\n\n"


def refusal_markdown(sentence: str, fix: str, details: Sequence[str] = ()) -> str:
    """The page of a run ended on a wrong input: what is wrong, how to fix it."""
    lines = ["# Chưa chạy được", "", markdown_text(sentence), ""]
    lines += [f"- {markdown_text(detail)}" for detail in details]
    lines += ["", f"**Cách sửa:** {markdown_text(fix)}"]
    return "\n".join(lines) + "\n"


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
    items = [f"- [{markdown_text(label)}](<{address}>)" for label, address in links]
    return "\n".join([f"# {markdown_text(title)}", "", *items]) + "\n"
