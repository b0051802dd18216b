"""The import report: for every procedure drafted from an office document, what was
read, what was inferred, what was defaulted and what the analyst must confirm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from inputs.office import DocumentImport
from inputs.office.drafts import Draft
from models.errors import Problem
from publishing.labels import markdown_text, number, plain_number

__all__ = ["import_report"]

_KINDS = {
    "submit": "nộp",
    "receive": "tiếp nhận",
    "check": "kiểm tra hồ sơ",
    "transfer": "chuyển",
    "appraise": "thẩm định",
    "verify": "xác minh",
    "approve": "phê duyệt",
    "sign": "ký",
    "issue": "vào sổ, phát hành",
    "pay": "nộp phí",
    "return": "trả kết quả",
    "notify": "thông báo",
    "wait": "chờ",
    "decide": "rẽ nhánh",
}
_ROLES = {
    "applicant": "tổ chức, cá nhân",
    "one_stop": "một cửa",
    "specialist": "chuyên viên",
    "leader": "lãnh đạo",
    "external_agency": "cơ quan khác",
    "system": "hệ thống",
}


def _time(step: Mapping[str, object]) -> str:
    if "days" in step:
        return f"{plain_number(float(step['days']), 4)} ngày"  # type: ignore[arg-type]
    if "hours" in step:
        return f"{plain_number(float(step['hours']), 4)} giờ"  # type: ignore[arg-type]
    return "—"


def _steps_table(draft: Draft) -> list[str]:
    actors = draft.document.get("actors", {})
    lines = ["| Bước | Nội dung | Ai làm (vai trò) | Loại | Thời gian |", "|---|---|---|---|---|"]
    for step in draft.document.get("steps", []):
        actor = actors.get(step["actor"], {})
        lines.append(
            f"| {markdown_text(step['id'])} | {markdown_text(step['name'])} | "
            f"{markdown_text(actor.get('name', ''))} ({_ROLES.get(actor.get('kind', ''), '')}) "
            f"| {_KINDS.get(step['kind'], step['kind'])} | {_time(step)} |"
        )
    return lines


def _items(title: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [
        "",
        f"**{title}** ({number(len(items), 'vi')})",
        "",
        *(f"- {markdown_text(i)}" for i in items),
    ]


def import_report(
    documents: Sequence[DocumentImport],
    files: Mapping[str, Path],
    invalid: Mapping[str, Sequence[Problem]],
    stored: bool,
    unmatched: Sequence[str] = (),
) -> str:
    """The report as Markdown (the drafts' folder and the Prefect UI both show it).

    `files` maps a draft's code to the file written; `invalid` a code to what its draft
    still fails (the validation's problems)."""
    drafts = [d for doc in documents for d in doc.drafts]
    problems = [p for doc in documents for p in doc.problems]
    steps = sum(d.steps_read for d in drafts)
    state = (
        "Đã lưu các bản nháp hợp lệ vào kho (phiên bản hiện trạng mới)."
        if stored
        else "Chưa lưu gì vào kho: xác nhận các bản nháp rồi nhập bằng `tthc import "
        "<thư mục bản nháp>` (hoặc chạy lại với `--store`)."
    )
    lines = [
        "# Báo cáo nhập quy trình nội bộ",
        "",
        f"{number(len(documents), 'vi')} tệp, {number(len(drafts), 'vi')} thủ tục, "
        f"{number(steps, 'vi')} bước đọc từ bảng; {number(len(problems), 'vi')} dòng không đọc "
        f"được, {number(len(invalid), 'vi')} bản nháp chưa hợp lệ. {state}",
    ]
    if unmatched:
        lines += [
            "",
            "Trang Cổng DVC không khớp mã với bảng nào (không dùng): "
            + "; ".join(markdown_text(u) for u in unmatched)
            + ".",
        ]
    for doc in documents:
        lines += ["", f"## Tệp {markdown_text(Path(doc.file).name)}", ""]
        if doc.decision:
            lines.append(f"Văn bản: {markdown_text(doc.decision)}.")
        if doc.skipped:
            lines.append(
                "Bảng không phải quy trình (bỏ qua): "
                + "; ".join(markdown_text(s) for s in doc.skipped)
                + "."
            )
        for problem in doc.problems:
            if not any(problem in d.problems for d in doc.drafts):
                lines.append(
                    f"- Không đọc được: {markdown_text(f'{problem.where}: {problem.message}')}"
                )
        for index, draft in enumerate(doc.drafts, 1):
            name = str(draft.document.get("name", ""))
            target = files.get(draft.code)
            lines += [
                "",
                f"### {index}. {markdown_text(name)} (mã {markdown_text(draft.code)})",
                "",
                f"Từ {markdown_text(draft.where_vi)}; "
                + (f"bản nháp {markdown_text(str(target))}" if target else "không viết bản nháp")
                + ("; chưa hợp lệ" if draft.code in invalid else "; hợp lệ" if target else "")
                + ".",
                "",
            ]
            if draft.document.get("steps"):
                lines += _steps_table(draft)
            lines += _items("Không đọc được", [f"{p.where}: {p.message}" for p in draft.problems])
            lines += _items(
                "Chưa hợp lệ", [f"{p.where}: {p.message}" for p in invalid.get(draft.code, [])]
            )
            lines += _items("Cần xác nhận", draft.confirm)
            lines += _items("Suy ra", draft.inferred)
            lines += _items("Mặc định", draft.defaulted)
            lines += _items("Đọc được", draft.read)
    return "\n".join(lines) + "\n"
