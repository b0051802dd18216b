"""Importing what offices already have: the internal-process tables of a decision (Word,
Excel, text PDF) and the national portal's text of a procedure, as draft procedure files
(format v1) with an account of what was read, inferred and defaulted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from inputs.office.blocks import OFFICE_SUFFIXES, Block, Line, read_blocks
from inputs.office.drafts import Draft, draft_of
from inputs.office.tables import find_procedures
from models.errors import Problem, UnreadableDocument

__all__ = ["OFFICE_SUFFIXES", "DocumentImport", "draft_yaml", "read_office_document"]

_DECISION = re.compile(
    r"(quyết định (?:số )?\d+/(?:\d{4}/)?QĐ-[A-ZĐ]+"
    r"(?:\s+ngày\s+\d{1,2}(?:/\d{1,2}/\d{4}|\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?"
    r"(?:\s+(?:của|về)\s+[^)\n.;]{3,120})?)",
    re.IGNORECASE,
)


@dataclass
class DocumentImport:
    """What one document gave: its drafts, the tables it skipped, what stopped a table."""

    file: str
    decision: str
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_office_document(path: Path, blocks: Sequence[Block] | None = None) -> DocumentImport:
    """The draft procedures of the internal-process tables in `path`.

    Raises `UnreadableDocument` when the file cannot be read at all or holds no process
    table; a table or row that cannot be read is a problem of the result.
    """
    file = str(path)
    if blocks is None:
        blocks = read_blocks(path)
    lines = [b.text for b in blocks if isinstance(b, Line)]
    decision = next((m.group(1).strip() for t in lines[:40] if (m := _DECISION.search(t))), "")
    found, problems, skipped = find_procedures(file, blocks)
    if not found and not problems:
        tables = "; ".join(skipped) if skipped else "none"
        raise UnreadableDocument(
            [
                Problem(
                    file,
                    "document",
                    (
                        "holds no internal-process table: no table has columns for the "
                        "work done, who does it and the time (Nội dung công việc, Trách "
                        f"nhiệm thực hiện, Thời gian thực hiện). Tables seen: {tables}"
                    ),
                )
            ]
        )
    result = DocumentImport(file, _capitalised(decision), skipped=skipped, problems=problems)
    codes: dict[str, int] = {}
    for procedure in found:
        draft = draft_of(file, procedure, result.decision)
        if draft.code in codes:
            codes[draft.code] += 1
            draft.code = f"{draft.code}-{codes[draft.code]}"
            draft.document["code"] = draft.code
            draft.confirm.append(f"mã trùng với một bảng khác trong tệp: đặt tạm {draft.code}")
        codes.setdefault(draft.code, 1)
        result.drafts.append(draft)
        result.problems += draft.problems
    return result


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def draft_yaml(draft: Draft) -> str:
    """The draft as a format v1 file, headed by where it came from and what to confirm."""
    document: dict[str, Any] = {k: v for k, v in draft.document.items() if not k.startswith("_")}
    head = [
        f"# Bản nháp nhập từ {Path(draft.file).name}, {draft.where_vi}.",
        "# Đọc báo cáo nhập (import-report.md), xác nhận các mục dưới đây rồi mới lưu.",
        *(f"# - {' '.join(item.split())}" for item in draft.confirm),
    ]
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(head) + "\n" + body
