"""Reading the words of an internal-process table: times, who acts, what is done."""

from __future__ import annotations

import pytest

from inputs.office.words import actor_kind, read_time, step_kind
from models.procedure import ActorKind, StepKind


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("0,5 ngày làm việc", 4.0),
        ("01 ngày làm việc", 8.0),
        ("1/2 ngày", 4.0),
        ("02 giờ", 2.0),
        ("0,5 giờ", 0.5),
        ("04 giờ làm việc", 4.0),
        ("30 phút", 0.5),
        ("07 ngày làm việc", 56.0),
        ("Không tính thời gian", None),
        ("Không tính thời\ngian", None),
        ("Tổng thời gian giải quyết: 10 ngày làm việc", 80.0),
    ],
)
def test_times_read_as_working_hours(text: str, hours: float | None) -> None:
    time = read_time(text)
    assert time is not None and time.hours == hours and not time.assumed


def test_an_assumption_is_said() -> None:
    span = read_time("05 - 07 ngày làm việc")
    assert span is not None and span.hours == 56.0 and span.assumed
    sentence = read_time(
        "Cơ sở có trách nhiệm tiếp nhận ngay và hoàn thiện hồ sơ trong 10 ngày làm việc"
    )
    assert sentence is not None and sentence.hours == 80.0 and "câu" in sentence.assumed


@pytest.mark.parametrize("text", ["Theo quy định", "", "x", "tùy trường hợp"])
def test_a_time_without_a_figure_is_not_read(text: str) -> None:
    assert read_time(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Bộ phận tiếp nhận và trả kết quả Sở Y tế tại TTPVHCC tỉnh", ActorKind.one_stop),
        ("Công chức Bộ phận Một cửa", ActorKind.one_stop),
        ("Trung tâm Phục vụ hành chính công tỉnh", ActorKind.one_stop),
        ("Lãnh đạo Phòng BTXH và Trẻ em", ActorKind.leader),
        ("Giám đốc Sở", ActorKind.leader),
        ("Chủ tịch UBND cấp xã", ActorKind.leader),
        ("Chuyên viên Phòng BTXH và Trẻ em", ActorKind.specialist),
        ("Công chức Văn hoá - Xã hội", ActorKind.specialist),
        ("Bộ phận Văn thư Sở Y tế", ActorKind.specialist),
        ("Văn thư UBND xã, phường", ActorKind.specialist),
        ("Tổ chức, cá nhân", ActorKind.applicant),
        ("Người đăng ký thường trú", ActorKind.applicant),
        ("Người đứng đầu cơ sở", ActorKind.leader),
        ("Cơ quan thuế", ActorKind.external_agency),
        ("Văn phòng UBND tỉnh", ActorKind.external_agency),
    ],
)
def test_who_acts(text: str, kind: ActorKind) -> None:
    assert actor_kind(text)[0] == kind


@pytest.mark.parametrize(
    ("content", "actor", "kind"),
    [
        ("Phân công thụ lý hồ sơ", ActorKind.leader, StepKind.receive),
        ("Xem xét hồ sơ, trình lãnh đạo Sở phê duyệt", ActorKind.leader, StepKind.approve),
        ("Phê duyệt kết quả giải quyết TTHC", ActorKind.leader, StepKind.approve),
        ("Ký duyệt kết quả", ActorKind.leader, StepKind.sign),
        ("Thụ lý giải quyết; Trình lãnh đạo Phòng", ActorKind.specialist, StepKind.appraise),
        ("Vào sổ văn bản, đóng dấu, chuyển kết quả", ActorKind.specialist, StepKind.issue),
        ("Trả kết quả giải quyết TTHC cho tổ chức, cá nhân", ActorKind.one_stop,
         StepKind.return_),
        ("Kiểm tra, xem xét tính chính xác, đầy đủ của hồ sơ, lập phiếu tiếp nhận",
         ActorKind.one_stop, StepKind.receive),
        ("Chuyển hồ sơ đến Phòng chuyên môn", ActorKind.one_stop, StepKind.transfer),
        ("Nộp hồ sơ trực tuyến", ActorKind.applicant, StepKind.submit),
        ("Nộp lệ phí", ActorKind.applicant, StepKind.pay),
    ],
)  # fmt: skip
def test_what_is_done(content: str, actor: ActorKind, kind: StepKind) -> None:
    assert step_kind(content, actor)[0] == kind
