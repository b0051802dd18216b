"""The Vietnamese words of a step after a change: one place for the phrases that say
how a step is done, used by the rules that rename steps and by the check that no
step's name contradicts its channel."""

from __future__ import annotations

import re

from models.procedure import Channel, StepKind, fitted

__all__ = ["contradiction", "interconnected", "renamed"]

_IN_PERSON = re.compile(
    r"trực tiếp|tiền mặt|\btại (?:Bộ phận|trụ sở|quầy|điểm|nơi làm thủ tục|Phòng|Công an"
    r"|Trung tâm|Kho bạc|ngân hàng|đại lý|Bưu điện|UBND|Ủy ban)|^(?:Đến|Mang) |\bhồ sơ giấy"
    r"|\bxuất trình",
    re.IGNORECASE,
)
"""Phrases that put a step at a desk, in cash or on paper."""

_ONLINE = re.compile(r"trực tuyến|điện tử|Cổng Dịch vụ công", re.IGNORECASE)
"""Phrases that put a step online."""

_CHANNEL_WORDS = {
    Channel.online: " trực tuyến trên Cổng Dịch vụ công",
    Channel.post: " qua bưu chính công ích",
}
_RETURN_WORDS = {
    Channel.online: " (bản điện tử)",
    Channel.post: " qua bưu chính công ích",
}

# What goes from a name when the step leaves the desk: (pattern, replacement), in order.
_DESK_PHRASES = (
    (re.compile(r"^(?:Đến|Mang) (?:[^,;]*? )?(?=(?:nộp|thông báo|ký|nhận|làm|đăng ký) \w)"), ""),
    (re.compile(r"^Mang (?=bổ sung)"), ""),
    (re.compile(r"^(?:Mang|Xuất trình) "), "Gửi "),
    (re.compile(r",? (?:xuất trình|ký sổ)[^;]*"), ""),
    (re.compile(r",? nhận biên lai"), ""),
    (re.compile(r" bằng tiền mặt(?: (?:cho|tại) [^,;]*)?"), ""),
    (re.compile(r" ?\((?:nhận )?trực tiếp\b[^)]*\)"), ""),
    (re.compile(r" trực tiếp"), ""),
    (
        re.compile(
            r",? (?:tại|đến) (?:Bộ phận|trụ sở|quầy|điểm|nơi làm thủ tục|Phòng|Công an"
            r"|Trung tâm|Kho bạc|ngân hàng|đại lý|Bưu điện|UBND|Ủy ban)[^,;]*",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r"\b\d+ bộ (?=hồ sơ)"), ""),
    (re.compile(r"(?<=hồ sơ) giấy"), ""),
    (re.compile(r"(?<=[Gg]iấy tờ) tại [^,;]*"), ""),
)


def _without_desk(part: str) -> str:
    for pattern, replacement in _DESK_PHRASES:
        part = pattern.sub(replacement, part)
    part = part.strip(" ,")
    return part[:1].upper() + part[1:]


def renamed(name: str, kind: StepKind, channel: Channel) -> str:
    """The name of a step of `kind` named `name` once done through `channel` (online or
    post): the desk, cash and paper phrases go, and the new channel is said.

    >>> renamed("Nộp hồ sơ trực tiếp tại Bộ phận Một cửa", StepKind.submit, Channel.online)
    'Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công'
    >>> renamed("Nộp lệ phí bằng tiền mặt, nhận biên lai", StepKind.pay, Channel.online)
    'Thanh toán lệ phí trực tuyến'
    >>> renamed("Nhận Giấy khai sinh tại Bộ phận Một cửa", StepKind.return_, Channel.online)
    'Nhận Giấy khai sinh (bản điện tử)'
    >>> renamed("Nhận hộ chiếu trực tiếp, xuất trình giấy hẹn", StepKind.return_, Channel.post)
    'Nhận hộ chiếu qua bưu chính công ích'
    >>> renamed("Trả kết quả (trực tiếp hoặc qua dịch vụ bưu công ích tùy theo đăng ký)",
    ...         StepKind.return_, Channel.online)
    'Trả kết quả (bản điện tử)'
    """
    return fitted("; ".join(_renamed(part, kind, channel) for part in name.split("; ")))


def _renamed(part: str, kind: StepKind, channel: Channel) -> str:
    """One part of a (merged) name; a part that starts by receiving or paying is a
    return or a payment whatever the merged step's kind."""
    base = _without_desk(part)
    if _PAYING.match(base):
        kind = StepKind.pay
    elif base.startswith("Nhận ") and kind is not StepKind.receive:
        kind = StepKind.return_
    if kind is StepKind.pay:
        base = _PAYING.sub("Thanh toán ", base)
        return f"{base} trực tuyến" if channel is Channel.online else base + _CHANNEL_WORDS[channel]
    if base.startswith("Nhận tiền") and channel is Channel.online:
        return f"{base} qua tài khoản ngân hàng"
    words = _RETURN_WORDS if kind is StepKind.return_ else _CHANNEL_WORDS
    return base + words[channel]


_PAYING = re.compile(r"^(?:Nộp|Thanh toán) (?=(?:lệ phí|phí|tiền))")


def interconnected(name: str) -> str:
    """The name of a transfer between agencies once it goes through the electronic
    interconnection (liên thông điện tử) instead of on paper.

    >>> interconnected("Gửi hồ sơ giấy đến Sở Xây dựng")
    'Gửi hồ sơ điện tử đến Sở Xây dựng qua liên thông điện tử'
    """
    base = re.sub(r"\bhồ sơ giấy\b", "hồ sơ điện tử", name)
    base = re.sub(
        r" (?:qua đường công vụ|bằng văn bản giấy|qua bưu điện|qua Bộ phận Một cửa)", "", base
    )
    return fitted(f"{base} qua liên thông điện tử")


def contradiction(name: str, channel: Channel) -> str | None:
    """The phrase of `name` that its `channel` contradicts, if any: a desk, cash or paper
    phrase on a step done online or by post, an online phrase on a step done in person.

    >>> contradiction("Nộp lệ phí bằng tiền mặt", Channel.online)
    'tiền mặt'
    >>> contradiction("Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công", Channel.in_person)
    'trực tuyến'
    >>> contradiction("Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công", Channel.online) is None
    True
    """
    if channel in (Channel.online, Channel.post):
        found = _IN_PERSON.search(name)
    elif channel is Channel.in_person:
        found = _ONLINE.search(name)
    else:
        return None
    return found.group(0).strip() if found else None
