"""What runs show in the Prefect UI: a page per procedure with its diagrams inline,
and per run a table, a progress bar, a link to the review site and a summary.

The markdown and the tables are built by pure functions; `publish_*` only hand
them to Prefect.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from diagrams.site import METRIC_LABELS, SiteEntry, figure
from tthc.nightly import Reanalysed

__all__ = [
    "artifact_key",
    "inline_svg",
    "procedure_markdown",
    "procedure_rows",
    "publish_procedure",
    "start_progress",
    "summary_markdown",
]

_REASONS = {
    "new": "thủ tục mới",
    "content": "nội dung thủ tục thay đổi",
    "rules": "bộ quy tắc thay đổi",
    "inputs": "danh mục CSDL hoặc giả định chi phí thay đổi",
}


def artifact_key(code: str) -> str:
    """A stable artifact key for a procedure (Prefect allows a-z, 0-9 and dashes)."""
    return "procedure-" + re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


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
        f"# {_escape(entry.name)}",
        f"Mã {entry.code}"
        + (f" · dịch vụ công thiết yếu số {entry.essential}" if entry.essential else ""),
        "",
        "| Chỉ số | Hiện trạng | Đề xuất |",
        "| --- | ---: | ---: |",
    ]
    for key, label in METRIC_LABELS:
        before, after = getattr(entry.before, key), getattr(entry.after, key)
        lines.append(f"| {label} | {figure(key, before)} | {figure(key, after)} |")
    lines += ["", f"## Thay đổi đề xuất ({len(entry.changes)})", ""]
    lines += [f"1. **{c['rule']}** {_escape(c['reason'])}" for c in entry.changes]
    if entry.refused:
        lines += ["", "## Đề xuất bị từ chối", ""]
        lines += [
            f"- **{r['rule']}** {_escape(r['reason'])} — {r['guardrail']}" for r in entry.refused
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


def _escape(text: str) -> str:
    """Text from procedure files, kept from being read as markdown or HTML."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|])", r"\\\1", " ".join(text.split()))


def procedure_rows(entries: Sequence[SiteEntry]) -> list[dict[str, Any]]:
    """One row per analysed procedure, for the run's table."""
    return [
        {
            "code": e.code,
            "name": e.name,
            "steps": f"{e.before.steps} → {e.after.steps}",
            "visits": f"{e.before.visits} → {e.after.visits}",
            "documents": f"{e.before.documents} → {e.after.documents}",
            "days": f"{e.before.lead_time_days:.2f} → {e.after.lead_time_days:.2f}",
            "cost_per_year_vnd": f"{e.before.cost_per_year_vnd:,} → {e.after.cost_per_year_vnd:,}",
            "changes": len(e.changes),
        }
        for e in entries
    ]


def summary_markdown(done: Sequence[Reanalysed], skipped: int, limit: int = 200) -> str:
    """What changed since the previous night: counts by reason, then each procedure."""
    lines = [
        "# Phân tích lại hằng đêm",
        "",
        f"Phân tích lại **{len(done)}** thủ tục; **{skipped}** thủ tục không đổi nên bỏ qua.",
        "",
    ]
    for reason, label in _REASONS.items():
        count = sum(d.reason == reason for d in done)
        if count:
            lines.append(f"- {label}: {count}")
    if done:
        lines += [
            "",
            "| Mã | Thủ tục | Lý do | Bước (sau) | Ngày (sau) | Chi phí/năm (sau, đồng) |",
            "| --- | --- | --- | ---: | ---: | ---: |",
        ]
        for d in done[:limit]:
            lines.append(
                f"| {d.code} | {_escape(d.name)} | {_REASONS[d.reason]} | "
                + " | ".join(
                    _since(d, key) for key in ("steps", "lead_time_days", "cost_per_year_vnd")
                )
                + " |"
            )
        if len(done) > limit:
            lines.append(f"\n… và {len(done) - limit} thủ tục khác (xem bảng của lần chạy).")
    return "\n".join(lines) + "\n"


def _since(done: Reanalysed, key: str) -> str:
    now = figure(key, done.current[key])
    if done.previous is None or key not in done.previous:
        return now
    return f"{figure(key, done.previous[key])} → {now}"


def publish_procedure(entry: SiteEntry, before_svg: bytes, after_svg: bytes, width: int) -> None:
    """The procedure's page in the UI, under its stable key."""
    markdown = procedure_markdown(
        entry, inline_svg(before_svg, width), inline_svg(after_svg, width)
    )
    create_markdown_artifact(
        markdown, key=artifact_key(entry.code), description=f"{entry.code} — {entry.name}"
    )


def publish_table(entries: Sequence[SiteEntry], key: str, total: int | None = None) -> None:
    """The run's table of procedures analysed (`total`: how many, when more than listed)."""
    more = f" (the first {len(entries)} of {total})" if total and total > len(entries) else ""
    create_table_artifact(
        procedure_rows(entries), key=key, description=f"Procedures analysed{more}"
    )


def publish_link(url: str, key: str) -> None:
    create_link_artifact(url, link_text="Trang rà soát (review site)", key=key)


def start_progress(key: str) -> UUID:
    progress = create_progress_artifact(0.0, key=key, description="Procedures analysed, %")
    return cast(UUID, progress)


def advance_progress(progress: UUID, done: int, total: int) -> None:
    update_progress_artifact(progress, 100.0 * done / max(total, 1))
