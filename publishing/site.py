"""The review site: an index of procedures and a page per procedure (static HTML)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from analysis.result import AnalysisResult
from analysis.review import Decision, ReviewDecision
from diagrams.figures import DiagramFiles, write_atomically
from publishing.labels import (
    LABELS,
    METRIC_KEYS,
    READINESS_KEYS,
    approval_label,
    figure,
    local_time,
    shown_code,
)
from publishing.plan_docs import PLAN_DOCUMENTS, restructuring_path
from publishing.report import Published, in_catalogue_order, page_of, totals
from rules import Change

__all__ = [
    "METRIC_LABELS",
    "READINESS_LABELS",
    "SiteEntry",
    "UiLinks",
    "pages_to_write",
    "write_site",
]

METRIC_LABELS = tuple((key, LABELS["vi"][key]) for key in METRIC_KEYS)
READINESS_LABELS = tuple((key, LABELS["vi"][key]) for key in READINESS_KEYS)

_environment = Environment(
    loader=PackageLoader("publishing", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    keep_trailing_newline=True,
)
_environment.globals["figure"] = figure
_environment.globals["code"] = lambda entry: shown_code(entry.code, entry.code_status, "vi")
_environment.globals["approval"] = lambda decided: approval_label(decided, "vi")
_environment.globals["local_time"] = local_time


@dataclass(frozen=True)
class UiLinks:
    """Where the Prefect UI shows what the site shows."""

    pages: Mapping[str, str]
    """Procedure code → its page in the UI."""
    run: str | None = None
    """The run that writes the site."""


@dataclass(frozen=True)
class SiteEntry(Published):
    """What the site shows of one analysed procedure: its result and its diagrams."""

    result: AnalysisResult
    """What the page states: the approved version when a reviewer decided, else the
    proposal."""
    diagrams: DiagramFiles
    review: ReviewDecision | None = None
    """The reviewer's decision on the proposal; None: it awaits review."""
    proposal: AnalysisResult | None = None
    """The proposal the reviewer decided, when `result` is its approved version."""
    proposal_diagrams: DiagramFiles | None = None
    differences: tuple[str, ...] = ()
    """What the proposal (or the approved version) changes from the as-is version, one
    line per difference (`analysis.diff`); empty when not computed."""

    @property
    def decided(self) -> AnalysisResult:
        """The proposal whose changes the page lists (each with its verdict, if any)."""
        return self.proposal or self.result

    def verdict(self, change: Change) -> Decision | None:
        """The reviewer's verdict on `change`, if decided."""
        if self.review is None:
            return None
        return next((d for d in self.review.decisions if d.key == change.key), None)


def pages_to_write(
    out_dir: Path, codes: Collection[str], pages: Collection[str] | None
) -> set[str]:
    """The procedure pages a site written with `pages` rewrites: those given (all when
    None), and those missing from `out_dir`."""
    return {
        code
        for code in codes
        if pages is None or code in pages or not (out_dir / page_of(code)).exists()
    }


def write_site(
    out_dir: Path,
    entries: Sequence[SiteEntry],
    rules_version: str,
    report: str | None = None,
    pages: Collection[str] | None = None,
    scenario: str | None = None,
    upload: str | None = None,
    ui: UiLinks | None = None,
) -> Path:
    """Write `index.html` and one page per procedure; return the index's path.

    `report`, when given, is the consolidated report's page, relative to `out_dir`.
    `pages`, when given, limits the pages rewritten to these codes (and the missing).
    `scenario`, when given, is the line that marks every page as a scenario's.
    `upload`, when given, is the address of the page where files are handed in; `ui`,
    where the Prefect UI shows each procedure and the run that writes the pages.
    """
    ordered = in_catalogue_order(entries)
    (out_dir / "procedures").mkdir(parents=True, exist_ok=True)
    page = _environment.get_template("procedure.html.j2")
    rewritten = pages_to_write(out_dir, [e.code for e in ordered], pages)
    for entry in ordered:
        if entry.code not in rewritten:
            continue
        plan = restructuring_path(entry.code)
        html = page.render(
            e=entry,
            metric_labels=METRIC_LABELS,
            readiness=READINESS_LABELS,
            plan=plan if (out_dir / plan).exists() else None,
            scenario=scenario,
            ui_page=ui.pages.get(entry.code) if ui else None,
            ui_run=ui.run if ui else None,
        )
        write_atomically(out_dir / entry.page, html.encode("utf-8"))
    index = out_dir / "index.html"
    plans = {href: label for href, label in PLAN_DOCUMENTS.items() if (out_dir / href).exists()}
    html = _environment.get_template("index.html.j2").render(
        entries=ordered,
        totals=totals(ordered),
        rules_version=rules_version,
        report=report,
        plans=plans,
        scenario=scenario,
        upload=upload,
    )
    write_atomically(index, html.encode("utf-8"))
    return index
