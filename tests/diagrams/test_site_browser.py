"""The review site and the report in a real browser: headless Chromium opens them from disk.

Screenshots go to the test's folder, or to `$TTHC_SCREENSHOTS` when set
(`TTHC_SCREENSHOTS=docs/img` refreshes the README's pictures).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage

from analysis.result import Inputs, analyze, rule_context
from diagrams.figures import write_diagrams
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_cost_settings, load_data_sources
from models.graph import to_graph
from publishing.labels import LABELS
from publishing.report import assemble_report, procedure_report
from publishing.report_files import publish_report
from publishing.site import SiteEntry, write_site
from rules import RULES_VERSION, get_rules
from tests.conftest import CATALOG, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.dot,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium not installed"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review site and report of the 25 essential services, as `make demo` writes them."""
    out = tmp_path_factory.mktemp("out")
    sources = load_data_sources(CATALOG / "data_sources.yaml")
    procedures = load_procedures(find_procedure_files([CATALOG / "essential"]), sources)
    context = rule_context(sources)
    analyses = [analyze(to_graph(p), get_rules(), context) for p in procedures.values()]
    costs = load_cost_settings(CATALOG / "cost_settings.yaml")
    inputs = Inputs(sources, costs)
    entries = [SiteEntry(a.result(inputs), write_diagrams(out, a)) for a in analyses]
    rows = [procedure_report(a.header, e.result) for a, e in zip(analyses, entries, strict=True)]
    report = assemble_report(rows, costs, RULES_VERSION)
    publish_report(out, report, {e.code: e.diagrams for e in entries})
    write_site(out, entries, RULES_VERSION, "report/vi/index.html")
    return out


class _Watched:
    """A page whose console errors and failed requests are collected."""

    def __init__(self, browser: Browser) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def broken_images(self) -> list[str]:
        return list(
            self.page.evaluate(
                "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                ".map(i => i.getAttribute('src'))"
            )
        )


def test_index_searches_sorts_and_has_no_errors(site: Path, browser: Browser, shots: Path) -> None:
    watched = _Watched(browser)
    watched.open(site / "index.html")
    page = watched.page
    rows = page.locator("#procedures tbody tr")
    assert rows.count() == 25
    page.fill("#search", "khai sinh")
    visible = page.locator("#procedures tbody tr:visible")
    assert 0 < visible.count() < 25
    assert all("khai sinh" in t.lower() for t in visible.all_inner_texts())
    page.fill("#search", "")
    page.click("#procedures th:nth-child(8)")  # expected days, after
    days = [float(v) for v in page.eval_on_selector_all(
        "#procedures tbody tr td:nth-child(8)", "cells => cells.map(c => c.dataset.sort)"
    )]  # fmt: skip
    assert days == sorted(days)
    page.screenshot(path=str(shots / "review-index.png"), full_page=False)
    assert page.locator("a#report").get_attribute("href") == "report/vi/index.html"
    assert watched.errors == []


def test_procedure_page_shows_measures_and_aligned_diagrams(
    site: Path, browser: Browser, shots: Path
) -> None:
    watched = _Watched(browser)
    watched.open(site / "procedures" / "1.001193.html")
    page = watched.page
    assert "Đăng ký khai sinh" in page.inner_text("h1")
    text = page.inner_text("body")
    # the report's words (publishing/labels.py), so that the site and the report agree
    assert LABELS["vi"]["cost_per_dossier_vnd"] in text and LABELS["vi"]["full_online"] in text
    assert "Thành phần hồ sơ không còn phải nộp" in text
    assert "Đường găng" in text and "Ký Giấy khai sinh" in text
    assert watched.broken_images() == []
    widths = page.eval_on_selector_all("img.diagram", "images => images.map(i => i.naturalWidth)")
    assert len(widths) == 2 and widths[0] == widths[1]  # the same lanes, so they line up
    page.evaluate("document.querySelector('.side-by-side').scrollIntoView()")
    page.screenshot(path=str(shots / "review-procedure.png"), full_page=False)
    assert watched.errors == []


def test_report_pages_load_with_their_diagrams(site: Path, browser: Browser, shots: Path) -> None:
    for lang in ("vi", "en"):
        watched = _Watched(browser)
        watched.open(site / "report" / lang / "index.html")
        assert watched.page.locator("#procedures tr[data-code]").count() == 25
        watched.page.screenshot(path=str(shots / f"report-{lang}.png"))
        watched.open(site / "report" / lang / "procedures" / "1.001193.html")
        assert watched.broken_images() == []
        assert watched.errors == []


def test_chromium_is_the_debian_one() -> None:
    assert shutil.which("chromium") == CHROMIUM
