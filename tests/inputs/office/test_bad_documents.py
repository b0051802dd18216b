"""What an office document that cannot be read gets: one message naming the file, the
table and the row, and nothing drafted over an analyst's edits or stored."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image
from sqlmodel import Session, select

from inputs.office import read_office_document
from inputs.registry import load_inputs
from inputs.settings import get_settings
from jobs.importing import draft_documents
from models.errors import InvalidInput, UnreadableDocument
from store.engine import make_engine
from store.tables import ProcedureRecord
from tests.inputs.office.fixtures import read_spec, write_docx

HEADER = "| Thứ tự công việc | Nội dung công việc | Trách nhiệm thực hiện | Thời gian thực hiện |\n"
RULE = "|---|---|---|---|\n"


def _document(tmp_path: Path, text: str, name: str = "qd.docx") -> Path:
    spec_file = tmp_path / "spec.md"
    spec_file.write_text(text, encoding="utf-8")
    return write_docx(read_spec(spec_file), tmp_path / name)


def _table(*rows: str) -> str:
    return "1. Thủ tục thử (mã số 1.000001)\n" + HEADER + RULE + "".join(f"{r}\n" for r in rows)


def _message(error: UnreadableDocument) -> str:
    return str(error)


def test_a_file_that_is_not_a_word_document_is_named(tmp_path: Path) -> None:
    path = tmp_path / "quyet-dinh.docx"
    path.write_text("Đây là văn bản thường, không phải tệp Word", encoding="utf-8")
    with pytest.raises(UnreadableDocument) as caught:
        read_office_document(path)
    assert f"{path}: file: is not a Word document" in _message(caught.value)


def test_a_password_protected_office_file_says_how_to_remove_the_password(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bao-mat.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # how Office encrypts
    with pytest.raises(UnreadableDocument) as caught:
        read_office_document(path)
    assert "password-protected" in _message(caught.value) and "File > Info" in _message(
        caught.value
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    source = _document(tmp_path, "Văn bản có mật khẩu\n")
    options = {
        "EncryptFile": {"type": "boolean", "value": "true"},
        "DocumentOpenPassword": {"type": "string", "value": "matkhau"},
    }
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", f"pdf:writer_pdf_Export:{json.dumps(options)}",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with pytest.raises(UnreadableDocument) as caught:
        read_office_document(tmp_path / "qd.pdf")
    assert "password-protected" in _message(caught.value)


def test_a_scanned_pdf_says_it_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "ban-scan.pdf"
    Image.new("RGB", (600, 800), "white").save(path)
    with pytest.raises(UnreadableDocument) as caught:
        read_office_document(path)
    message = _message(caught.value)
    assert "no text layer" in message and "scanned image" in message and "OCR" in message


def test_a_document_without_a_process_table_names_the_tables_it_saw(tmp_path: Path) -> None:
    path = _document(tmp_path, "Danh sách\n| Họ và tên | Địa chỉ |\n|---|---|\n| A | B |\n")
    with pytest.raises(UnreadableDocument) as caught:
        read_office_document(path)
    message = _message(caught.value)
    assert "holds no internal-process table" in message and "Họ và tên | Địa chỉ" in message


def test_a_table_without_the_responsible_column_is_named(tmp_path: Path) -> None:
    spec = (
        "1. Thủ tục thử (mã số 1.000001)\n| Bước | Nội dung công việc | Thời gian thực hiện |\n"
        "|---|---|---|\n| Bước 1 | Tiếp nhận hồ sơ | 0,5 ngày |\n"
    )
    imported = read_office_document(_document(tmp_path, spec))
    [problem] = imported.problems
    assert problem.where == "table 1"
    assert "no column for who does it (Trách nhiệm thực hiện" in problem.message


def test_a_time_that_cannot_be_read_names_the_table_and_row(tmp_path: Path) -> None:
    spec = _table(
        "| Bước 1 | Tiếp nhận hồ sơ | Bộ phận Một cửa | 0,5 ngày làm việc |",
        "| Bước 2 | Thẩm định hồ sơ | Chuyên viên | theo quy định |",
    )
    path = _document(tmp_path, spec)
    imported = read_office_document(path)
    [problem] = imported.problems
    assert (problem.file, problem.where) == (str(path), "table 1, row 3")
    assert "'theo quy định' cannot be read" in problem.message


def test_nothing_is_stored_when_one_row_cannot_be_read(tmp_path: Path) -> None:
    good = _table("| Bước 1 | Tiếp nhận hồ sơ | Bộ phận Một cửa | 0,5 ngày làm việc |")
    bad = (
        "2. Thủ tục khác (mã số 1.000002)\n" + HEADER + RULE
        + "| Bước 1 | Thẩm định | Chuyên viên | tùy trường hợp |\n"
    )  # fmt: skip
    path = _document(tmp_path, good + "\n" + bad)
    url = f"sqlite:///{tmp_path / 'kho.db'}"
    with pytest.raises(InvalidInput) as caught:
        draft_documents([path], tmp_path / "drafts", load_inputs(get_settings()).sources, url)
    assert "'tùy trường hợp' cannot be read" in str(caught.value)
    with Session(make_engine(url)) as session:
        assert session.exec(select(ProcedureRecord)).all() == []
    report = (tmp_path / "drafts" / "import-report.md").read_text("utf-8")
    assert "Không đọc được" in report and "Chưa lưu gì vào kho" in report


def test_the_total_row_is_checked_against_the_steps(tmp_path: Path) -> None:
    spec = _table(
        "| Bước 1 | Tiếp nhận hồ sơ | Bộ phận Một cửa | 0,5 ngày làm việc |",
        "| Bước 2 | Thẩm định hồ sơ | Chuyên viên | 07 ngày làm việc |",
        "| Bước 3 | Ký duyệt | Lãnh đạo Sở | 02 ngày làm việc |",
        "| Tổng thời gian giải quyết TTHC | < | < | 10 ngày làm việc |",
    )
    [draft] = read_office_document(_document(tmp_path, spec)).drafts
    assert draft.document["statutory_days"] == 10  # as written, not silently fixed
    assert any(
        "tổng thời gian ghi 10 ngày làm việc (bảng 1, dòng 5) nhưng cộng các bước được "
        "9,5 ngày làm việc" in line
        for line in draft.confirm
    )


def test_a_draft_edited_by_hand_is_not_overwritten(tmp_path: Path) -> None:
    path = _document(tmp_path, _table("| Bước 1 | Tiếp nhận | Bộ phận Một cửa | 02 giờ |"))
    sources = load_inputs(get_settings()).sources
    run = draft_documents([path], tmp_path / "drafts", sources)
    draft = run.files["1.000001"]
    draft_documents([path], tmp_path / "drafts", sources)  # the same again: fine
    draft.write_text(draft.read_text("utf-8") + "annual_volume_note: edited\n", "utf-8")
    with pytest.raises(UnreadableDocument) as caught:
        draft_documents([path], tmp_path / "drafts", sources)
    assert "edited by hand?" in str(caught.value)
    assert draft.read_text("utf-8").endswith("annual_volume_note: edited\n")


def test_a_word_file_with_paragraphs_only_is_not_a_portal_record_either(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Công văn về việc rà soát thủ tục hành chính")
    path = tmp_path / "cong-van.docx"
    document.save(str(path))
    with pytest.raises(UnreadableDocument) as caught:
        draft_documents([path], tmp_path / "drafts", load_inputs(get_settings()).sources)
    assert "holds no internal-process table" in str(caught.value)
