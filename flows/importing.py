"""The `import-catalog` flow: procedure files into the store, as new as-is versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run

from flows.artifacts import refuse_error
from flows.forms import refresh_forms
from flows.tasks import import_batch, read_files, read_inputs
from inputs.settings import get_settings, output_folder, readable_path
from jobs.importing import REPORT_NAME, draft_documents, is_office_file
from models.errors import InvalidInput, TthcError
from publishing.ui_pages import import_markdown

__all__ = ["import_catalog"]

BATCH_SIZE = 1000
"""Procedures per transaction."""


def _import_named() -> str:
    """The run's name: what it imports (`import 09-dang-ky-khai-sinh.yaml`)."""
    return f"import {Path(str(flow_run.parameters.get('path') or '')).name}"


@flow(name="import-catalog", log_prints=True, flow_run_name=_import_named)
def import_catalog(path: str, store: bool = False) -> dict[str, Any] | State:
    """Validate procedure files and store each as a new as-is version; a file whose
    content is already stored adds nothing. One invalid file stops the import before
    anything is stored, and its error names the file, the element and the fix.

    An office document (a decision's internal-process tables in Word, Excel or PDF, or a
    portal page) is drafted instead: draft files and an import report under the output
    folder's `imports/`, stored only with `store` once every draft validates.

    Args:
        path: Tệp thủ tục (YAML hoặc JSON, docs/procedure-format.md) hoặc thư mục chứa
            các tệp; hoặc văn bản của cơ quan (quyết định phê duyệt quy trình nội bộ dạng
            .docx, .xlsx, .pdf; trang Cổng DVC quốc gia dạng .txt, .html), trên máy chạy
            worker, trong thư mục danh mục hoặc thư mục nhận tệp (TTHC_INBOX_DIRS); đường
            dẫn tương đối tính từ thư mục dự án. Tệp nộp qua trang Nộp tệp được nhập tự
            động.
        store: Với văn bản của cơ quan: lưu các bản nháp vào kho khi tất cả hợp lệ (một
            giao dịch). Không chọn thì chỉ viết bản nháp và báo cáo nhập để xác nhận.
    """
    try:
        if is_office_file(Path(path)):
            return _draft(path, store)
        return _import(path)
    except TthcError as error:
        return refuse_error(error)


def _draft(path: str, store: bool) -> dict[str, Any] | State:
    """An office document drafted (and stored when asked): the report as the run's page."""
    settings = get_settings()
    allowed = readable_path(settings, path)
    out = output_folder(settings, None) / "imports" / allowed.stem
    inputs = read_inputs()
    try:
        run = draft_documents(
            [allowed], out, inputs.sources, settings.database_url if store else None
        )
    except InvalidInput as error:
        report = out / REPORT_NAME
        if report.exists():
            create_markdown_artifact(
                report.read_text(encoding="utf-8"), key="import-report", description=_REPORT
            )
        return refuse_error(error)
    create_markdown_artifact(
        run.report.read_text(encoding="utf-8"), key="import-report", description=_REPORT
    )
    drafts = len(run.files)
    print(f"{drafts} drafts under {out}, {len(run.invalid)} invalid; report {run.report}")
    if run.stored:
        refresh_forms()
    return {
        "drafts": drafts,
        "invalid": len(run.invalid),
        "problems": len(run.problems),
        "stored": len(run.stored),
        "report": str(run.report),
    }


_REPORT = "Báo cáo nhập quy trình nội bộ"


def _import(path: str) -> dict[str, Any]:
    settings = get_settings()
    allowed = readable_path(settings, path)
    inputs = read_inputs()
    procedures = read_files([str(allowed)], inputs)
    imported = [
        row
        for start in range(0, len(procedures), BATCH_SIZE)
        for row in import_batch(settings.database_url, procedures[start : start + BATCH_SIZE])
    ]
    new = sum(created for _, created in imported)
    print(f"{len(imported)} procedures: {new} new versions, {len(imported) - new} unchanged")
    codes = sorted(
        p.code for (_, p), (_, created) in zip(procedures, imported, strict=True) if created
    )
    create_markdown_artifact(
        import_markdown(str(allowed), len(imported), codes),
        key="import-summary",
        description="Kết quả nhập thủ tục",
    )
    refresh_forms()  # the new procedures in the forms' picker
    return {"procedures": len(imported), "new_versions": new}
