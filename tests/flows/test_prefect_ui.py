"""An analyst's path through the Prefect UI, in headless Chromium: open the
`reengineer-procedure` deployment, start a custom run from its form, wait for it
to complete, open the procedure's artifact and see its diagrams.

Prefect 3.9.1 serves its new UI under /v2 (where / redirects). Screenshots go to
$TTHC_SCREENSHOTS (docs/img keeps a set) or the test's own folder.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.conftest import CHROMIUM
from tthc.serve import Stack

DEPLOYMENT = "reengineer-procedure"
RUN_TIMEOUT_S = 240

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.browser,
    pytest.mark.dot,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium not installed"),
]


def _submit(page: Page) -> Response:
    """Submit the form; a SQLite-backed server may answer 503 (database locked), which
    the UI does not retry, so submit again then."""
    for _ in range(3):
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/create_flow_run")
        ) as answer:
            page.get_by_role("button", name="Submit").click()
        if answer.value.status < 500:
            break
        page.wait_for_timeout(2_000)
    return answer.value


def _wait_completed(page: Page) -> None:
    """Wait on the run page until its state badge says Completed."""
    badge = page.locator('[data-slot="badge"][class*="bg-state-"]').first
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        state = re.search(r"bg-state-([a-z]+)-100", badge.get_attribute("class") or "")
        kind = state.group(1) if state else "?"
        if kind == "completed":
            return
        assert kind not in ("failed", "crashed", "cancelled"), badge.inner_text()
        assert time.monotonic() < deadline, f"not completed after {RUN_TIMEOUT_S} s"
        page.wait_for_timeout(1_000)


def test_an_analyst_runs_a_procedure_from_the_ui_and_sees_its_diagrams(
    stack: Stack, browser: Browser, shots: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    ui = f"{stack.ui_url}/v2"
    page.goto(f"{ui}/deployments", wait_until="domcontentloaded")
    page.locator(
        'a[href*="/deployments/deployment/"]', has_text=re.compile(rf"^{DEPLOYMENT}$")
    ).first.click()
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Custom run").click()

    page.get_by_role("button", name="Select rules").click()
    for code in ("DO01", "DO02", "ST01"):
        page.get_by_role("option", name=code, exact=True).click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Remove DO02 tag")).to_be_visible()
    expect(page.get_by_role("option", name="FL02", exact=True)).to_be_hidden()
    page.screenshot(path=str(shots / "prefect-run-form.png"))

    answer = _submit(page)
    assert answer.ok, answer.text()[:500]
    run = answer.json()
    assert run["parameters"]["rules"] == ["DO01", "DO02", "ST01"]
    assert run["parameters"]["codes"] == ["1.001193"]  # the deployment's default
    page.goto(f"{ui}/runs/flow-run/{run['id']}")
    _wait_completed(page)
    page.screenshot(path=str(shots / "prefect-run-completed.png"))

    page.get_by_role("tab", name="Artifacts", exact=True).click()
    page.get_by_role("link", name=re.compile(r"\bprocedure-1-001193\b")).click()
    page.wait_for_url(re.compile(r"/artifacts/artifact/"))
    diagrams = page.locator('img[src^="data:image/svg+xml;base64,"]')
    expect(diagrams).to_have_count(2)
    # The artifact page may re-render its markdown while loading: check the images as the
    # page has them now, by selector, rather than through handles that can go stale.
    page.wait_for_function(
        """selector => {
            const images = [...document.querySelectorAll(selector)];
            images.forEach(image => image.scrollIntoView());
            return images.length === 2 && images.every(i => i.complete && i.naturalWidth > 0);
        }""",
        arg='img[src^="data:image/svg+xml;base64,"]',
    )
    expect(page.get_by_role("heading", name="Đăng ký khai sinh")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "prefect-artifact.png"))
    page.close()
