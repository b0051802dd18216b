"""The review site: an index of procedures and a page per procedure (static HTML)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from diagrams.figures import DiagramFiles, diagram_files, slug, write_diagrams
from models.measures import Measures
from models.store import Analysis, ProcedureRecord
from tthc.pipeline import AnalysisRecord, ProcedureAnalysis
from tthc.report import TOTALLED

__all__ = [
    "METRIC_LABELS",
    "READINESS_LABELS",
    "SiteEntry",
    "figure",
    "site_entry",
    "stored_entry",
    "write_site",
]

METRIC_LABELS = (
    ("steps", "Số bước"),
    ("handoffs", "Số lần chuyển giao"),
    ("visits", "Số lượt đến cơ quan"),
    ("documents", "Số thành phần hồ sơ"),
    ("lead_time_days", "Thời gian dự kiến (ngày làm việc)"),
    ("cost_per_dossier_vnd", "Chi phí tuân thủ mỗi hồ sơ (đồng)"),
    ("cost_per_year_vnd", "Chi phí tuân thủ mỗi năm (đồng)"),
    ("value_added_share", "Tỷ lệ thời gian tạo giá trị"),
    ("documents_reused", "Giấy tờ khai thác từ CSDL"),
)
READINESS_LABELS = (
    ("full_online", "Toàn trình trực tuyến"),
    ("online_payment", "Thanh toán trực tuyến"),
    ("electronic_result", "Trả kết quả điện tử"),
)


def figure(key: str, value: Any) -> str:
    """A measure as the site and the Prefect UI show it: days to two decimals, shares in
    percent, đồng with dots between thousands."""
    if key == "lead_time_days":
        return f"{value:.2f}"
    if key == "value_added_share":
        return f"{value:.1%}"
    if key.endswith("_vnd"):
        return f"{value:,}".replace(",", ".")
    return str(value)


_environment = Environment(
    loader=PackageLoader("diagrams", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    keep_trailing_newline=True,
)
_environment.globals["figure"] = figure


@dataclass(frozen=True)
class SiteEntry:
    """What the site shows of one analysed procedure."""

    code: str
    name: str
    essential: int | None
    before: Measures
    after: Measures
    changes: list[dict[str, Any]]
    refused: list[dict[str, Any]]
    diagrams: DiagramFiles

    @property
    def page(self) -> str:
        return f"procedures/{slug(self.code)}.html"


def site_entry(
    out_dir: Path | None, analysis: ProcedureAnalysis, record: AnalysisRecord
) -> SiteEntry:
    """What the site shows of `analysis`: its record's measures and changes, and its
    diagrams, rendered under `out_dir` unless it is None."""
    return SiteEntry(
        code=analysis.code,
        name=analysis.name,
        essential=analysis.before.graph["header"]["essential"],
        before=record.before,
        after=record.after,
        changes=record.changes,
        refused=record.refused,
        diagrams=(write_diagrams(out_dir, analysis) if out_dir else diagram_files(analysis.code)),
    )


def stored_entry(record: ProcedureRecord, analysis: Analysis) -> SiteEntry:
    """What the site shows of a procedure, from its stored analysis (no graph read)."""
    return SiteEntry(
        code=record.code,
        name=record.name,
        essential=record.essential,
        before=Measures.model_validate(analysis.metrics_before),
        after=Measures.model_validate(analysis.metrics_after),
        changes=analysis.changes,
        refused=analysis.refused,
        diagrams=diagram_files(record.code),
    )


def _totals(entries: Sequence[SiteEntry]) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = {"before": {}, "after": {}}
    for moment in ("before", "after"):
        for key in TOTALLED:
            totals[moment][key] = sum(getattr(getattr(e, moment), key) for e in entries)
    return totals


def write_site(
    out_dir: Path,
    entries: Sequence[SiteEntry],
    rules_version: str,
    report: str | None = None,
    pages: Collection[str] | None = None,
) -> Path:
    """Write `index.html` and one page per procedure; return the index's path.

    `report`, when given, is the consolidated report's page, relative to `out_dir`.
    `pages`, when given, limits the pages rewritten to these codes (and the missing).
    """
    ordered = sorted(entries, key=lambda e: (e.essential is None, e.essential or 0, e.code))
    (out_dir / "procedures").mkdir(parents=True, exist_ok=True)
    page = _environment.get_template("procedure.html.j2")
    for entry in ordered:
        if pages is not None and entry.code not in pages and (out_dir / entry.page).exists():
            continue
        html = page.render(e=entry, metric_labels=METRIC_LABELS, readiness=READINESS_LABELS)
        (out_dir / entry.page).write_text(html, encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(
        _environment.get_template("index.html.j2").render(
            entries=ordered, totals=_totals(ordered), rules_version=rules_version, report=report
        ),
        encoding="utf-8",
    )
    return index
