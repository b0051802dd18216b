"""The review site's web server, which `tthc serve` starts on 127.0.0.1
(`python -m tthc.site_server --port P --out-dir D --drafts-dir X --ui-url U`): the
static site from the output folder, nothing outside it, and `/upload`, where an analyst
hands in a procedure file (YAML or JSON).

A file handed in is read, never executed, and checked at once by the checks of
`tthc validate` (`inputs.files.load_procedures`, the same messages). With problems, the
page lists them and nothing is saved. Valid, it is saved in the drafts folder under a
name made here (never the browser's), and a run of the `import-catalog` deployment is
started on it; the page links the run in the Prefect UI.

Other web pages cannot use it: a POST whose Origin (or, lacking one, Referer) is not
the site's own is refused, and so is any request naming a host other than 127.0.0.1 or
localhost (a page that rebinds its own name to 127.0.0.1).
"""

from __future__ import annotations

import argparse
import html
import re
import secrets
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message

from inputs.files import MAX_FILE_BYTES, PROCEDURE_SUFFIXES, load_procedures
from inputs.registry import load_data_sources
from inputs.settings import get_settings
from models.errors import InvalidInput
from models.procedure import Procedure
from store.engine import shared_engine
from store.queries import versions_of

__all__ = ["DEPLOYMENT", "HOSTS", "SiteConfig", "StartRun", "create_app", "main", "start_import"]

DEPLOYMENT = "import-catalog/import-catalog"
"""The deployment a file handed in is imported by (prefect.yaml)."""
HOSTS = ("127.0.0.1", "localhost")
"""The names the site answers to: it listens on 127.0.0.1 only."""
_FORM_BYTES = 64 * 1024
"""What a form may add around the file: its boundaries and part headers."""

StartRun = Callable[[Path], Awaitable[str]]
"""Starts the import of a saved file; returns the flow run's id."""


@dataclass(frozen=True)
class SiteConfig:
    """What the site serves, where it saves, and where the Prefect UI is."""

    out_dir: Path
    """The review site (TTHC_OUT_DIR of the stack)."""
    drafts_dir: Path
    """Where files handed in are saved: outside `out_dir`, an inbox folder of the flows."""
    port: int
    ui_url: str
    """The Prefect UI, which the page links a started run in."""

    @property
    def origins(self) -> frozenset[str]:
        """The site's own origins: the only ones a POST is taken from."""
        return frozenset(f"http://{host}:{self.port}" for host in HOSTS)


async def start_import(path: Path) -> str:
    """Start a run of `import-catalog` on `path` through the Prefect API (PREFECT_API_URL)
    without waiting for it; return the run's id."""
    from prefect.deployments import arun_deployment

    run = await arun_deployment(DEPLOYMENT, parameters={"path": str(path)}, timeout=0)
    return str(run.id)


def create_app(config: SiteConfig, start_run: StartRun | None = None) -> Starlette:
    """The site's application; `start_run` starts an import (default: `start_import`)."""

    async def upload(request: Request) -> Response:
        if request.method != "POST":
            return _form_page()
        return await _receive(request, config, start_run or start_import)

    return Starlette(
        routes=[
            Route("/upload", upload, methods=["GET", "POST"]),
            Mount("/", app=StaticFiles(directory=config.out_dir, html=True)),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(HOSTS))],
    )


# --- receiving a file --------------------------------------------------------------


@dataclass(frozen=True)
class _Upload:
    name: str
    """The file's name as the browser gave it, its folders dropped: shown, never used."""
    content: bytes


async def _receive(request: Request, config: SiteConfig, start_run: StartRun) -> Response:
    if not _same_origin(request, config):
        return _page(
            "Yêu cầu bị từ chối",
            "<p>Trang này chỉ nhận tệp nộp từ chính nó. Mở "
            '<a href="/upload">trang nộp tệp</a> rồi nộp lại.</p>',
            403,
        )
    try:
        upload = await _file_of(request, MAX_FILE_BYTES)
    except _TooLarge:
        return _form_page(f"Tệp quá lớn: một tệp thủ tục tối đa {_LIMIT}.", 413)
    if upload is None or not upload.content:
        return _form_page("Chưa chọn tệp, hoặc tệp rỗng: chọn một tệp thủ tục rồi nộp.", 400)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in PROCEDURE_SUFFIXES:
        return _form_page(
            f"Tệp {_quote(upload.name)} không phải YAML hay JSON: chỉ nhận tệp có đuôi "
            f"{', '.join(PROCEDURE_SUFFIXES)}.",
            400,
        )
    checked = await run_in_threadpool(_check, upload, suffix)
    if not isinstance(checked, Procedure):
        return _problems_page(upload, checked)
    saved = await run_in_threadpool(_save, config.drafts_dir, checked, suffix, upload.content)
    stored = await run_in_threadpool(_in_store, checked.code)
    try:
        run_id = await start_run(saved)
    except Exception as error:  # the server down, the deployment missing: said, not hidden
        return _not_started_page(upload, checked, saved, config, error)
    run = f"{config.ui_url.rstrip('/')}/v2/runs/flow-run/{run_id}"  # the UI Prefect opens
    return _started_page(upload, checked, saved, run, stored)


def _same_origin(request: Request, config: SiteConfig) -> bool:
    """Whether the POST comes from a page of this site (browsers send Origin with every
    POST; Referer is the fallback); neither is refused."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = urlsplit(request.headers.get("referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() in config.origins


async def _file_of(request: Request, limit: int) -> _Upload | None:
    """The form's part `file` (Starlette's parser, python-multipart), or None when there
    is none; raises `_TooLarge` as soon as the file, or the whole request, is too long
    (whether or not the request declares its length)."""
    whole = limit + _FORM_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > whole:
        raise _TooLarge
    try:
        async with _bounded(request, whole).form(max_files=1, max_fields=10) as form:
            part = form.get("file")
            if not isinstance(part, UploadFile) or not part.filename:
                return None
            content = await part.read(limit + 1)
    except HTTPException:  # a body that is not a form Starlette can read
        return None
    if len(content) > limit:
        raise _TooLarge
    return _Upload(re.split(r"[\\/]", part.filename)[-1], content)


def _bounded(request: Request, limit: int) -> Request:
    """`request`, reading at most `limit` bytes of its body before `_TooLarge`."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _TooLarge
        return message

    return Request(request.scope, receive)


class _TooLarge(Exception):
    """The request is longer than the limit."""


def _check(upload: _Upload, suffix: str) -> Procedure | list[str]:
    """The procedure in the file, or its problems: the checks and words of `tthc
    validate`, on a private copy that is gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="tthc-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload.content)
        try:
            sources = load_data_sources(get_settings().data_sources_file)
            (procedure,) = load_procedures([path], sources).values()
        except InvalidInput as error:
            return [
                f"{p.where}: {p.message}" if p.file == str(path) else str(p) for p in error.problems
            ]
    return procedure


def _save(drafts: Path, procedure: Procedure, suffix: str, content: bytes) -> Path:
    """Save a valid file in `drafts` under a new name: when, the code, a random part."""
    drafts.mkdir(parents=True, exist_ok=True)
    code = re.sub(r"[^A-Za-z0-9.-]", "_", procedure.code)[:64]
    name = f"{datetime.now():%Y%m%d-%H%M%S}-{code}-{secrets.token_hex(4)}{suffix}"
    path = drafts / name
    with path.open("xb") as stream:
        stream.write(content)
    return path


# --- pages -------------------------------------------------------------------------

_LIMIT = f"{MAX_FILE_BYTES / 1_000_000:g} MB"
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_STYLE = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:48rem;margin:2rem auto;"
    "padding:0 1rem;line-height:1.5;color:#1a1a1a}"
    "h1{font-size:1.4rem}.problems li{color:#8a1c1c}.note{color:#555}"
    "code{background:#f2f2f2;padding:0 .2rem}"
)


def _quote(text: str) -> str:
    return f"<strong>{html.escape(text)}</strong>"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}"
        '<p><a href="/">Về trang rà soát</a></p></body></html>'
    )
    return HTMLResponse(document, status_code=status, headers=_HEADERS)


_FORM = (
    '<form method="post" action="/upload" enctype="multipart/form-data">'
    '<p><label>Tệp thủ tục: <input type="file" name="file" accept=".yaml,.yml,.json" '
    'required></label></p><p><button type="submit">Kiểm tra và nộp</button></p></form>'
)


def _form_page(message: str | None = None, status: int = 200) -> HTMLResponse:
    """The upload form; `message` (HTML) says why the last file was refused."""
    said = f'<p class="problems">{message}</p>' if message else ""
    return _page(
        "Nộp tệp thủ tục hành chính",
        f"{said}<p>Chọn một tệp thủ tục (YAML hoặc JSON, định dạng trong "
        f"<code>docs/procedure-format.md</code>), tối đa {_LIMIT}. Tệp được kiểm tra ngay "
        "như <code>tthc validate</code>: nếu có lỗi, trang liệt kê từng lỗi và không lưu "
        "gì; nếu hợp lệ, tệp được lưu vào thư mục nháp và được nhập vào kho bằng luồng "
        f"<code>import-catalog</code> của Prefect.</p>{_FORM}",
        status,
    )


def _problems_page(upload: _Upload, problems: list[str]) -> HTMLResponse:
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return _page(
        "Tệp chưa hợp lệ: chưa lưu",
        f"<p>Tệp {_quote(upload.name)} có {len(problems)} lỗi; chưa lưu gì. Sửa các lỗi "
        f'dưới đây rồi nộp lại.</p><ul class="problems">{items}</ul>{_FORM}',
        422,
    )


def _saved(upload: _Upload, procedure: Procedure, saved: Path) -> str:
    return (
        f"<p>Tệp {_quote(upload.name)} (thủ tục {html.escape(procedure.code)}: "
        f"{html.escape(procedure.name)}) hợp lệ và đã được lưu thành "
        f"<code>{html.escape(str(saved))}</code>.</p>"
    )


def _in_store(code: str) -> bool:
    """Whether the store already holds procedure `code`."""
    with Session(shared_engine(get_settings().database_url)) as session:
        return code in versions_of(session, [code])


def _started_page(
    upload: _Upload, procedure: Procedure, saved: Path, run: str, stored: bool
) -> HTMLResponse:
    replaces = (
        "<p>Thủ tục này đã có trong kho: nếu nội dung khác, tệp được nhập thành phiên bản "
        "hiện trạng mới, được phân tích lại trong lần chạy đêm tới; các phiên bản cũ và kết "
        "quả đã duyệt vẫn được giữ nguyên.</p>"
        if stored
        else "<p>Thủ tục mới: sau khi nhập, thủ tục được phân tích trong lần chạy đêm tới "
        "(hoặc chạy reengineer-procedure ngay).</p>"
    )
    return _page(
        "Đã nhận tệp",
        f"{_saved(upload, procedure, saved)}{replaces}<p>Đã bắt đầu nhập vào kho: "
        f'<a href="{html.escape(run)}">xem lượt chạy trong Prefect</a>.</p>'
        f"<h2>Nộp tệp khác</h2>{_FORM}",
    )


def _not_started_page(
    upload: _Upload, procedure: Procedure, saved: Path, config: SiteConfig, error: Exception
) -> HTMLResponse:
    reason = " ".join(str(error).split())[:300] or type(error).__name__
    return _page(
        "Đã lưu tệp, chưa nhập được",
        f"{_saved(upload, procedure, saved)}<p>Chưa bắt đầu được lượt chạy "
        f"<code>{DEPLOYMENT}</code>: {html.escape(reason)}.</p>"
        f'<p class="note">Kiểm tra máy chủ Prefect (<a href="{html.escape(config.ui_url)}">'
        f"giao diện Prefect</a>), rồi chạy deployment này với <code>path</code> là tệp "
        f"đã lưu, hoặc <code>tthc import {html.escape(str(saved))}</code>.</p>",
        502,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the site on 127.0.0.1 until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m tthc.site_server",
        description="The review site and its upload page, on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out-dir", type=Path, required=True, help="The review site.")
    parser.add_argument("--drafts-dir", type=Path, required=True, help="Where uploads go.")
    parser.add_argument("--ui-url", required=True, help="The Prefect UI, for run links.")
    args = parser.parse_args(argv)
    config = SiteConfig(
        out_dir=args.out_dir.resolve(),
        drafts_dir=args.drafts_dir.resolve(),
        port=args.port,
        ui_url=args.ui_url,
    )
    config.out_dir.mkdir(parents=True, exist_ok=True)
    uvicorn.run(
        create_app(config),
        host="127.0.0.1",
        port=config.port,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
