"""The review site's web server (`tthc.site_server`), in the test process: the static
site and nothing outside it; the upload page, whose files are checked as `tthc validate`
checks them, saved under the drafts folder only when valid, imported through a run whose
start is faked here; and no post from another site."""

from __future__ import annotations

import asyncio
import html
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session
from starlette.types import Message

from inputs.files import MAX_FILE_BYTES, load_procedures
from inputs.registry import load_data_sources
from inputs.settings import Settings, get_settings, readable_path
from models.errors import InvalidProcedure
from models.procedure import Procedure
from store.engine import make_engine
from store.queries import import_procedures
from tests.conftest import minimal_procedure, write_yaml
from tthc import site_server
from tthc.site_server import SiteConfig, create_app

with warnings.catch_warnings():  # Starlette would rather have httpx2, not installed here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PORT = 4201
ORIGIN = f"http://127.0.0.1:{PORT}"
UI = "http://127.0.0.1:4200"
RUN_ID = "0b7ee5a6-3f3c-4a57-9a0e-5c2f4f6b1d2e"
SECRET = "not for the web"


@dataclass
class Site:
    client: TestClient
    config: SiteConfig
    runs: list[Path] = field(default_factory=list)

    def post(self, name: str, content: bytes, **headers: str) -> Any:
        files = {"file": (name, content, "application/octet-stream")}
        return self.client.post("/upload", files=files, headers={"Origin": ORIGIN, **headers})

    def drafts(self) -> list[Path]:
        folder = self.config.drafts_dir
        return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A site over a small output folder, a secret beside it, and the start of a run
    faked: it records the path it was asked to import."""
    out = tmp_path / "out"
    (out / "procedures").mkdir(parents=True)
    (out / "index.html").write_text("<h1>Trang rà soát</h1>", "utf-8")
    (out / "procedures" / "1.001193.html").write_text("Đăng ký khai sinh", "utf-8")
    (tmp_path / "secret.txt").write_text(SECRET)
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    config = SiteConfig(out_dir=out, drafts_dir=tmp_path / "var" / "drafts", port=PORT, ui_url=UI)
    runs: list[Path] = []

    async def start_import(path: Path) -> str:
        runs.append(path)
        return RUN_ID

    monkeypatch.setattr(site_server, "start_import", start_import)
    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    get_settings.cache_clear()
    with TestClient(create_app(config), base_url=ORIGIN) as client:
        yield Site(client, config, runs)
    get_settings.cache_clear()


def _good() -> bytes:
    return yaml.safe_dump(minimal_procedure(), allow_unicode=True).encode()


def test_the_site_is_served_as_before(site: Site) -> None:
    assert "Trang rà soát" in site.client.get("/").text
    assert "Trang rà soát" in site.client.get("/index.html").text
    page = site.client.get("/procedures/1.001193.html")
    assert page.status_code == 200 and page.text == "Đăng ký khai sinh"
    assert site.client.get("/procedures/missing.html").status_code == 404
    assert site.client.post("/index.html").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/procedures/..%2f..%2fsecret.txt",
        "/procedures/%2e%2e/%2e%2e/secret.txt",
        "/link.txt",  # a link inside the folder that leads out of it
    ],
)
def test_nothing_outside_the_site_is_served(site: Site, path: str) -> None:
    response = site.client.get(path)
    assert response.status_code == 404
    assert SECRET not in response.text


@pytest.mark.parametrize("path", ["/../secret.txt", "/procedures/../../secret.txt"])
def test_a_raw_dotted_path_is_refused(site: Site, path: str) -> None:
    """Sent as is (an HTTP client would remove the dots before sending)."""
    status, body = asyncio.run(_raw_get(create_app(site.config), path))
    assert status == 404
    assert SECRET.encode() not in body


async def _raw_get(app: Any, path: str) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", f"127.0.0.1:{PORT}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", PORT),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(int(m["status"]) for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def test_another_host_name_is_refused(site: Site) -> None:
    """A page that rebinds its own name to 127.0.0.1 reads nothing."""
    with TestClient(create_app(site.config), base_url=f"http://evil.example:{PORT}") as client:
        assert client.get("/index.html").status_code == 400
        assert client.get("/upload").status_code == 400
    with TestClient(create_app(site.config), base_url=f"http://localhost:{PORT}") as client:
        assert client.get("/index.html").status_code == 200


def test_the_upload_page_is_a_form_in_vietnamese(site: Site) -> None:
    page = site.client.get("/upload")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text and "Nộp tệp thủ tục" in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'name="file"' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_a_good_file_is_saved_as_a_draft_and_its_import_started(site: Site) -> None:
    page = site.post("../../tên tệp/<i>thủ tục.yaml", _good())
    assert page.status_code == 200, page.text
    (saved,) = site.drafts()
    assert site.runs == [saved]
    assert saved.read_bytes() == _good()
    assert not saved.is_relative_to(site.config.out_dir)  # a draft, outside the site
    assert "-9.999999-" in saved.name
    assert saved.suffix == ".yaml" and "tệp" not in saved.name and "<" not in saved.name
    assert f'href="{UI}/v2/runs/flow-run/{RUN_ID}"' in page.text
    assert "&lt;i&gt;thủ tục.yaml" in page.text and "<i>thủ" not in page.text


def test_a_draft_is_in_a_folder_the_flows_may_read(site: Site) -> None:
    """The stack adds the drafts folder to TTHC_INBOX_DIRS (tests/tthc/test_serve_ports)."""
    page = site.post("thu-tuc.json", json.dumps(minimal_procedure()).encode())
    assert page.status_code == 200, page.text
    (saved,) = site.drafts()
    settings = Settings(inbox_dirs=[site.config.drafts_dir])
    assert readable_path(settings, str(saved)) == saved.resolve()


def test_a_bad_file_lists_its_problems_as_validate_does_and_saves_nothing(
    site: Site, tmp_path: Path
) -> None:
    document = minimal_procedure()
    document["steps"][1]["kind"] = "stamp"
    document["<script>alert(1)</script>"] = "x"
    bad = write_yaml(tmp_path / "bad.yaml", document)
    with pytest.raises(InvalidProcedure) as validate:  # what `tthc validate` reports
        load_procedures([bad], load_data_sources(get_settings().data_sources_file))
    page = site.post("bad.yaml", bad.read_bytes())
    assert page.status_code == 422
    assert len(validate.value.problems) >= 1
    for problem in validate.value.problems:
        assert html.escape(f"{problem.where}: {problem.message}") in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert site.drafts() == [] and site.runs == []


@pytest.mark.parametrize("name", ["thu-tuc.txt", "thu-tuc.py", "thu-tuc"])
def test_only_yaml_or_json_is_taken(site: Site, name: str) -> None:
    page = site.post(name, _good())
    assert page.status_code == 400 and "YAML hay JSON" in page.text
    assert site.drafts() == [] and site.runs == []


@pytest.mark.parametrize("extra", [1, 200_000])
def test_an_oversize_file_is_refused(site: Site, extra: int) -> None:
    """Just over the limit (read, then refused) and far over it (refused while read)."""
    page = site.post("big.yaml", b"#" * (MAX_FILE_BYTES + extra))
    assert page.status_code == 413 and "Tệp quá lớn" in page.text
    assert site.drafts() == [] and site.runs == []


def test_a_post_without_a_file_is_refused(site: Site) -> None:
    page = site.client.post("/upload", data={"x": "1"}, headers={"Origin": ORIGIN})
    assert page.status_code == 400 and "Chưa chọn tệp" in page.text
    assert site.drafts() == [] and site.runs == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},  # a page opened from a file, or a sandboxed frame
        {"Origin": UI},  # the Prefect UI is another origin
        {"Origin": "", "Referer": "http://evil.example/upload"},
        {"Origin": ""},
    ],
)
def test_a_post_from_another_site_is_refused(site: Site, headers: dict[str, str]) -> None:
    sent = {k: v for k, v in headers.items() if v}
    files = {"file": ("thu-tuc.yaml", _good(), "application/x-yaml")}
    page = site.client.post("/upload", files=files, headers=sent)
    assert page.status_code == 403 and "từ chối" in page.text
    assert site.drafts() == [] and site.runs == []


def test_a_post_with_only_the_sites_referer_is_taken(site: Site) -> None:
    files = {"file": ("thu-tuc.yaml", _good(), "application/x-yaml")}
    page = site.client.post("/upload", files=files, headers={"Referer": f"{ORIGIN}/upload"})
    assert page.status_code == 200
    assert len(site.drafts()) == 1


def test_a_run_that_cannot_start_is_said_and_the_draft_kept(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def server_down(path: Path) -> str:
        raise ConnectionError("All connection attempts failed <here>")

    monkeypatch.setattr(site_server, "start_import", server_down)
    page = site.post("thu-tuc.yml", _good())
    assert page.status_code == 502
    (saved,) = site.drafts()
    assert "All connection attempts failed &lt;here&gt;" in page.text
    assert html.escape(str(saved)) in page.text and "tthc import" in page.text


def test_a_body_without_a_declared_length_is_cut_off_at_the_limit(site: Site) -> None:
    """A chunked upload (no Content-Length) is read only up to the limit."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.yaml"'
        "\r\nContent-Type: application/yaml\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(MAX_FILE_BYTES // 65_536 + 10):
            yield b"#" * 65_536
        yield f"\r\n--{boundary}--\r\n".encode()

    page = site.client.post(
        "/upload",
        content=chunks(),
        headers={"Origin": ORIGIN, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert page.status_code == 413 and "Tệp quá lớn" in page.text
    assert site.drafts() == [] and site.runs == []


def test_the_page_says_whether_the_file_replaces_a_stored_procedure(site: Site) -> None:
    first = site.post("moi.yaml", _good())
    assert "Thủ tục mới" in first.text and "đã có trong kho" not in first.text
    with Session(make_engine(get_settings().database_url)) as session:
        import_procedures(session, [("moi.yaml", Procedure.model_validate(minimal_procedure()))])
        session.commit()
    again = site.post("moi.yaml", _good())
    assert "Thủ tục này đã có trong kho" in again.text and "vẫn được giữ nguyên" in again.text
