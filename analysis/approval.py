"""Who can approve each proposal, as provincial simplification plans sort them.

Three levels (Đồng Nai QĐ 2816/QĐ-UBND, HCMC QĐ 2842/QĐ-UBND, 2025):

- `department` — the department applies it itself: its internal steps and times;
- `province` — the provincial chairman: the internal process, the one-stop arrangement,
  the channels the one-stop system offers;
- `ministry` — a central ministry must amend a decree or circular: a dossier
  component, a fee, or a step the law fixes. The proposal names the legal text (with
  its article where the procedure file gives one).

A change gets its rule's level, raised to `ministry` when it removes a step that
carries a legal basis of its own (the guardrails keep legally required acts, so this is
a step the law describes but does not require).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from models.graph import ProcedureGraph, header_of, step_of
from rules import Change

__all__ = ["RULE_LEVEL", "Approval", "ApprovalLevel", "approval"]


class ApprovalLevel(StrEnum):
    department = "department"
    province = "province"
    ministry = "ministry"


RULE_LEVEL: dict[str, ApprovalLevel] = {
    "CH01": ApprovalLevel.province,
    "CH02": ApprovalLevel.province,
    "CH03": ApprovalLevel.province,
    "CH04": ApprovalLevel.province,
    "DO01": ApprovalLevel.ministry,
    "DO02": ApprovalLevel.department,
    "DO03": ApprovalLevel.department,
    "FL01": ApprovalLevel.department,
    "FL02": ApprovalLevel.department,
    "ST01": ApprovalLevel.department,
    "ST02": ApprovalLevel.department,
    "ST03": ApprovalLevel.department,
    "ST04": ApprovalLevel.province,
    "ST05": ApprovalLevel.department,
}
"""The level each rule's change needs by its nature: dossier components are fixed by the
ministry's announced procedure (DO01); channels, the one-stop arrangement and the
approval layers by the province's internal process; the rest are a department's own
steps."""

_CENTRAL_TEXT = re.compile(r"(Nghị định|Thông tư|Quyết định \S+/QĐ-(?!UBND)|Luật)", re.IGNORECASE)
"""Legal texts a ministry or the Government issues (a provincial QĐ-UBND is not one)."""


@dataclass(frozen=True)
class Approval:
    """Who can approve a change, and the legal text to amend when a ministry must."""

    level: ApprovalLevel
    legal_text: str | None = None


def approval(change: Change, before: ProcedureGraph) -> Approval:
    """The level that can decide `change` on procedure graph `before`."""
    removed = [n for n in change.removed_steps if n in before]
    own = [basis for n in removed if (basis := step_of(before, n)["legal_basis"])]
    if own:
        return Approval(ApprovalLevel.ministry, own[0])
    level = RULE_LEVEL.get(change.rule, ApprovalLevel.department)
    if level is ApprovalLevel.ministry:
        return Approval(level, _central_text(header_of(before)["legal_basis"]))
    return Approval(level)


def _central_text(bases: Sequence[str]) -> str | None:
    """The text a ministry would amend: the most specific central text the procedure
    cites (a circular before a ministry's decision, a decree, a law), else its first
    legal basis."""
    central = [b for b in bases if _CENTRAL_TEXT.search(b)]
    for kind in ("Thông tư", "Quyết định", "Nghị định", "Luật"):
        for basis in central:
            if basis.lower().startswith(kind.lower()):
                return basis
    return central[0] if central else (bases[0] if bases else None)
