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
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, Response, expect
from prefect.client.orchestration import get_client

from analysis.scenario import scenario_of
from tests.conftest import CATALOG, CHROMIUM
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


def _official_run(code: str) -> UUID:
    """Run the deployment on `code` with every rule (the official analysis, which stores
    the procedure); return the run's id once it completed."""
    with get_client(sync_client=True) as client:  # Playwright's loop runs: the sync client
        deployment = client.read_deployment_by_name(f"{DEPLOYMENT}/{DEPLOYMENT}")
        run = client.create_flow_run_from_deployment(deployment.id, parameters={"codes": [code]})
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while not (state := client.read_flow_run(run.id).state) or not state.is_final():
            assert time.monotonic() < deadline, "the run did not finish"
            time.sleep(1)
    assert state.is_completed(), state
    return run.id


def _open_form(page: Page, ui: str) -> None:
    """Open the deployment's custom-run form."""
    page.goto(f"{ui}/deployments", wait_until="domcontentloaded")
    page.locator(
        'a[href*="/deployments/deployment/"]', has_text=re.compile(rf"^{DEPLOYMENT}$")
    ).first.click()
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Custom run").click()


def test_an_analyst_runs_a_procedure_from_the_ui_and_sees_its_diagrams(
    stack: Stack, browser: Browser, shots: Path
) -> None:
    _official_run("1.001193")  # a scenario analyses only what the store holds
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    ui = f"{stack.ui_url}/v2"
    _open_form(page, ui)

    expect(page.get_by_text("Mã thủ tục (Optional)")).to_be_visible()
    expect(page.get_by_text("ST01 — Bỏ bước chuyển hồ sơ trung gian")).to_be_visible()
    page.get_by_role("button", name="Add item").click()
    page.get_by_role("button", name="Select Chọn thủ tục").click()  # the procedure picker
    page.get_by_role("option", name="1.001193 — Đăng ký khai sinh", exact=True).click()
    page.get_by_role("button", name="Select Quy tắc áp dụng").click()
    for code in ("DO01", "DO02", "ST01"):
        page.get_by_role("option", name=code, exact=True).click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Remove DO02 tag")).to_be_visible()
    expect(page.get_by_role("option", name="FL02", exact=True)).to_be_hidden()
    page.screenshot(path=str(shots / "prefect-run-form.png"), full_page=True)

    answer = _submit(page)
    assert answer.ok, answer.text()[:500]
    run = answer.json()
    assert run["parameters"]["rules"] == ["DO01", "DO02", "ST01"]
    page.goto(f"{ui}/runs/flow-run/{run['id']}")
    _wait_completed(page)
    expect(page.get_by_text("reengineer 1.001193").first).to_be_visible()  # its name
    page.screenshot(path=str(shots / "prefect-run-completed.png"))

    scenario = scenario_of(["DO01", "DO02", "ST01"], ())
    assert scenario is not None  # only some rules: a scenario, with pages of its own
    page.get_by_role("tab", name="Artifacts", exact=True).click()
    key = f"{scenario.key}-procedure-1-001193"
    page.get_by_role("link", name=re.compile(rf"\b{key}\b")).click()
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
    expect(
        page.get_by_test_id("markdown-display").get_by_text(
            "Kịch bản giả định: chỉ áp dụng quy tắc ST01, DO01, DO02"
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="trang của thủ tục trên trang rà soát")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "prefect-artifact.png"))
    page.close()


def test_a_wrong_code_ends_the_run_with_one_vietnamese_sentence(
    stack: Stack, browser: Browser, shots: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(30_000)
    ui = f"{stack.ui_url}/v2"
    _open_form(page, ui)
    page.get_by_role("button", name="Add item").click()
    page.get_by_role("tab", name="Nhập mã").click()  # typed, not picked
    page.get_by_role("textbox").last.fill(" 9.999999 ")  # a pasted space is forgiven
    answer = _submit(page)
    assert answer.ok, answer.text()[:500]
    page.goto(f"{ui}/runs/flow-run/{answer.json()['id']}")
    badge = page.locator('[data-slot="badge"][class*="bg-state-failed"]').first
    expect(badge).to_be_visible(timeout=RUN_TIMEOUT_S * 1000)
    sentence = "Không tìm thấy thủ tục 9.999999 trong kho dữ liệu hay danh mục kèm theo."
    page.reload()
    said = page.get_by_text(sentence).first
    expect(said).to_be_visible()
    said.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "prefect-wrong-code.png"))
    page.get_by_role("tab", name="Artifacts", exact=True).click()
    page.get_by_role("link", name=re.compile(r"\binput-error\b")).click()
    expect(page.get_by_test_id("markdown-display").get_by_text("Cách sửa:")).to_be_visible()
    page.close()


def test_an_analyst_hands_in_a_file_on_the_upload_page(
    stack: Stack, browser: Browser, shots: Path, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(30_000)
    bad = tmp_path / "sai.yaml"
    bad.write_text("code: 1.001193\nname: Thiếu các phần bắt buộc\n", "utf-8")
    page.goto(f"{stack.site_url}upload")
    page.set_input_files('input[type="file"]', str(bad))
    page.get_by_role("button", name="Kiểm tra và nộp").click()
    expect(page.get_by_role("heading", name="Tệp chưa hợp lệ: chưa lưu")).to_be_visible()
    assert page.locator("ul.problems li").count() >= 1
    page.screenshot(path=str(shots / "upload-refused.png"), full_page=True)

    good = CATALOG / "essential" / "10-dang-ky-khai-tu.yaml"
    page.set_input_files('input[type="file"]', str(good))
    page.get_by_role("button", name="Kiểm tra và nộp").click()
    expect(page.get_by_role("heading", name="Đã nhận tệp")).to_be_visible()
    page.screenshot(path=str(shots / "upload-accepted.png"), full_page=True)
    page.get_by_role("link", name="xem lượt chạy trong Prefect").click()
    page.wait_for_url(re.compile(r"/runs/flow-run/"))
    _wait_completed(page)
    page.close()


def test_the_review_site_links_back_to_the_procedure_in_the_ui(
    stack: Stack, browser: Browser
) -> None:
    run_id = _official_run("1.001193")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    page.goto(f"{stack.site_url}procedures/1.001193.html")
    expect(page.get_by_role("link", name="lượt chạy đã cập nhật trang này")).to_have_attribute(
        "href", f"{stack.ui_url}/v2/runs/flow-run/{run_id}"
    )
    page.get_by_role("link", name="Trang của thủ tục trong Prefect").click()
    page.wait_for_url(re.compile(r"/artifacts/key/procedure-1-001193"))
    expect(page.get_by_role("heading", name="Đăng ký khai sinh").first).to_be_visible()
    page.close()
