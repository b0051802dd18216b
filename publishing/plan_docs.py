"""What the province submits, as Word (and Excel) documents, from the plans of
`analysis.plan`: the simplification plan (Circular 02/2017/TT-VPCP's shape, as 2025
decisions use it), a restructuring plan per procedure (Hà Nội QĐ 1610/QĐ-TTPVHCC's
shape), and the proposed internal process tables. Every plan's arithmetic is checked
first; when one does not add up, nothing is written."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document as WordDocument
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from analysis.approval import ApprovalLevel
from analysis.plan import PlanSettings, ProcedurePlan, ProcessRow, plan_of
from analysis.plan_checks import plan_problems
from analysis.result import Inputs, ProcedureAnalysis
from analysis.review import ReviewDecision
from diagrams.figures import DiagramFiles, slug, write_atomically
from models.errors import PlanDoesNotAddUp
from models.graph import Header
from publishing.labels import (
    APPROVAL_LEVELS,
    COST_METHODS,
    inert_cell,
    local_time,
    number,
    plain_number,
    working_days,
    working_time,
)
from publishing.word import caption, figure, heading, new_document, save, table, title
from rules import Change
from rules.edits import SwitchChannel

__all__ = [
    "PLAN_DOCUMENTS",
    "PlanEntry",
    "PlanFiles",
    "plan_entries",
    "publish_plans",
    "restructuring_path",
]

RULE_PHRASES = {
    "CH01": "Tiếp nhận hồ sơ trực tuyến trên Cổng Dịch vụ công",
    "CH02": "Thanh toán phí, lệ phí trực tuyến",
    "CH03": "Trả kết quả điện tử hoặc qua dịch vụ bưu chính công ích",
    "CH04": "Chuyển hồ sơ giữa các cơ quan qua liên thông điện tử",
    "DO01": "Không yêu cầu nộp giấy tờ mà cơ sở dữ liệu đã kết nối đã có",
    "DO02": "Thay việc đối chiếu giấy tờ bằng tra cứu cơ sở dữ liệu",
    "DO03": "Bỏ việc kiểm tra giấy tờ không còn phải nộp",
    "FL01": "Bỏ bước quyết định chỉ có một kết quả",
    "FL02": "Bỏ các bước không bao giờ được thực hiện",
    "ST01": "Bỏ bước chuyển hồ sơ trung gian",
    "ST02": "Gộp các bước liên tiếp của cùng một người thực hiện",
    "ST03": "Bỏ bước kiểm tra trùng lặp",
    "ST04": "Giảm cấp phê duyệt trung gian",
    "ST05": "Thực hiện song song các bước độc lập",
}
"""What each rule's changes come to, in a plan's list table."""
CHANNEL_PHRASES = {
    ("CH01", "post"): "Tiếp nhận hồ sơ qua dịch vụ bưu chính công ích",
    ("CH03", "online"): "Trả kết quả điện tử",
    ("CH03", "post"): "Trả kết quả qua dịch vụ bưu chính công ích",
}
"""The channel a change moves a step to, where the rule's phrase would not say it: a
passport is posted, never "returned electronically"."""


def _phrase(change: Change) -> str:
    for edit in change.edits:
        if isinstance(edit, SwitchChannel):
            found = CHANNEL_PHRASES.get((change.rule, edit.new.value))
            if found:
                return found
    return RULE_PHRASES.get(change.rule, change.rule)


PROCESS_HEADER = (
    "Thứ tự công việc",
    "Nội dung công việc",
    "Trách nhiệm thực hiện",
    "Thời gian thực hiện",
    "Biểu mẫu/Kết quả",
)
_PROCESS_WIDTHS = (2.0, 5.4, 3.4, 2.6, 2.6)


SIMPLIFICATION = "plans/phuong-an-don-gian-hoa.docx"
INTERNAL_PROCESS_DOCX = "plans/quy-trinh-noi-bo.docx"
INTERNAL_PROCESS_XLSX = "plans/quy-trinh-noi-bo.xlsx"
PLAN_DOCUMENTS = {
    SIMPLIFICATION: "Phương án đơn giản hóa thủ tục hành chính (Word)",
    INTERNAL_PROCESS_DOCX: "Quy trình nội bộ đề xuất (Word)",
    INTERNAL_PROCESS_XLSX: "Quy trình nội bộ đề xuất (Excel)",
}
"""The plans' documents, relative to the output folder, and how links name them."""


def restructuring_path(code: str) -> str:
    """A procedure's restructuring plan, relative to the output folder."""
    return f"plans/tai-cau-truc/{slug(code)}.docx"


@dataclass(frozen=True)
class PlanEntry:
    """A procedure's plan, its after diagram (a PNG) if drawn, and the reviewer's decision
    it rests on (None: the engine's proposal, not reviewed yet)."""

    plan: ProcedurePlan
    after_png: Path | None
    review: ReviewDecision | None = None

    @property
    def basis(self) -> str:
        """Which version the plan states, as the documents say it."""
        if self.review is None:
            return "Căn cứ: đề xuất của hệ thống, chưa được rà soát."
        when = local_time(self.review.decided_at, with_time=False)
        return (
            f"Căn cứ: phương án đã được rà soát ({self.review.reviewer}, ngày {when}); "
            "chỉ gồm các thay đổi được đồng ý."
        )


@dataclass(frozen=True)
class PlanFiles:
    """The documents written, relative to the output folder."""

    simplification: str
    internal_process_docx: str
    internal_process_xlsx: str
    restructuring: dict[str, str]
    """Code → its restructuring plan."""


def _check(entries: Sequence[PlanEntry]) -> None:
    problems = [p for entry in entries for p in plan_problems(entry.plan)]
    if problems:
        raise PlanDoesNotAddUp(
            "the plans do not add up, so none was written: " + "; ".join(problems)
        )


def _vnd(value: float) -> str:
    return number(value, "vi")


def _percent(value: float) -> str:
    return f"{plain_number(value, 1)} %"


def _level_lines(plan: ProcedurePlan, level: ApprovalLevel) -> list[str]:
    """What the plan proposes at `level`, one line per kind of change."""
    lines: list[str] = []
    changes = [p.change for p in plan.changes if p.approval.level is level]
    for change in changes:
        if change.rule == "DO01":
            names = [d.name for d in plan.result.dropped_documents if d.rule == change.rule]
            line = f"Không yêu cầu nộp: {', '.join(names)} (khai thác từ cơ sở dữ liệu)"
        else:
            line = _phrase(change)
        if line not in lines:
            lines.append(line)
    benefit = plan.benefit
    if level is ApprovalLevel.province and benefit.days_saved > 0:
        lines.append(
            f"Rút ngắn thời hạn giải quyết từ {working_days(benefit.days_before)} xuống "
            f"{working_days(benefit.days_after)} (giảm {plain_number(benefit.days_saved)} ngày)"
        )
    return lines


def _legal_texts(plan: ProcedurePlan, level: ApprovalLevel) -> str:
    if level is ApprovalLevel.department:
        return "Quy trình nội bộ của cơ quan giải quyết"
    if level is ApprovalLevel.province:
        return "Quyết định phê duyệt quy trình nội bộ của Chủ tịch Ủy ban nhân dân tỉnh"
    texts = [p.approval.legal_text for p in plan.changes if p.approval.level is level]
    return "; ".join(dict.fromkeys(t for t in texts if t)) or "—"


def _benefit_rows(plan: ProcedurePlan) -> list[list[str]]:
    b = plan.benefit
    return [
        [
            "Chi phí tuân thủ một lần (đồng)",
            _vnd(b.before.per_compliance_vnd),
            _vnd(b.after.per_compliance_vnd),
            _vnd(b.before.per_compliance_vnd - b.after.per_compliance_vnd),
            "",
        ],
        [
            "Số lần thực hiện/năm/đối tượng",
            plain_number(b.before.times_per_subject),
            plain_number(b.after.times_per_subject),
            "",
            "",
        ],
        [
            "Số đối tượng/năm",
            plain_number(b.before.subjects_per_year),
            plain_number(b.after.subjects_per_year),
            "",
            "",
        ],
        [
            "Chi phí tuân thủ/năm (đồng)",
            _vnd(b.before.per_year_vnd),
            _vnd(b.after.per_year_vnd),
            _vnd(b.saving_vnd),
            _percent(b.saving_percent),
        ],
        [
            "Thời gian giải quyết (ngày làm việc)",
            plain_number(b.days_before),
            plain_number(b.days_after),
            plain_number(b.days_saved),
            _percent(b.days_percent),
        ],
    ]


def _credibility(plan: ProcedurePlan) -> str:
    """How the figures compare with the national target and the highest published cut."""
    b, settings = plan.benefit, plan.settings
    target = settings.national_target_percent

    def meets(percent: float) -> str:
        return "đạt" if percent >= target else "chưa đạt"

    line = (
        f"So với mục tiêu của Nghị quyết số 66/NQ-CP (cắt giảm ít nhất {plain_number(target)} % "
        f"thời gian và chi phí tuân thủ): thời gian giảm {_percent(b.days_percent)} "
        f"({meets(b.days_percent)}), chi phí giảm {_percent(b.saving_percent)} "
        f"({meets(b.saving_percent)}). Mức cắt giảm cao nhất đã công bố: "
        f"{settings.highest_published}."
    )
    if plan.beyond_highest:
        line += (
            " LƯU Ý: mức cắt giảm chi phí đề xuất cao hơn mức cao nhất đã công bố; "
            "đề nghị rà soát lại giả định trước khi trình."
        )
    return line


def _other_method(plan: ProcedurePlan) -> str:
    other = next(b for m, b in plan.benefits.items() if m is not plan.method)
    return (
        f"Theo {COST_METHODS[other.method.value]}: {_vnd(other.before.per_year_vnd)} → "
        f"{_vnd(other.after.per_year_vnd)} đồng/năm (giảm {_percent(other.saving_percent)})."
    )


def _document_head(document: WordDocument, name: str) -> None:
    title(document, "DỰ THẢO", 12)
    title(document, name)
    caption(
        document,
        "(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … của Chủ tịch Ủy ban nhân dân tỉnh)",
    )


def _simplification(entries: Sequence[PlanEntry], path: Path) -> None:
    document = new_document()
    _document_head(document, "PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH")
    heading(document, "Phần I. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƠN GIẢN HÓA")
    for index, level in enumerate(ApprovalLevel):
        rows: list[list[str]] = []
        for entry in entries:
            lines = _level_lines(entry.plan, level)
            if lines:
                header = entry.plan.header
                rows.append(
                    [
                        str(len(rows) + 1),
                        header["code"],
                        header["name"],
                        _legal_texts(entry.plan, level),
                        "\n".join(f"- {line}" for line in lines),
                    ]
                )
        heading(document, f"{'ABC'[index]}. {APPROVAL_LEVELS[level.value]}", italic=True)
        if not rows:
            document.add_paragraph("Không có đề xuất.")
            continue
        table(
            document,
            ("STT", "Mã số TTHC", "Tên TTHC", "Văn bản/quy định kiến nghị đơn giản hóa",
             "Nội dung đề xuất"),
            rows,
            (1.0, 2.4, 3.6, 3.6, 5.4),
        )  # fmt: skip
    heading(document, "Phần II. NỘI DUNG ĐƠN GIẢN HÓA TỪNG THỦ TỤC HÀNH CHÍNH")
    for number_, entry in enumerate(entries, 1):
        plan = entry.plan
        header = plan.header
        heading(document, f"{number_}. {header['name']} (mã số {header['code']})")
        caption(document, entry.basis)
        heading(document, "1.1. Nội dung đơn giản hóa và lý do", italic=True)
        for proposed in plan.changes:
            document.add_paragraph(f"- {proposed.change.reason}")
        if not plan.changes:
            document.add_paragraph("Không có nội dung đơn giản hóa.")
        heading(document, "1.2. Kiến nghị thực thi", italic=True)
        for level in ApprovalLevel:
            lines = _level_lines(plan, level)
            if lines:
                text = f"{APPROVAL_LEVELS[level.value]}: {'; '.join(lines)}"
                if level is ApprovalLevel.ministry:
                    text += f". Văn bản kiến nghị sửa đổi: {_legal_texts(plan, level)}"
                document.add_paragraph(f"- {text}.")
        heading(document, "1.3. Lợi ích phương án đơn giản hóa", italic=True)
        table(
            document,
            ("Chỉ tiêu", "Hiện tại", "Sau đơn giản hóa", "Giảm", "Tỷ lệ cắt giảm"),
            _benefit_rows(plan),
            (4.4, 3.1, 3.1, 3.1, 2.3),
            numbers_from=1,
        )
        document.add_paragraph(
            f"Cách tính: {COST_METHODS[plan.method.value]}; không tính chi phí cơ hội. "
            + _other_method(plan)
        )
        document.add_paragraph(_credibility(plan))
        heading(document, "1.4. Lộ trình thực hiện", italic=True)
        document.add_paragraph(plan.roadmap)
    save(document, path)


def _process_cells(rows: Sequence[ProcessRow]) -> list[list[str]]:
    return [
        [
            f"Bước {row.number}",
            row.content,
            row.responsible,
            working_time(row.hours),
            row.result,
        ]
        for row in rows
    ]


def _total_row(plan: ProcedurePlan) -> list[str]:
    return [
        "",
        "Tổng thời gian giải quyết TTHC",
        "",
        working_days(plan.total_days_after),
        f"Thời hạn đề xuất: {working_days(plan.benefit.days_after)}",
    ]


def _restructuring(entry: PlanEntry, path: Path) -> None:
    plan = entry.plan
    header, result = plan.header, plan.result
    before, after = result.before, result.after
    document = new_document()
    _document_head(document, "PHƯƠNG ÁN TÁI CẤU TRÚC QUY TRÌNH")
    title(document, f"{header['name']} (mã số {header['code']})", 13)
    caption(document, entry.basis)
    heading(document, "A. LÝ DO")
    heading(document, "1. Căn cứ pháp lý", italic=True)
    for basis in header["legal_basis"] or ["(hồ sơ thủ tục chưa ghi căn cứ pháp lý)"]:
        document.add_paragraph(f"- {basis}")
    heading(document, "2. Bất cập hiện nay", italic=True)
    for line in (
        f"Người dân phải đến cơ quan {before.visits} lượt "
        f"(kỳ vọng {plain_number(before.expected_visits or before.visits)} lượt/hồ sơ).",
        f"Phải nộp {before.documents} thành phần hồ sơ.",
        f"Hồ sơ qua {before.steps} bước với {before.handoffs} lần chuyển giao.",
        f"Thời hạn giải quyết {working_days(plan.benefit.days_before)}; chi phí tuân thủ "
        f"{_vnd(plan.benefit.before.per_year_vnd)} đồng/năm.",
    ):
        document.add_paragraph(f"- {line}")
    heading(document, "B. PHƯƠNG ÁN")
    heading(document, "I. Sơ đồ quy trình sau tái cấu trúc", italic=True)
    if entry.after_png is not None and entry.after_png.exists():
        figure(document, entry.after_png, "Sơ đồ quy trình đề xuất")
    else:
        document.add_paragraph("(Chưa có sơ đồ.)")
    heading(document, "II. Các bước thực hiện", italic=True)
    table(document, PROCESS_HEADER, [*_process_cells(plan.process_after), _total_row(plan)],
          _PROCESS_WIDTHS, bold_last=True)  # fmt: skip
    heading(document, "III. Ghi chú", italic=True)
    document.add_paragraph(
        "- Các bước của người dân (nộp, nhận kết quả) không tính vào thời gian giải quyết. "
        "Thời gian của từng bước là giả định của hồ sơ thủ tục, đề nghị cơ quan thực hiện "
        "rà soát."
    )
    heading(document, "C. ĐÁNH GIÁ TÁC ĐỘNG")
    heading(document, "1. Đối với người dân", italic=True)
    for line in _citizen_lines(plan):
        document.add_paragraph(f"- {line}")
    heading(document, "2. Đối với xã hội", italic=True)
    trips = [round((m.expected_visits or m.visits) * header["annual_volume"]) for m in
             (before, after)]  # fmt: skip
    document.add_paragraph(
        f"- Chi phí tuân thủ: {_vnd(plan.benefit.before.per_year_vnd)} → "
        f"{_vnd(plan.benefit.after.per_year_vnd)} đồng/năm (tiết kiệm "
        f"{_vnd(plan.benefit.saving_vnd)} đồng, {_percent(plan.benefit.saving_percent)})."
    )
    document.add_paragraph(
        f"- Lượt đến cơ quan: {_vnd(trips[0])} → {_vnd(trips[1])} lượt/năm "
        f"({_vnd(header['annual_volume'])} hồ sơ/năm)."
    )
    document.add_paragraph(f"- {_credibility(plan)}")
    heading(document, "3. Đối với cán bộ, công chức", italic=True)
    table(
        document,
        ("Vai trò", "Số bước hiện tại", "Số bước đề xuất", "Giờ hiện tại", "Giờ đề xuất"),
        [[s.role, str(s.steps_before), str(s.steps_after), plain_number(s.hours_before),
          plain_number(s.hours_after)] for s in plan.staff],
        (6.0, 2.5, 2.5, 2.5, 2.5),
        numbers_from=1,
    )  # fmt: skip
    save(document, path)


def _citizen_lines(plan: ProcedurePlan) -> list[str]:
    """What applicants no longer need to do, and what they gain."""
    before, after = plan.result.before, plan.result.after
    lines = [f"Không phải nộp {d.name}." for d in plan.result.dropped_documents]
    if after.visits == 0 < before.visits:
        lines.append(
            f"Không phải đến cơ quan lượt nào khi thực hiện trực tuyến (hiện nay "
            f"{before.visits} lượt); người chưa thực hiện trực tuyến vẫn được tiếp nhận trực "
            "tiếp."
        )
    elif after.visits < before.visits:
        lines.append(f"Giảm số lượt đến cơ quan từ {before.visits} xuống {after.visits} lượt.")
    if after.full_online and not before.full_online:
        lines.append("Được thực hiện toàn trình trực tuyến.")
    if after.online_payment and not before.online_payment:
        lines.append("Được thanh toán trực tuyến.")
    if after.electronic_result and not before.electronic_result:
        lines.append("Được nhận kết quả điện tử.")
    if plan.benefit.days_saved > 0:
        lines.append(
            f"Được giải quyết nhanh hơn {plain_number(plan.benefit.days_saved)} ngày làm việc."
        )
    return lines or ["Không thay đổi."]


def _internal_process(entries: Sequence[PlanEntry], docx: Path, xlsx: Path) -> None:
    document = new_document()
    _document_head(document, "QUY TRÌNH NỘI BỘ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (ĐỀ XUẤT)")
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for number_, entry in enumerate(entries, 1):
        plan = entry.plan
        header = plan.header
        heading(document, f"{number_}. {header['name']} (mã số {header['code']})")
        caption(document, entry.basis)
        rows = [*_process_cells(plan.process_after), _total_row(plan)]
        table(document, PROCESS_HEADER, rows, _PROCESS_WIDTHS, bold_last=True)
        _sheet(workbook, f"{number_}. {header['code']}"[:31], header["name"], rows)
    save(document, docx)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomically(xlsx, buffer.getvalue())


def _sheet(workbook: Workbook, name: str, procedure: str, rows: list[list[str]]) -> None:
    sheet = workbook.create_sheet(name)
    sheet.append([inert_cell(procedure)])
    sheet.append(list(PROCESS_HEADER))
    for row in rows:
        sheet.append([inert_cell(value) for value in row])
    side = Side(style="thin")
    for r, line in enumerate(sheet.iter_rows(min_row=2), 2):
        for cell in line:
            cell.border = Border(left=side, right=side, top=side, bottom=side)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name="Times New Roman", size=12, bold=r in (2, sheet.max_row))
    sheet["A1"].font = Font(name="Times New Roman", size=13, bold=True)
    for column, width in enumerate((12, 50, 28, 20, 28), 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.print_title_rows = "2:2"


def plan_entries(
    analyses: Sequence[ProcedureAnalysis],
    inputs: Inputs,
    settings: PlanSettings,
    out_dir: Path,
    diagrams: Mapping[str, DiagramFiles],
    reviews: Mapping[str, ReviewDecision] | None = None,
) -> list[PlanEntry]:
    """The plans of `analyses`, with their after diagrams (under `out_dir`), in catalogue
    order: the essential services by number, then by code."""
    entries = [
        PlanEntry(
            plan_of(a, a.result(inputs), inputs.costs.hourly_income_vnd, settings),
            _after_png(out_dir, diagrams.get(a.code)),
            (reviews or {}).get(a.code),
        )
        for a in analyses
    ]
    return sorted(entries, key=lambda e: _catalogue_order(e.plan.header))


def _after_png(out_dir: Path, files: DiagramFiles | None) -> Path | None:
    """Where the after diagram's PNG is, if one was drawn."""
    return out_dir / files.after_png if files is not None and files.after_png else None


def _catalogue_order(header: Header) -> tuple[bool, int, str]:
    return (header["essential"] is None, header["essential"] or 0, header["code"])


def publish_plans(out_dir: Path, entries: Sequence[PlanEntry]) -> PlanFiles:
    """Check every plan, then write the documents under `out_dir/plans/`."""
    _check(entries)
    folder = out_dir / "plans"
    (folder / "tai-cau-truc").mkdir(parents=True, exist_ok=True)
    files = PlanFiles(
        simplification=SIMPLIFICATION,
        internal_process_docx=INTERNAL_PROCESS_DOCX,
        internal_process_xlsx=INTERNAL_PROCESS_XLSX,
        restructuring={
            e.plan.header["code"]: restructuring_path(e.plan.header["code"]) for e in entries
        },
    )
    _simplification(entries, out_dir / files.simplification)
    _internal_process(
        entries, out_dir / files.internal_process_docx, out_dir / files.internal_process_xlsx
    )
    for entry in entries:
        _restructuring(entry, out_dir / files.restructuring[entry.plan.header["code"]])
    return files
