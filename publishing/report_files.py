"""Write the review report as HTML (a summary and a page per procedure), XLSX, CSV and Markdown."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from diagrams.figures import DiagramFiles, write_atomically
from publishing.labels import (
    COLUMNS,
    LABELS,
    Lang,
    approval_label,
    inert_cell,
    markdown_text,
    number,
    setting,
    shown_code,
)
from publishing.plan_docs import PLAN_DOCUMENTS
from publishing.report import TOTALLED, Report

__all__ = ["ReportFiles", "publish_report", "table_rows", "write_report"]

_environment = Environment(
    loader=PackageLoader("publishing", "templates"),
    autoescape=select_autoescape(["html.j2"], default=False),
    keep_trailing_newline=True,
)
_MONEY = "#,##0"
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


@dataclass(frozen=True)
class ReportFiles:
    """The files of one language's report."""

    html: Path
    xlsx: Path
    csv: Path
    markdown: Path


def _flag(value: bool | None, lang: Lang) -> str:
    words = LABELS[lang]
    return words["no_fee"] if value is None else words["yes"] if value else words["no"]


def table_rows(report: Report, lang: Lang) -> tuple[list[str], list[list[object]]]:
    """The per-procedure table, as header and rows of plain values: XLSX and CSV use it."""
    words = LABELS[lang]
    header = [words["code"], words["name"], words["essential"], words["annual_volume"]]
    header += [words["statutory_days"]]
    for key in COLUMNS:
        header += [f"{words[key]} — {words['before']}", f"{words[key]} — {words['after']}"]
    header += [words["full_online"], words["online_payment"], words["electronic_result"]]
    header += [words["documents_reused"], words["changes"], words["basis"]]
    rows: list[list[object]] = []
    for p in report.procedures:
        code = shown_code(p.code, p.code_status, lang)
        row: list[object] = [code, p.name, p.essential, p.annual_volume, p.statutory_days]
        for key in COLUMNS:
            row += [getattr(p.before, key), getattr(p.after, key)]
        row += [_flag(p.after.full_online, lang), _flag(p.after.online_payment, lang)]
        row += [_flag(p.after.electronic_result, lang), p.after.documents_reused, len(p.changes)]
        row += [p.basis(lang)]
        rows.append(row)
    return header, rows


def _assumptions(report: Report) -> list[tuple[str, object]]:
    """The cost settings as spreadsheet cells: numbers stay numbers, the rest is text."""
    settings = report.costs.model_dump().items()
    return [(key, value if _is_number(value) else str(value)) for key, value in settings]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _write_xlsx(report: Report, lang: Lang, path: Path) -> None:
    words = LABELS[lang]
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = words["table"][:31]
    header, rows = table_rows(report, lang)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    for index, title in enumerate(header, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 48 if index == 2 else 16
        number_format = (
            _MONEY
            if "vnd" in title.lower() or "đồng" in title
            else "0.0%"
            if title.startswith(words["value_added_share"])
            else "0.00"
            if title.startswith(words["lead_time_days"])
            else None
        )
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    changes = book.create_sheet(words["changes"][:31])
    changes.append([words["code"], words["rule"], words["reason"], words["approval"]])
    for p in report.procedures:
        for change, decided in p.proposals:
            reason = change.reason if lang == "vi" else change.reason_en
            changes.append([p.code, change.rule, reason, approval_label(decided, lang)])
    assumptions = book.create_sheet(words["assumptions"][:31])
    assumptions.append([words["assumption"], words["value"]])
    assumptions.append(["method", words["cost_method"]])
    for key, value in _assumptions(report):
        assumptions.append([key, value])
    for extra in (changes, assumptions):
        for cell in extra[1]:
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
        extra.column_dimensions["A"].width = 28
        extra.column_dimensions["C" if extra is changes else "B"].width = 90
    changes.column_dimensions["D"].width = 40
    for each in book.worksheets:  # text from procedure files is text, never a formula
        for line in each.iter_rows():
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
    book.save(path)


def _write_csv(report: Report, lang: Lang, path: Path) -> None:
    header, rows = table_rows(report, lang)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:  # BOM: Excel reads UTF-8
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows([inert_cell(value) for value in row] for row in rows)


def _render(name: str, lang: Lang, **context: object) -> str:
    return _environment.get_template(name).render(
        w=LABELS[lang],
        lang=lang,
        number=lambda v, d=0: number(v, lang, d),
        setting=lambda v: setting(v, lang),
        code=lambda p: shown_code(p.code, p.code_status, lang),
        md=markdown_text,
        flag=lambda v: _flag(v, lang),
        approval=lambda a: approval_label(a, lang),
        columns=COLUMNS,
        totalled=TOTALLED,
        **context,
    )


def write_report(
    report: Report,
    out_dir: Path,
    lang: Lang = "vi",
    diagrams: Mapping[str, DiagramFiles] | None = None,
    diagrams_dir: Path | None = None,
) -> ReportFiles:
    """Write the report in `lang` under `out_dir/<lang>/`; return its files.

    `diagrams` (by procedure code) are files relative to `diagrams_dir`,
    linked from the procedure pages.
    """
    folder = out_dir / lang
    (folder / "procedures").mkdir(parents=True, exist_ok=True)
    base = os.path.relpath(diagrams_dir, folder / "procedures") if diagrams_dir else ""
    for p in report.procedures:
        figures = (diagrams or {}).get(p.code)
        page = _render("report_procedure.html.j2", lang, p=p, files=figures, base=base)
        write_atomically(folder / p.page, page.encode("utf-8"))
    html = folder / "index.html"
    plans = {
        os.path.relpath(diagrams_dir / href, folder): label
        for href, label in PLAN_DOCUMENTS.items()
        if diagrams_dir and (diagrams_dir / href).exists()
    }
    index = _render("report_index.html.j2", lang, report=report, plans=plans)
    write_atomically(html, index.encode("utf-8"))
    markdown = folder / "summary.md"
    summary = _render("report_summary.md.j2", lang, report=report)
    write_atomically(markdown, summary.encode("utf-8"))
    files = ReportFiles(html, folder / "report.xlsx", folder / "report.csv", markdown)
    _write_xlsx(report, lang, files.xlsx)
    _write_csv(report, lang, files.csv)
    return files


def publish_report(
    out_root: Path,
    report: Report,
    diagrams: Mapping[str, DiagramFiles],
    langs: tuple[Lang, ...] = ("vi", "en"),
) -> dict[Lang, ReportFiles]:
    """Write the report under `out_root/report/` in each language, linking the diagrams
    written under `out_root`."""
    return {
        lang: write_report(report, out_root / "report", lang, diagrams, out_root) for lang in langs
    }
