"""Edits are data: every kind reads back as it was written (stored analyses keep them)."""

from __future__ import annotations

import json

import pytest

from models.procedure import Channel
from rules.edits import (
    AskWhenMissing,
    Automate,
    DropBranches,
    DropDocument,
    Edit,
    Interconnect,
    MergeSteps,
    NarrowCheck,
    RemoveCheck,
    RemoveStep,
    RunInParallel,
    SwitchChannel,
    edit_from_json,
    edit_to_json,
)

EDITS: list[Edit] = [
    RemoveStep("transfer"),
    RemoveCheck("check"),
    DropBranches("route"),
    MergeSteps(step="return", into="pay"),
    SwitchChannel("submit", Channel.in_person, Channel.online, "Nộp trực tiếp", "Nộp trực tuyến"),
    Interconnect("send_tax", old_name="Gửi phiếu", new_name="Gửi phiếu qua liên thông điện tử"),
    DropDocument("id_card", "population_db"),
    Automate("verify", hours=0.0, old_name="Đối chiếu", new_name="Tra cứu tự động: Đối chiếu"),
    RunInParallel(("tax_opinion", "police_opinion")),
    NarrowCheck("check", ("id_copy", "residence")),
    AskWhenMissing(
        after="submit",
        source="civil_status_db",
        documents=("birth_copy",),
        miss=0.15,
        hours=4.0,
        question="Khai thác được dữ liệu?",
        name="Bổ sung giấy tờ",
    ),
]


@pytest.mark.parametrize("edit", EDITS, ids=[edit.kind for edit in EDITS])
def test_an_edit_reads_back_from_its_json(edit: Edit) -> None:
    document = json.loads(json.dumps(edit_to_json(edit)))  # as the store keeps it
    assert edit_from_json(document) == edit


def test_an_edit_stored_before_a_field_existed_reads_back_with_its_default() -> None:
    document = {"edit": "switch_channel", "step": "pay", "old": "in_person", "new": "online"}
    assert edit_from_json(document) == SwitchChannel("pay", Channel.in_person, Channel.online)


def test_every_kind_of_edit_is_covered_here() -> None:
    assert {type(edit) for edit in EDITS} == set(Edit.__subclasses__()) - {
        kind for kind in Edit.__subclasses__() if kind.__module__ != "rules.edits"
    }
