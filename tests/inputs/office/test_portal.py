"""The national portal's page of a procedure fills the draft of the same code: header,
fees per channel, legal basis, the dossier and the documents a database replaces; as
text, HTML or Word."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import docx
import pytest

from inputs.office.portal import read_portal
from inputs.registry import load_inputs
from inputs.settings import get_settings
from jobs.importing import draft_documents
from models.errors import UnreadableDocument
from tests.inputs.office.fixtures import read_spec, write_docx

PORTAL = Path(__file__).parent / "portal"
TABLE = """1. Đăng ký thường trú (mã số 1.004222)
| Thứ tự công việc | Nội dung công việc | Trách nhiệm thực hiện | Thời gian thực hiện |
|---|---|---|---|
| Bước 1 | Tiếp nhận hồ sơ; hướng dẫn bổ sung, hoàn thiện | Công an cấp xã | 0,5 ngày |
| Bước 2 | Kiểm tra, xác minh, đề xuất | Cán bộ đăng ký cư trú | 05 ngày làm việc |
| Bước 3 | Phê duyệt | Trưởng Công an cấp xã | 01 ngày làm việc |
| Bước 4 | Trả kết quả | Công an cấp xã | 0,5 ngày làm việc |
"""


def _as_html(text: str, path: Path) -> Path:
    path.write_text(f"<html><body><div>{html.escape(text)}</div></body></html>", "utf-8")
    return path


def _as_docx(text: str, path: Path) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["txt", "html", "docx"])
def test_the_portal_record_is_read_whatever_it_was_saved_as(kind: str, tmp_path: Path) -> None:
    text = (PORTAL / "1.004222.txt").read_text("utf-8")
    path = {
        "txt": lambda: PORTAL / "1.004222.txt",
        "html": lambda: _as_html(text, tmp_path / "trang.html"),
        "docx": lambda: _as_docx(text, tmp_path / "trang.docx"),
    }[kind]()
    record = read_portal(path)
    assert record is not None and record.code == "1.004222"
    assert record.fees == {"online": 10000, "in_person": 20000}
    assert record.days == 7
    assert record.section("agency") == "Công an cấp Xã"
    assert "Nghị quyết 66.7/2025/NQ-CP" in record.legal_basis
    assert "Thông tư 53/2025/TT-BCA" in record.legal_basis
    assert len(record.cases) >= 6


def test_a_text_that_is_not_a_portal_record_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Ghi chú cuộc họp rà soát thủ tục", "utf-8")
    with pytest.raises(UnreadableDocument) as caught:
        read_portal(path)
    assert "is not a national portal record" in str(caught.value)


def _draft(tmp_path: Path, *extra: Path) -> Any:
    spec = tmp_path / "bang.md"
    spec.write_text(TABLE, "utf-8")
    table = write_docx(read_spec(spec), tmp_path / "quyet-dinh.docx")
    sources = load_inputs(get_settings()).sources
    return draft_documents([table, *extra], tmp_path / "drafts", sources)


def test_the_portal_page_fills_the_draft_of_its_code(tmp_path: Path) -> None:
    run = _draft(tmp_path, PORTAL / "1.004222.txt", PORTAL / "1.001612.txt")
    assert run.problems == [] and run.invalid == {}
    [doc] = run.documents
    [draft] = doc.drafts
    document = draft.document
    assert document["fees_vnd"] == {"in_person": 20000, "online": 10000}
    assert document["agency"] == "Công an cấp Xã"
    assert document["field"] == "Đăng ký, quản lý cư trú"
    assert document["level"] == "commune"
    assert "Thông tư 53/2025/TT-BCA" in document["legal_basis"]
    submitted = document["steps"][0]["documents"]
    names = [document["documents"][d]["name"] for d in submitted]
    assert any(n.startswith("Tờ khai thay đổi thông tin cư trú") for n in names)
    housing = next(d for d in document["documents"].values()
                   if d["name"].startswith("Thông tin chứng minh về chỗ ở hợp pháp"))  # fmt: skip
    assert housing["held_by"] == "population_db"
    assert not any(c.startswith("phí, lệ phí") for c in draft.confirm)
    assert any("trường hợp hồ sơ" in c for c in draft.confirm)  # eight cases: one drafted
    assert run.portal_unmatched == [f"{PORTAL / '1.001612.txt'} (1.001612)"]
    report = run.report.read_text("utf-8")
    assert "không khớp mã" in report and "1.001612" in report
