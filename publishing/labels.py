"""The words and the number formats of every publication (review site, report, Prefect
UI pages), in Vietnamese (the officials' language) and English: one module, so that
they cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from analysis.approval import Approval
from analysis.scenario import Scenario
from models.procedure import HOURS_PER_DAY, DataSource
from rules import CATALOGUE

__all__ = [
    "APPROVAL_LEVELS",
    "COLUMNS",
    "COST_METHODS",
    "LABELS",
    "METRIC_KEYS",
    "READINESS_KEYS",
    "Lang",
    "approval_label",
    "figure",
    "inert_cell",
    "local_time",
    "markdown_text",
    "number",
    "plain_number",
    "rule_title",
    "scenario_label",
    "setting",
    "shown_code",
    "vnd",
    "working_days",
    "working_time",
]

Lang = Literal["vi", "en"]

COLUMNS = (
    "steps",
    "handoffs",
    "visits",
    "documents",
    "lead_time_days",
    "value_added_share",
    "cost_per_dossier_vnd",
    "cost_per_year_vnd",
    "expected_visits",
    "expected_cost_per_year_vnd",
)
"""The measures shown before → after in the table, in order."""

LABELS: dict[Lang, dict[str, str]] = {
    "vi": {
        "title": "Báo cáo kết quả rà soát, tái cấu trúc quy trình thủ tục hành chính",
        "summary": "Tổng hợp",
        "table": "Kết quả theo từng thủ tục",
        "code": "Mã thủ tục",
        "code_unconfirmed": "mã chưa xác nhận",
        "code_not_tthc": "không phải TTHC, không có mã quốc gia",
        "name": "Tên thủ tục",
        "essential": "DVC thiết yếu số",
        "annual_volume": "Số hồ sơ/năm",
        "statutory_days": "Thời hạn theo quy định (ngày)",
        "before": "Hiện trạng",
        "after": "Đề xuất",
        "change": "Thay đổi",
        "steps": "Số bước",
        "handoffs": "Số lần chuyển giao",
        "visits": "Số lượt đến cơ quan",
        "documents": "Số thành phần hồ sơ",
        "lead_time_days": "Thời gian dự kiến (ngày làm việc)",
        "value_added_share": "Tỷ lệ thời gian tạo giá trị",
        "cost_per_dossier_vnd": "Chi phí tuân thủ/hồ sơ (đồng)",
        "cost_per_year_vnd": "Chi phí tuân thủ/năm (đồng)",
        "expected_visits": "Số lượt đến cơ quan kỳ vọng/hồ sơ",
        "expected_lead_time_days": "Thời gian kỳ vọng (ngày làm việc)",
        "expected_cost_per_year_vnd": "Chi phí tuân thủ/năm kỳ vọng (đồng)",
        "shares": (
            "Con số kỳ vọng tính theo tỷ lệ hồ sơ trực tuyến {today} (hiện trạng) và {target} "
            "(đề xuất; Quyết định 766/QĐ-TTg cho điểm tối đa từ 80%), và theo tỷ lệ khai thác "
            "được dữ liệu của từng cơ sở dữ liệu (data_sources.yaml); các dòng trên tính như "
            "mọi hồ sơ đều đi theo quy trình vẽ trong sơ đồ. Thời gian đã tính nhánh không "
            "khai thác được dữ liệu và không phụ thuộc kênh nộp."
        ),
        "readiness": "Mức độ sẵn sàng trực tuyến (sau tái cấu trúc)",
        "full_online": "Toàn trình",
        "online_payment": "Thanh toán trực tuyến",
        "electronic_result": "Trả kết quả điện tử",
        "documents_reused": "Giấy tờ tái sử dụng dữ liệu",
        "critical_path": "Đường găng (các bước hồ sơ điển hình phải chờ)",
        "changes": "Các thay đổi đề xuất",
        "rule": "Quy tắc",
        "reason": "Lý do",
        "diagram_before": "Sơ đồ hiện trạng",
        "diagram_after": "Sơ đồ đề xuất",
        "assumptions": "Giả định tính chi phí tuân thủ",
        "cost_method": "Phương pháp (Thông tư 02/2017/TT-VPCP, Điều 27): chi phí tuân thủ một "
        "lần = chi phí thực hiện công việc của người dân (số giờ × thu nhập bình quân/giờ, đi "
        "lại, sao chụp giấy tờ) + phí, lệ phí; chi phí/năm = chi phí một lần × số lần thực hiện"
        "/năm × số đối tượng/năm (tức số hồ sơ/năm); không tính chi phí cơ hội",
        "assumption": "Tham số",
        "value": "Giá trị",
        "yes": "Có",
        "no": "Không",
        "no_fee": "Không thu phí",
        "procedures": "thủ tục",
        "back": "← Về báo cáo tổng hợp",
        "rules_version": "Phiên bản bộ quy tắc",
        "other_language": "English",
        "plans": "Văn bản trình (dự thảo)",
        "basis": "Phương án",
        "basis_proposal": "đề xuất, chưa rà soát",
        "basis_reviewed": "đã rà soát ({reviewer})",
        "approval": "Cấp quyết định",
        "level_department": "Cơ quan tự thực hiện",
        "level_province": "Chủ tịch UBND tỉnh",
        "level_ministry": "Kiến nghị bộ, ngành",
    },
    "en": {
        "title": "Review of administrative procedures: re-engineering results",
        "summary": "Summary",
        "table": "Results by procedure",
        "code": "Code",
        "code_unconfirmed": "code not confirmed",
        "code_not_tthc": "not an administrative procedure, no national code",
        "name": "Procedure",
        "essential": "Essential service no.",
        "annual_volume": "Dossiers a year",
        "statutory_days": "Statutory time (days)",
        "before": "As is",
        "after": "Proposed",
        "change": "Change",
        "steps": "Steps",
        "handoffs": "Hand-offs",
        "visits": "Visits to an office",
        "documents": "Dossier documents",
        "lead_time_days": "Expected time (working days)",
        "value_added_share": "Value-added share of time",
        "cost_per_dossier_vnd": "Compliance cost per dossier (VND)",
        "cost_per_year_vnd": "Compliance cost per year (VND)",
        "expected_visits": "Expected visits per dossier",
        "expected_lead_time_days": "Expected time over channels (working days)",
        "expected_cost_per_year_vnd": "Expected compliance cost per year (VND)",
        "shares": (
            "Expected figures assume {today} of dossiers online today and {target} once the "
            "proposal is in force (Decision 766/QĐ-TTg scores full points from 80%), and each "
            "database's look-up hit rate (data_sources.yaml); the rows above count every "
            "dossier as going through the diagrammed process. Times include the missing-data "
            "branch and do not depend on the channel."
        ),
        "readiness": "Online readiness (after re-engineering)",
        "full_online": "Full online",
        "online_payment": "Online payment",
        "electronic_result": "Electronic result",
        "documents_reused": "Documents reused from data",
        "critical_path": "Critical path (the steps a typical dossier waits on)",
        "changes": "Proposed changes",
        "rule": "Rule",
        "reason": "Reason",
        "diagram_before": "As-is diagram",
        "diagram_after": "Proposed diagram",
        "assumptions": "Compliance-cost assumptions",
        "cost_method": "Method (Circular 02/2017/TT-VPCP, Art. 27): the cost of one "
        "compliance = the applicant's work (hours × hourly income, travel, copies) + fees; the "
        "cost per year = that × times a year × subjects a year (the dossiers a year); no "
        "opportunity cost",
        "assumption": "Parameter",
        "value": "Value",
        "yes": "Yes",
        "no": "No",
        "no_fee": "No fee",
        "procedures": "procedures",
        "back": "← Back to the summary",
        "rules_version": "Rules version",
        "other_language": "Tiếng Việt",
        "plans": "Documents to submit (drafts, in Vietnamese)",
        "basis": "Basis",
        "basis_proposal": "proposal, not reviewed",
        "basis_reviewed": "reviewed ({reviewer})",
        "approval": "Who approves",
        "level_department": "the department itself",
        "level_province": "the provincial chairman",
        "level_ministry": "a central ministry",
    },
}

METRIC_KEYS = (*COLUMNS, "documents_reused")
"""The measures a procedure's page shows before → after, in order."""
READINESS_KEYS = ("full_online", "online_payment", "electronic_result")
"""The online-readiness indicators, in order."""


_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp)(?=:)|(www)(?=\.)|(?=@)")
"""Where GitHub-flavoured markdown starts a link from bare text (`http://…`, `www.…`, an
e-mail address): renderers such as the Prefect UI's find these after escapes are
resolved, so escaping cannot stop them; an invisible word joiner does."""
_WORD_JOINER = "\u2060"


def markdown_text(text: str) -> str:
    r"""Text from procedure files as markdown shows it literally: never a link (bare
    addresses included), an image, a heading, a list or HTML, on one line.

    >>> print(markdown_text("![x](x.png) <b>"))
    \!\[x\]\(x.png\) \<b\>
    >>> markdown_text("http://x.vn www.x.vn a@b.vn")
    'http\u2060\\://x.vn www\u2060.x.vn a\u2060@b.vn'
    """
    plain = _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, " ".join(text.split()))
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~:-])", r"\\\1", plain)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: object) -> object:
    """A value as a spreadsheet cell that no application can run: text starting like a
    formula gets a leading apostrophe (OWASP, CSV injection); numbers stay numbers.

    >>> print(inert_cell('=HYPERLINK("http://x","y")'), inert_cell(-3), inert_cell("1.001193"))
    '=HYPERLINK("http://x","y") -3 1.001193
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def shown_code(code: str, status: str | None, lang: Lang) -> str:
    """The code as a report shows it: a code not confirmed says so, and a service that is
    not an administrative procedure shows no code at all.

    >>> shown_code("1.116407", "unconfirmed", "vi")
    '1.116407 (mã chưa xác nhận)'
    >>> shown_code("ESS24-EVN", "not_tthc", "en")
    '(not an administrative procedure, no national code)'
    """
    if status == "unconfirmed":
        return f"{code} ({LABELS[lang]['code_unconfirmed']})"
    if status == "not_tthc":
        return f"({LABELS[lang]['code_not_tthc']})"
    return code


def number(value: float, lang: Lang, decimals: int = 0) -> str:
    """A number as the language writes it: 1.234.567,5 in Vietnamese, 1,234,567.5 in English.

    >>> number(1234567.5, "vi", 1), number(1234567.5, "en", 1)
    ('1.234.567,5', '1,234,567.5')
    """
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def figure(key: str, value: Any, lang: Lang = "vi", decimals: int | None = None) -> str:
    """A measure as every publication shows it: days to two decimals, shares in percent,
    đồng and counts to the unit, in the language's number format; `decimals` overrides
    the measure's (a total in days to one decimal, đồng in billions).

    >>> figure("lead_time_days", 1.2912), figure("cost_per_year_vnd", 6384978000)
    ('1,29', '6.384.978.000')
    >>> figure("value_added_share", 0.4567, "en"), figure("steps", 1234, "en")
    ('45.7%', '1,234')
    >>> figure("lead_time_days", 265.68, decimals=1), figure("cost_per_year_vnd", 517.7, "vi", 1)
    ('265,7', '517,7')
    """
    if value is None:
        return "—"  # not measured (stored by an engine that did not compute it)
    if key in ("lead_time_days", "expected_lead_time_days", "expected_visits"):
        return number(value, lang, 2 if decimals is None else decimals)
    if key == "value_added_share":
        return number(value * 100, lang, 1 if decimals is None else decimals) + "%"
    if key.endswith("_vnd") or (isinstance(value, int) and not isinstance(value, bool)):
        return number(value, lang, decimals or 0)
    return str(value)


def vnd(amount: float, lang: Lang = "vi") -> str:
    """An amount of đồng, with its unit, as the language writes it.

    >>> vnd(6384978000), vnd(6384978000, "en")
    ('6.384.978.000 đồng', '6,384,978,000 VND')
    """
    return f"{number(amount, lang)} {'đồng' if lang == 'vi' else 'VND'}"


def setting(value: object, lang: Lang = "vi") -> str:
    """A cost or plan setting as a report quotes it: numbers in the language's format
    (without trailing zeros), text as it is, a mapping or a list item by item.

    >>> setting(47000), setting(0.5, "en"), setting({"GSO": 47000, "x": [1.5]})
    ('47.000', '0.5', '{GSO: 47.000, x: [1,5]}')
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return plain_number(value, 3, lang)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {setting(v, lang)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(setting(v, lang) for v in value) + "]"
    return str(value)


APPROVAL_LEVELS = {
    "department": "Cơ quan, đơn vị tự thực hiện",
    "province": "Thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân tỉnh",
    "ministry": "Kiến nghị bộ, ngành trung ương sửa đổi văn bản quy phạm pháp luật",
}
"""Who can approve a proposal, as provincial simplification plans group them."""

COST_METHODS = {
    "circular_02": "Thông tư 02/2017/TT-VPCP, Điều 27 (chi phí thực hiện công việc và phí, "
    "lệ phí × số lần/năm × số đối tượng/năm)",
    "processing_days": "cách tính theo ngày xử lý (số ngày × 8 giờ × thu nhập bình quân/giờ "
    "× số hồ sơ/năm), như một số tỉnh áp dụng năm 2025",
}


def plain_number(value: float, decimals: int = 2, lang: Lang = "vi") -> str:
    """A number without trailing zeros, Vietnamese unless told.

    >>> plain_number(2.50), plain_number(3.0), plain_number(1234.5), plain_number(0.5, 2, "en")
    ('2,5', '3', '1.234,5', '0.5')
    """
    text = number(value, lang, decimals)
    mark = "," if lang == "vi" else "."
    return text.rstrip("0").rstrip(mark) if mark in text else text


def working_days(days: float) -> str:
    """Working days, the Vietnamese way.

    >>> working_days(2.5)
    '2,5 ngày làm việc'
    """
    return f"{plain_number(days)} ngày làm việc"


def working_time(hours: float | None) -> str:
    """A step's time as internal-process tables write it: hours under a day, else days.

    >>> working_time(None), working_time(0), working_time(4), working_time(12)
    ('Không tính thời gian', 'Không đáng kể (tự động)', '4 giờ làm việc', '1,5 ngày làm việc')
    """
    if hours is None:
        return "Không tính thời gian"
    if hours == 0:
        return "Không đáng kể (tự động)"
    if hours < HOURS_PER_DAY:
        return f"{plain_number(hours)} giờ làm việc"
    return working_days(hours / HOURS_PER_DAY)


def approval_label(decided: Approval | None, lang: Lang) -> str:
    """Who can approve a change, briefly, with the text to amend when a ministry must.

    >>> from analysis.approval import Approval, ApprovalLevel
    >>> approval_label(Approval(ApprovalLevel.ministry, "Thông tư 04/2020/TT-BTP"), "vi")
    'Kiến nghị bộ, ngành: Thông tư 04/2020/TT-BTP'
    >>> approval_label(None, "en")
    '—'
    """
    if decided is None:
        return "—"
    label = LABELS[lang][f"level_{decided.level.value}"]
    return f"{label}: {decided.legal_text}" if decided.legal_text else label


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(moment: datetime, with_time: bool = True) -> str:
    """A moment as Vietnamese offices read it: Vietnam's time, day first (a stored time
    without a zone is UTC).

    >>> local_time(datetime(2026, 12, 7, 18, 28))
    '08/12/2026 01:28'
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def rule_title(code: str) -> str:
    """A rule as an analyst picks it: its code and what it does, in Vietnamese.

    >>> rule_title("ST01")
    'ST01 — Bỏ bước chuyển hồ sơ trung gian'
    """
    rule = next(r for r in CATALOGUE if r.code == code)
    return f"{code} — {rule.reason.split(':')[0]}"


def scenario_label(scenario: Scenario, sources: Mapping[str, DataSource]) -> str:
    """The line every page of a scenario carries, in Vietnamese; `sources` is the
    registry, which names the sources it connects.

    >>> land = DataSource(id="land_db", name="CSDL đất đai")
    >>> label = scenario_label(Scenario(("CH01",), ("land_db",)), {"land_db": land})
    >>> label.split(" — ")
    ['Kịch bản giả định: chỉ áp dụng quy tắc CH01; kết nối CSDL đất đai (land_db)', \
'không phải kết quả chính thức']
    """
    parts = []
    if scenario.rules:
        parts.append("chỉ áp dụng quy tắc " + ", ".join(scenario.rules))
    if scenario.connect:
        named = [f"{sources[s].name if s in sources else s} ({s})" for s in scenario.connect]
        parts.append("kết nối " + ", ".join(named))
    return "Kịch bản giả định: " + "; ".join(parts) + " — không phải kết quả chính thức"
