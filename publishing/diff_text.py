"""A semantic diff of two versions as reviewers read it, in Vietnamese or English: one
line per difference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from analysis.diff import VersionDiff
from diagrams.dot import CHANNEL_VI, KIND_VI
from publishing.labels import Lang, figure, local_time, plain_number

__all__ = ["diff_lines", "review_lines"]

_WORDS: dict[Lang, dict[str, str]] = {
    "vi": {
        "added": "Thêm bước",
        "removed": "Bỏ bước",
        "merged": "Gộp bước",
        "into": "vào",
        "dropped": "Không còn yêu cầu nộp",
        "asked": "Yêu cầu nộp thêm",
        "name": "tên",
        "actor": "người thực hiện",
        "kind": "loại bước",
        "channel": "cách thực hiện",
        "hours": "thời gian (giờ)",
        "legal_basis": "căn cứ pháp lý",
        "uses": "giấy tờ kiểm tra",
        "steps": "Số bước",
        "handoffs": "Số lần chuyển giao",
        "visits": "Số lượt đến cơ quan",
        "documents": "Số thành phần hồ sơ",
        "lead_time_days": "Thời gian (ngày làm việc)",
        "none": "Không có khác biệt về nội dung.",
        "step": "Bước",
    },
    "en": {
        "added": "Step added",
        "removed": "Step removed",
        "merged": "Step merged",
        "into": "into",
        "dropped": "No longer submitted",
        "asked": "Now submitted",
        "name": "name",
        "actor": "actor",
        "kind": "kind",
        "channel": "channel",
        "hours": "hours",
        "legal_basis": "legal basis",
        "uses": "documents checked",
        "steps": "Steps",
        "handoffs": "Hand-offs",
        "visits": "Visits",
        "documents": "Documents",
        "lead_time_days": "Lead time (working days)",
        "none": "No difference in content.",
        "step": "Step",
    },
}


def _value(attribute: str, value: str, lang: Lang) -> str:
    """A channel or a kind of step in words (Vietnamese; English keeps the term), hours
    in the language's number format."""
    if attribute == "hours":
        try:
            return plain_number(float(value), 2, lang)
        except ValueError:  # not timed
            return value
    words = {"channel": {**CHANNEL_VI, "internal": "nội bộ"}, "kind": KIND_VI}.get(attribute)
    if lang == "vi" and words:
        return words.get(value, value)
    return value.replace("_", " ")


def diff_lines(diff: VersionDiff, lang: Lang = "vi") -> list[str]:
    """The differences, one per line; the measures that moved last."""
    w = _WORDS[lang]
    lines = [f"+ {w['added']} «{name}» ({step})" for step, name in diff.added]
    lines += [f"- {w['removed']} «{name}» ({step})" for step, name in diff.removed]
    lines += [f"~ {w['merged']} {step} {w['into']} {into}" for step, into in diff.merged]
    lines += [
        f"~ {w['step']} {c.step}, {w[c.attribute]}: «{_value(c.attribute, c.before, lang)}» → "
        f"«{_value(c.attribute, c.after, lang)}»"
        for c in diff.changed
    ]
    lines += [f"- {w['dropped']}: «{name}» ({doc})" for doc, name in diff.documents_dropped]
    lines += [f"+ {w['asked']}: «{name}» ({doc})" for doc, name in diff.documents_asked]
    if diff.empty:
        lines.append(w["none"])
    lines += [
        f"  {w[key]}: {figure(key, before, lang)} → {figure(key, after, lang)}"
        for key, before, after in diff.measures
    ]
    return lines


def review_lines(
    reviewer: str,
    decided_at: datetime,
    comment: str,
    proposal: int,
    decisions: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Who decided a proposal, when, and the verdict on each change (Vietnamese)."""
    accepted = sum(d["verdict"] == "accept" for d in decisions)
    lines = [
        f"Rà soát đề xuất {proposal}: {reviewer}, {local_time(decided_at)}; đồng ý "
        f"{accepted}, không đồng ý {len(decisions) - accepted} thay đổi"
        + (f"; ý kiến: {comment}" if comment else "")
    ]
    for d in decisions:
        steps = ", ".join(d["steps"])
        if d["verdict"] == "reject":
            lines.append(f"  ✗ {d['rule']} ({steps}): {d.get('reason') or 'không ghi lý do'}")
        elif not d.get("applied", True):
            lines.append(f"  ! {d['rule']} ({steps}): đồng ý nhưng không còn áp dụng được")
    return lines
