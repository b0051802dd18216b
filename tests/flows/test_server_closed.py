"""The served API is closed to web pages (issue 13): a cross-origin POST, from a page
opened in Chromium from a file, starts nothing; CORS admits the UI's origin only; the
README's basic-authentication example works; flows refuse folders outside the settings'."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

from inputs.settings import PROJECT_ROOT, get_settings
from tthc.serve import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.prefect, pytest.mark.reliability]


def _catalogue_deployment() -> str:
    with get_client(sync_client=True) as client:
        return str(client.read_deployment_by_name("reengineer-catalog/reengineer-catalog").id)


def _runs_of(deployment: str) -> int:
    with get_client(sync_client=True) as client:
        ids = DeploymentFilter(id=DeploymentFilterId(any_=[deployment]))
        return len(client.read_flow_runs(deployment_filter=ids))


def _request(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str]]:
    data = b'{"parameters": {"out_dir": "/tmp/tthc-probe"}}' if method == "POST" else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_a_cross_origin_post_starts_nothing(stack: Stack) -> None:
    deployment = _catalogue_deployment()
    before = _runs_of(deployment)
    url = f"{stack.api_url}/deployments/{deployment}/create_flow_run"
    status, _ = _request(url, "POST", Origin="null", **{"Content-Type": "text/plain"})
    assert status == 403
    assert _runs_of(deployment) == before


def test_cors_admits_the_ui_origin_only(stack: Stack) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    for origin in ("null", "http://evil.example", f"http://127.0.0.1:{stack.port + 1}"):
        status, headers = _request(
            f"{stack.api_url}/flows/filter", "OPTIONS", Origin=origin, **preflight
        )
        assert status == 400 and "access-control-allow-origin" not in {k.lower() for k in headers}
    for origin in stack.ui_origins:
        status, headers = _request(
            f"{stack.api_url}/flows/filter", "OPTIONS", Origin=origin, **preflight
        )
        assert status == 200 and headers.get("access-control-allow-origin") == origin


@pytest.mark.browser
def test_a_page_opened_from_a_file_cannot_start_a_flow(
    stack: Stack, browser: Browser, tmp_path: Path
) -> None:
    deployment = _catalogue_deployment()
    before = _runs_of(deployment)
    target = f"{stack.api_url}/deployments/{deployment}/create_flow_run"
    body = json.dumps({"parameters": {"out_dir": str(tmp_path / "written")}})
    page_file = tmp_path / "attack.html"
    page_file.write_text(
        "<script>"
        f"fetch({json.dumps(target)}, {{method: 'POST', mode: 'no-cors', body: {json.dumps(body)},"
        " headers: {'Content-Type': 'text/plain'}}).finally(() => { document.title = 'sent'; });"
        f"fetch({json.dumps(target)}, {{method: 'POST', body: {json.dumps(body)},"
        " headers: {'Content-Type': 'application/json'}}).catch(() => {});"
        "</script>",
        "utf-8",
    )
    page = browser.new_page()
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if r.url == target else None)
    page.goto(page_file.as_uri())
    page.wait_for_function("document.title === 'sent'", timeout=30_000)
    page.wait_for_timeout(2_000)
    page.close()
    assert 403 in answers  # the request reached the server, which refused it
    time.sleep(5)  # what a worker would have picked up by now
    assert _runs_of(deployment) == before
    assert not (tmp_path / "written").exists()


def test_flows_refuse_folders_outside_the_settings(
    prefect_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.importing import import_catalog
    from flows.reengineer import reengineer_catalog

    monkeypatch.setenv("TTHC_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    get_settings.cache_clear()
    try:
        refused = [
            reengineer_catalog(out_dir=str(tmp_path / "elsewhere"), return_state=True),
            import_catalog(path="/etc", return_state=True),
            import_catalog(path="catalog/../../../etc", return_state=True),
        ]
        assert all(state.is_failed() for state in refused)
        messages = [str(state.message) for state in refused]
        assert "outside the output folder" in messages[0]
        assert all("TTHC_INBOX_DIRS" in message for message in messages[1:])
    finally:
        get_settings.cache_clear()
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "store.db").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


AUTH = "analyst:a-long-secret"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A server alone, started as `tthc serve` starts it, with the README's basic
    authentication turned on."""
    home = tmp_path_factory.mktemp("guarded")
    stack = Stack(
        project=PROJECT_ROOT,
        home=home,
        port=_free_port(),
        extra_env={"PREFECT_SERVER_API_AUTH_STRING": AUTH},
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--port", str(stack.port)],
        env=stack.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while not _healthy(stack):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.5)
        yield stack
    finally:
        server.terminate()
        server.wait(timeout=30)


def _healthy(stack: Stack) -> bool:
    try:
        return _request(f"{stack.api_url}/health")[0] == 200
    except OSError:  # not listening yet
        return False


def test_basic_authentication_as_the_readme_sets_it(guarded: Stack) -> None:
    version = f"{guarded.api_url}/admin/version"
    assert _request(version)[0] == 401
    wrong = base64.b64encode(b"analyst:guess").decode()
    assert _request(version, Authorization=f"Basic {wrong}")[0] == 401
    right = base64.b64encode(AUTH.encode()).decode()
    assert _request(version, Authorization=f"Basic {right}")[0] == 200

    environment = {**os.environ, "PREFECT_API_URL": guarded.api_url}
    command = [sys.executable, "-m", "prefect", "work-pool", "create", "p", "--type", "process"]
    refused = subprocess.run(command, env=environment, capture_output=True, timeout=120)
    assert refused.returncode != 0
    environment["PREFECT_API_AUTH_STRING"] = AUTH  # the client fetches its CSRF token too
    accepted = subprocess.run(command, env=environment, capture_output=True, timeout=120)
    assert accepted.returncode == 0, accepted.stderr
