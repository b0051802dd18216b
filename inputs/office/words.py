"""What the words of an internal-process table mean: a time, who acts, what is done.

Each reading returns the value and the words it was read from, so the import report can
say why (`'ký' → sign`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from models.procedure import HOURS_PER_DAY, ActorKind, StepKind

__all__ = [
    "Time",
    "actor_kind",
    "fold",
    "read_time",
    "step_kind",
]


def fold(text: str) -> str:
    """Lower case, NFC, one space between words: what the matchers compare."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower()).strip()


@dataclass(frozen=True)
class Time:
    """A step's time as the table gives it."""

    hours: float | None
    """Working hours; None when the table says the step is not counted."""
    words: str
    """What was read: the number and its unit, or the words that say 'not counted'."""
    assumed: str = ""
    """Set when the words needed an assumption (a span, 'trong ngày')."""


_NOT_COUNTED = ("không tính", "không quy định thời gian", "không đáng kể")
_NUMBER = r"(\d+(?:[.,]\d+)?|\d+\s*/\s*\d+)"
_UNITS = (
    (r"ngày", HOURS_PER_DAY),
    (r"giờ|tiếng|h\b", 1.0),
    (r"phút", 1 / 60),
)


def _number(text: str) -> float:
    if "/" in text:
        top, bottom = (float(part) for part in text.split("/"))
        return top / bottom
    return float(text.replace(",", "."))


def read_time(text: str) -> Time | None:
    """The time a cell gives, or None when it cannot be read.

    >>> read_time("0,5 ngày làm việc")
    Time(hours=4.0, words='0,5 ngày', assumed='')
    >>> read_time("02 giờ làm việc").hours, read_time("Không tính thời gian").hours
    (2.0, None)
    >>> read_time("Theo quy định") is None
    True
    """
    folded = fold(text)
    if not folded:
        return None
    if any(words in folded for words in _NOT_COUNTED):
        return Time(None, "không tính thời gian")
    if folded in ("trong ngày", "trong ngày làm việc", "ngay trong ngày"):
        return Time(HOURS_PER_DAY, "trong ngày", "'trong ngày' tính là 1 ngày làm việc")
    for unit, hours in _UNITS:
        span = re.search(rf"{_NUMBER}\s*(?:-|\u2013|đến)\s*{_NUMBER}\s*(?:{unit})", folded)
        if span:
            value = _number(span.group(2))
            return Time(value * hours, span.group(0), "một khoảng: lấy số lớn")
        single = re.search(rf"{_NUMBER}\s*(?:{unit})", folded)
        if single:
            long = single.start() > 30 and not folded.startswith("tổng")
            why = "đọc từ một câu: kiểm tra con số" if long else ""
            return Time(_number(single.group(1)) * hours, single.group(0), why)
    return None


# Who acts. Each kind's words; the earliest word in the cell decides, except that the
# one-stop desk's words win over a staff word before them ("Công chức Bộ phận Một cửa").
_APPLICANT = (
    "tổ chức",
    "cá nhân",
    "người",
    "công dân",
    "chủ ",
    "khách hàng",
    "thí sinh",
    "nhà đầu tư",
    "hai bên",
    "đối tượng",
    "đại diện hộ",
    "đại diện cơ sở",
    "doanh nghiệp",
    "hộ kinh doanh",
    "hộ gia đình",
    "cơ sở sản xuất",
    "thân nhân",
    "bên ",
    "học sinh",
    "sinh viên",
)
"""How a cell that names the applicant starts."""
_STAFF_TOO = (
    "người đứng đầu",
    "người thụ lý",
    "người có thẩm quyền",
    "người được giao",
    "người ký",
    "người tiếp nhận",
    "chủ tịch",
    "chủ trì",
    "tổ chức thực hiện",
)
"""Cells that start like an applicant's and name staff."""
_ONE_STOP = (
    "một cửa",
    "phục vụ hành chính công",
    "tiếp nhận và trả kết quả",
    "bộ phận tiếp nhận",
    "ttphhcc",
    "tthcc",
    "hành chính công",
)
_LEADER = (
    "lãnh đạo",
    "giám đốc",
    "chủ tịch",
    "trưởng phòng",
    "phó trưởng",
    "thủ trưởng",
    "chi cục trưởng",
    "cục trưởng",
    "trưởng ban",
    "hiệu trưởng",
    "người đứng đầu",
    "trưởng",
)
_CLERK = ("văn thư",)
_SPECIALIST = ("chuyên viên", "công chức", "cán bộ", "viên chức", "kế toán", "người thụ lý")
_UNIT = ("phòng", "bộ phận", "tổ ")
"""A unit of the agency named as a whole ('Phòng Tư pháp'): its staff do the work."""
_SYSTEM = ("hệ thống", "phần mềm")
_AGENCY = (
    "văn phòng",
    "sở ",
    "ủy ban",
    "ubnd",
    "cơ quan",
    "chi cục",
    "cục ",
    "công an",
    "kho bạc",
    "văn phòng đăng ký",
    "chi nhánh",
    "trung tâm",
    "ban quản lý",
    "bảo hiểm xã hội",
    "điện lực",
    "thuế",
)


def _first(folded: str, words: tuple[str, ...]) -> int | None:
    found = [i for w in words if (i := folded.find(w)) >= 0]
    return min(found) if found else None


def actor_kind(text: str) -> tuple[ActorKind, str]:
    """Who a 'Trách nhiệm thực hiện' cell names, and why (`'lãnh đạo' → leader`).

    A clerk (Văn thư) is a specialist: the format has no kind of its own for it. An
    agency named without a role is an external agency; the caller decides whether it is
    the procedure's own.

    >>> actor_kind("Công chức Bộ phận Một cửa")[0], actor_kind("Lãnh đạo phòng")[0]
    (<ActorKind.one_stop: 'one_stop'>, <ActorKind.leader: 'leader'>)
    """
    folded = fold(text)
    if folded.startswith(_APPLICANT) and not folded.startswith(_STAFF_TOO):
        return ActorKind.applicant, next(w for w in _APPLICANT if folded.startswith(w)).strip()
    positions = {
        kind: at
        for kind, words in (
            (ActorKind.leader, _LEADER),
            (ActorKind.specialist, _CLERK + _SPECIALIST),
            (ActorKind.system, _SYSTEM),
        )
        if (at := _first(folded, words)) is not None
    }
    desk = _first(folded, _ONE_STOP)
    if desk is not None and not (
        ActorKind.leader in positions and positions[ActorKind.leader] < desk
    ):
        return ActorKind.one_stop, _word(folded, _ONE_STOP)
    role_words = {
        ActorKind.leader: _LEADER,
        ActorKind.specialist: _CLERK + _SPECIALIST,
        ActorKind.system: _SYSTEM,
    }
    if positions:
        kind = min(positions, key=lambda k: positions[k])
        return kind, _word(folded, role_words[kind])
    if folded.startswith(_UNIT):
        return ActorKind.specialist, next(w for w in _UNIT if folded.startswith(w)).strip()
    if _first(folded, _AGENCY) is not None:
        return ActorKind.external_agency, _word(folded, _AGENCY).strip()
    return ActorKind.specialist, ""


def _word(folded: str, words: tuple[str, ...]) -> str:
    found = [(i, w) for w in words if (i := folded.find(w)) >= 0]
    return min(found)[1] if found else ""


# What is done: the earliest of these words in the content decides, then the actor's
# kind settles the words that mean different things in different hands.
_STEP_WORDS: tuple[tuple[StepKind, tuple[str, ...]], ...] = (
    (StepKind.return_, ("trả kết quả", "trả hồ sơ", "trả giấy", "trả cho", "nhận kết quả")),
    (
        StepKind.receive,
        (
            "tiếp nhận",
            "nhận hồ sơ",
            "phân công",
            "giao cho",
            "giao chuyên viên",
            "giao công chức",
            "giao nhiệm vụ",
        ),
    ),
    (
        StepKind.pay,
        (
            "nộp phí",
            "nộp lệ phí",
            "thu phí",
            "thu lệ phí",
            "nghĩa vụ tài chính",
            "nộp tiền",
            "thanh toán",
        ),
    ),
    (StepKind.wait, ("tạm dừng", "chờ ")),
    (StepKind.submit, ("nộp hồ sơ", "gửi hồ sơ", "nộp trực", "bổ sung hồ sơ", "nộp ")),
    (
        StepKind.verify,
        (
            "xác minh",
            "kiểm tra thực tế",
            "kiểm tra thực địa",
            "đối chiếu",
            "thẩm tra",
            "khảo sát",
            "niêm yết",
            "đo đạc",
            "kiểm tra hiện trạng",
        ),
    ),
    (StepKind.check, ("kiểm tra hồ sơ", "kiểm tra tính", "kiểm tra", "rà soát")),
    (
        StepKind.appraise,
        (
            "thẩm định",
            "xem xét hồ sơ",
            "xử lý",
            "giải quyết",
            "dự thảo",
            "đề xuất",
            "tham mưu",
            "thụ lý",
            "soạn thảo",
            "lập ",
            "tổng hợp",
            "xem xét",
        ),
    ),
    (StepKind.approve, ("phê duyệt", "duyệt", "cho ý kiến", "quyết định", "chấp thuận")),
    (StepKind.sign, ("ký",)),
    (
        StepKind.issue,
        (
            "vào sổ",
            "đóng dấu",
            "phát hành",
            "ban hành",
            "in giấy",
            "cấp giấy",
            "cấp số",
            "lấy số",
            "cập nhật",
        ),
    ),
    (StepKind.transfer, ("chuyển", "bàn giao", "trình", "gửi")),
    (StepKind.notify, ("thông báo",)),
)


def step_kind(content: str, actor: ActorKind) -> tuple[StepKind, str]:
    """What a step does, from its content and who does it, and the words that said so.

    >>> step_kind("Xem xét, ký duyệt hồ sơ", ActorKind.leader)[0]
    <StepKind.sign: 'sign'>
    >>> step_kind("Tiếp nhận hồ sơ, kiểm tra", ActorKind.one_stop)[0]
    <StepKind.receive: 'receive'>
    """
    folded = fold(content)
    found = sorted(
        (at, -len(word), kind, word)
        for kind, words in _STEP_WORDS
        for word in words
        if (at := _word_at(folded, word)) >= 0
    )
    signs = [w for _, _, k, w in found if k == StepKind.sign and not _after_trinh(folded, w)]
    if actor == ActorKind.applicant:
        for _, _, kind, word in found:
            if kind in (StepKind.pay, StepKind.return_, StepKind.submit):
                return kind, word
        return StepKind.submit, ""
    firsts = {k: w for _, _, k, w in reversed(found)}
    if actor == ActorKind.leader:
        deciding = signs or StepKind.approve in firsts
        if StepKind.receive in firsts and not deciding:  # 'xem xét, phân công' assigns
            return StepKind.receive, firsts[StepKind.receive]
        if signs:
            return StepKind.sign, "ký"
        if StepKind.issue in firsts and firsts[StepKind.issue].startswith(("cấp", "ban hành")):
            return StepKind.sign, firsts[StepKind.issue]  # a leader grants: signs the paper
        return StepKind.approve, _first_word(found, "xem xét")
    if StepKind.receive in firsts and StepKind.appraise in firsts and actor != ActorKind.one_stop:
        return StepKind.appraise, firsts[StepKind.appraise]  # 'tiếp nhận, thẩm định' works on it
    if (
        actor == ActorKind.one_stop
        and StepKind.receive in firsts
        and not (
            StepKind.return_ in firsts
            and _word_at(folded, firsts[StepKind.return_])
            < _word_at(folded, firsts[StepKind.receive])
        )
    ):
        return StepKind.receive, firsts[StepKind.receive]
    for _, _, kind, word in found:
        if kind == StepKind.sign and _after_trinh(folded, word):
            continue
        if kind == StepKind.submit:  # staff do not submit: 'nộp' is what they take in
            continue
        return kind, word
    return (StepKind.receive, "") if actor == ActorKind.one_stop else (StepKind.appraise, "")


def _word_at(folded: str, word: str) -> int:
    if word == "ký":  # the verb, not a syllable of another word
        match = re.search(r"(?<!\w)ký(?!\w)", folded)
        return match.start() if match else -1
    if word == "duyệt":
        match = re.search(r"(?<!\w)duyệt", folded)
        return match.start() if match else -1
    return folded.find(word)


def _after_trinh(folded: str, word: str) -> bool:
    """'trình ký', 'trình lãnh đạo ký': the signature is someone else's."""
    at = _word_at(folded, word)
    return bool(re.search(r"trình[^.;]{0,40}$", folded[:at]))


def _first_word(found: list[tuple[int, int, StepKind, str]], default: str) -> str:
    return found[0][3] if found else default
