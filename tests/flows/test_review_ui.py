"""A reviewer's path through the Prefect UI, in headless Chromium: open the paused run,
open the resume dialog, see the proposal's diagrams above the form, reject one change
with a reason, submit, and see the run complete with the decision stored."""

from __future__ import annotations

import re
import time
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Browser, expect
from prefect.client.orchestration import get_client
from sqlmodel import Session

from store.engine import make_engine
from store.reviews import reviews_of
from tests.conftest import CHROMIUM
from tthc.serve import Stack

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.browser,
    pytest.mark.dot,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium not installed"),
]

CODE = "1.004194"  # temporary residence: a procedure no other flow test uses
WAIT_S = 300


def _paused(run_id: UUID) -> None:
    deadline = time.monotonic() + WAIT_S
    with get_client(sync_client=True) as client:
        while True:
            state = client.read_flow_run(run_id).state
            assert state is not None and not state.is_final(), state
            if state.is_paused():
                return
            assert time.monotonic() < deadline, f"not paused after {WAIT_S} s"
            time.sleep(1)


def test_a_reviewer_rejects_a_change_in_the_resume_dialog(
    stack: Stack, browser: Browser, shots: Path, prefect_server: Path
) -> None:
    with get_client(sync_client=True) as client:  # Playwright's loop runs: the sync client
        deployment = client.read_deployment_by_name("reengineer-procedure/reengineer-procedure")
        run = client.create_flow_run_from_deployment(
            deployment.id, parameters={"codes": [CODE], "review": True}
        )
    _paused(run.id)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(30_000)
    page.goto(f"{stack.ui_url}/v2/runs/flow-run/{run.id}", wait_until="domcontentloaded")
    expect(page.get_by_text("Paused", exact=True).first).to_be_visible()
    page.locator('[data-slot="dropdown-menu-trigger"]').first.click()
    page.get_by_role("menuitem", name=re.compile(r"Resume")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Rà soát đề xuất.", exact=False)).to_be_visible()
    images = dialog.locator('img[src^="data:image/svg+xml;base64,"]')
    expect(images).to_have_count(2)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[role=dialog] img')]
            .every(i => i.complete && i.naturalWidth > 0)"""
    )
    page.screenshot(path=str(shots / "review-dialog.png"))
    dialog.get_by_label(re.compile(r"Người rà soát")).fill("Phạm Thị D")
    dialog.get_by_role("button", name=re.compile(r"^Select 1\. ")).click()
    page.get_by_role("option", name="Không đồng ý").click()
    dialog.get_by_label(re.compile(r"Lý do không đồng ý thay đổi 1 ")).fill("Chưa đủ căn cứ")
    dialog.get_by_label(re.compile(r"Người rà soát")).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "review-form.png"))
    resume = dialog.get_by_role("button", name="Resume", exact=True)
    expect(resume).to_be_enabled()
    page.wait_for_timeout(1_000)  # the form validates its fields as they change
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/flow_runs/{run.id}/resume")
    ) as answer:
        resume.click()
    assert answer.value.ok, answer.value.text()[:500]
    assert answer.value.json().get("status") == "ACCEPT", answer.value.text()[:500]

    deadline = time.monotonic() + WAIT_S
    with get_client(sync_client=True) as client:
        while not (state := client.read_flow_run(run.id).state) or not state.is_final():
            assert time.monotonic() < deadline, "not completed"
            time.sleep(1)
    assert state.is_completed(), state
    page.reload()
    page.screenshot(path=str(shots / "review-completed.png"))
    with Session(make_engine(f"sqlite:///{prefect_server}")) as session:
        (review,) = reviews_of(session, CODE)
    assert review.reviewer == "Phạm Thị D"
    assert review.decisions[0]["verdict"] == "reject"
    assert review.decisions[0]["reason"] == "Chưa đủ căn cứ"
    assert all(d["verdict"] == "accept" for d in review.decisions[1:])
    page.close()
