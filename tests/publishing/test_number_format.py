"""One number format on every page an official reads (issue 16): the review site, the
report (HTML and Markdown, in both languages), the Prefect UI pages and tables, the
diffs, written for the bundled catalogue without Prefect or Graphviz. Vietnamese pages
write 1,29 and 6.384.978.000; English ones 1.29 and 6,384,978,000; no page writes a
large number without separators."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from analysis.diff import diff_versions
from analysis.result import Inputs, ProcedureAnalysis, analyze
from analysis.review import Decision, ReviewDecision, Verdict
from analysis.whatif import Gain, what_if
from diagrams.figures import diagram_files
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_cost_settings, load_data_sources
from models.graph import to_graph
from publishing.diff_text import diff_lines, review_lines
from publishing.labels import Lang
from publishing.plan_docs import PLAN_DOCUMENTS
from publishing.report import Report, assemble_report, procedure_report
from publishing.report_files import write_report
from publishing.rules_doc import catalogue_markdown
from publishing.site import SiteEntry, write_site
from publishing.ui_pages import (
    Reanalysed,
    diff_markdown,
    plans_markdown,
    procedure_markdown,
    procedure_rows,
    review_markdown,
    summary_markdown,
    whatif_rows,
)
from rules import RULES_VERSION, get_rules
from tests.conftest import CATALOG

WRONG: dict[Lang, tuple[re.Pattern[str], ...]] = {
    "vi": (re.compile(r"\d,\d{3}(?!\d)"), re.compile(r"\d\.\d{1,2}(?!\d)")),
    "en": (re.compile(r"\d\.\d{3}(?!\d)"), re.compile(r"\d,\d{1,2}(?!\d)")),
}
"""A thousands separator or a decimal mark of the other language."""
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
"""A number as any language writes it: digits, maybe grouped or with decimals."""
BARE = re.compile(r"\d{5,}")
"""A number too large to read without separators (years and times are shorter)."""
ADDRESS = re.compile(r"https?://\S+")
"""A link's address: not a number, even where it holds one (127.0.0.1:4201)."""


@dataclass(frozen=True)
class Catalogue:
    analyses: list[ProcedureAnalysis]
    entries: list[SiteEntry]
    report: Report
    gains: list[Gain]
    masked: re.Pattern[str]
    """The catalogue's codes and the versions: identifiers, not numbers."""


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    sources = load_data_sources(CATALOG / "data_sources.yaml")
    folders = sorted(p for p in CATALOG.iterdir() if p.is_dir())
    procedures = load_procedures(find_procedure_files(folders), sources)
    costs = load_cost_settings(CATALOG / "cost_settings.yaml")
    inputs = Inputs(sources, costs)
    analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in procedures.values()]
    entries = [
        SiteEntry(
            a.result(inputs),
            diagram_files(a.code, a.header["essential"]),
            differences=tuple(diff_lines(diff_versions(a.before, a.outcome.after))),
        )
        for a in analyses
    ]
    reviewed = next(i for i, e in enumerate(entries) if e.changes)
    first = entries[reviewed]
    decisions = tuple(
        Decision(c.key, Verdict.reject if i else Verdict.accept, "chưa đủ căn cứ")
        for i, c in enumerate(first.changes)
    )
    decided = datetime(2026, 12, 7, 12, 30, tzinfo=UTC)
    entries[reviewed] = SiteEntry(
        first.result,
        first.diagrams,
        ReviewDecision("Nguyễn Văn A", "ổn", decided, decisions),
        differences=first.differences,
    )
    rows = [procedure_report(a.header, e.result) for a, e in zip(analyses, entries, strict=True)]
    report = assemble_report(rows, costs, RULES_VERSION)
    disconnected = [key for key, source in sources.items() if not source.connected]
    gains = what_if((a.before for a in analyses), sources, disconnected, get_rules(), costs)
    identifiers = sorted({a.code for a in analyses} | {RULES_VERSION, costs.version}, key=len)
    alternatives = "|".join(re.escape(i) for i in reversed(identifiers))
    masked = re.compile(rf"(?<![\d.,])(?:{alternatives})(?!\d|[.,]\d)")
    return Catalogue(analyses, entries, report, gains, masked)


class _Text(HTMLParser):
    """The text nodes of a page, without its style sheet and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text("utf-8"))
    return "\n".join(parser.parts)


def _table_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(" | ".join(f"{key}: {value}" for key, value in row.items()) for row in rows)


def _pages(c: Catalogue, out: Path) -> Iterator[tuple[str, Lang, str]]:
    """(name, language, text) of every page written for the catalogue."""
    write_site(out, c.entries, RULES_VERSION, "report/vi/index.html")
    yield "site/index.html", "vi", _html_text(out / "index.html")
    for page in sorted((out / "procedures").glob("*.html")):
        yield f"site/{page.name}", "vi", _html_text(page)
    diagrams = {e.code: e.diagrams for e in c.entries}
    for lang in ("vi", "en"):
        files = write_report(c.report, out / "report", lang, diagrams, out)
        yield f"report/{lang}/index.html", lang, _html_text(files.html)
        yield f"report/{lang}/summary.md", lang, files.markdown.read_text("utf-8")
        for page in sorted((out / "report" / lang / "procedures").glob("*.html")):
            yield f"report/{lang}/{page.name}", lang, _html_text(page)
    for e in c.entries:
        yield f"ui/procedure-{e.code}", "vi", procedure_markdown(e, "data:a", "data:b")
        yield f"ui/review-{e.code}", "vi", review_markdown(e, "data:a", "data:b")
        yield f"ui/diff-{e.code}", "vi", diff_markdown(e.code, e.name, e.differences)
    yield "ui/procedure-run", "vi", _table_text(procedure_rows(c.entries))
    done = [
        Reanalysed(e.code, e.name, "content", i, e.before, e.after, i % 2 == 0)
        for i, e in enumerate(c.entries)
    ]
    yield "ui/nightly-summary", "vi", summary_markdown(done, skipped=3)
    links = {label: f"http://127.0.0.1:4201/{href}" for href, label in PLAN_DOCUMENTS.items()}
    yield "ui/plans", "vi", plans_markdown(links, len(c.entries))
    yield "ui/whatif-gains", "vi", _table_text(whatif_rows(c.gains))
    for a in c.analyses:
        english = diff_lines(diff_versions(a.before, a.outcome.after), "en")
        yield f"diff-en/{a.code}", "en", "\n".join(english)
    reviewed = next(e for e in c.entries if e.review)
    assert reviewed.review is not None
    verdicts = [
        {"verdict": d.verdict.value, "rule": d.key[0], "steps": d.key[1], "reason": d.reason}
        for d in reviewed.review.decisions
    ]
    history = review_lines("Nguyễn Văn A", reviewed.review.decided_at, "ổn", 1, verdicts)
    yield "review-history", "vi", "\n".join(history)
    yield "docs/rules.md", "en", catalogue_markdown()


def _offences(c: Catalogue, lang: Lang, text: str) -> list[str]:
    """Each number of `text` written in the other language's format, in its context."""
    shown = c.masked.sub("§", ADDRESS.sub("§", text))
    return [
        shown[max(m.start() - 25, 0) : m.end() + 25].replace("\n", " ")
        for m in NUMBER.finditer(shown)
        if BARE.fullmatch(m.group()) or any(p.search(m.group()) for p in WRONG[lang])
    ]


def test_every_page_writes_numbers_in_its_own_language(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    pages = list(_pages(catalogue, tmp_path))
    assert {lang for _, lang, _ in pages} == {"vi", "en"} and len(pages) > 200
    offending = [
        f"{name}: …{context}…"
        for name, lang, text in pages
        for context in _offences(catalogue, lang, text)
    ]
    assert not offending, f"{len(offending)} numbers in the wrong format:\n" + "\n".join(
        offending[:40]
    )


def test_the_ui_tables_show_numbers_as_formatted_text(catalogue: Catalogue) -> None:
    for rows in (procedure_rows(catalogue.entries), whatif_rows(catalogue.gains)):
        assert rows and all(isinstance(v, str) for row in rows for v in row.values())


def test_the_scan_skips_codes_dates_and_legal_references(catalogue: Catalogue) -> None:
    codes = " ".join(a.code for a in catalogue.analyses)
    others = "Thông tư 02/2017/TT-VPCP, Điều 27; 07/12/2026 19:30; quy tắc " + RULES_VERSION
    assert _offences(catalogue, "vi", f"{codes} {others}") == []
    assert _offences(catalogue, "en", f"{codes} {others}") == []
    assert len(_offences(catalogue, "vi", "1.29 và 6,384,978,000 và 1300000000")) == 3
    assert len(_offences(catalogue, "en", "1,29 and 6.384.978.000")) == 2
    assert _offences(catalogue, "vi", "1,29 và 6.384.978.000") == []
    assert _offences(catalogue, "en", "1.29 and 6,384,978,000") == []
