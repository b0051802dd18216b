"""The `reengineer-procedure` flow: one procedure, or a few, on an analyst's demand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run
from pydantic import Field
from sqlmodel import Session

from analysis.result import Inputs
from analysis.scenario import scenario_of
from diagrams.render import require_dot
from flows.artifacts import publish_link, publish_table, refuse_error, refuse_run
from flows.parameters import (
    DEFAULT_OUTPUT,
    OutputOptions,
    ProcedureCodes,
    ReviewWaitHours,
    ReviewWanted,
    RuleChoice,
    SourceChoice,
    clean_codes,
)
from flows.review import ask_reviewer, record_decision
from flows.tasks import (
    analyse,
    find_versions,
    import_batch,
    opaque,
    publish_pages,
    publish_scenario_site,
    publish_site,
    read_files,
    read_inputs,
    store,
)
from inputs.settings import get_settings, site_url
from models.errors import TthcError
from models.procedure import Procedure
from publishing.labels import scenario_label
from publishing.site import SiteEntry
from publishing.ui_pages import procedure_rows
from store.engine import shared_engine
from store.queries import analysed_since

__all__ = ["reengineer_procedure", "review_proposals"]


def _bundled(codes: list[str], inputs: Inputs) -> list[tuple[str, Procedure]]:
    """The bundled catalogue's files of the procedures with these codes."""
    bundled = read_files([str(get_settings().catalog_dir)], inputs)
    return [(path, p) for path, p in bundled if p.code in codes]


def _codes_named() -> str:
    """The run's name: what it re-engineers (`reengineer 1.001193`)."""
    codes = clean_codes(flow_run.parameters.get("codes"))
    shown = ", ".join(codes[:3]) + (f" (+{len(codes) - 3})" if len(codes) > 3 else "")
    return f"reengineer {shown or '(chưa chọn thủ tục)'}"


@flow(name="reengineer-procedure", log_prints=True, flow_run_name=_codes_named)
def reengineer_procedure(
    codes: ProcedureCodes = (),
    rules: RuleChoice = (),
    connect: SourceChoice = (),
    output: OutputOptions = DEFAULT_OUTPUT,
    review: ReviewWanted = False,
    review_wait_hours: ReviewWaitHours = 72,
) -> dict[str, Any] | State:
    """Re-engineer one procedure, or a few: store the analysis, render the diagrams and
    show each procedure's page in the Prefect UI (artifact `procedure-<code>`).

    A run with only some rules, or with data sources taken as connected, is a scenario:
    nothing is stored, its diagrams and pages go to `out/scenarios/<key>/` and to UI pages
    of its own (`<key>-procedure-<code>`), each marked as a scenario; the official outputs
    and the nightly's view of what changed stay as they were.

    Args:
        codes: Mã thủ tục (mã trên Cổng Dịch vụ công quốc gia), ví dụ 1.001193 (đăng ký
            khai sinh); thủ tục chưa có trong kho được lấy từ danh mục kèm theo.
        rules: Chỉ áp dụng các quy tắc này (kịch bản giả định, không thay đổi kết quả
            chính thức); để trống: toàn bộ danh mục quy tắc (kết quả chính thức). Các
            quy tắc: FL02 — Bỏ nhánh xử lý không bao giờ xảy ra cùng các bước chỉ thuộc
            nhánh đó; FL01 — Bỏ điểm rẽ nhánh chỉ còn một hướng thực tế xảy ra; ST01 —
            Bỏ bước chuyển hồ sơ trung gian; DO01 — Bỏ thành phần hồ sơ mà cơ sở dữ liệu
            đã kết nối đã có; cán bộ khai thác dữ liệu; DO03 — Bỏ bước kiểm tra giấy tờ
            mà người dân không còn phải nộp vì đã khai thác từ cơ sở dữ liệu; DO02 —
            Chuyển bước đối chiếu giấy tờ thành tra cứu tự động trên cơ sở dữ liệu đã
            kết nối; ST03 — Bỏ bước kiểm tra lặp lại nội dung đã được kiểm tra ở bước
            trước; ST04 — Giảm các cấp duyệt, ký nối tiếp cho cùng một kết quả về một
            cấp ký theo quy định; CH01 — Chuyển nộp hồ sơ trực tiếp sang nộp trực tuyến
            trên Cổng dịch vụ công; CH02 — Chuyển nộp phí, lệ phí bằng tiền mặt sang
            thanh toán trực tuyến; CH03 — Trả kết quả điện tử hoặc qua bưu chính công
            ích thay cho nhận trực tiếp; CH04 — Chuyển văn bản, hồ sơ giữa các cơ quan
            qua liên thông điện tử thay cho chuyển giấy; văn bản vẫn được ban hành và
            gửi; ST02 — Gộp hai bước liền nhau do cùng một người thực hiện thành một
            bước; ST05 — Thực hiện song song các bước độc lập của các cơ quan khác nhau
            thay vì lần lượt.
        connect: Coi các cơ sở dữ liệu này là đã kết nối, để xem kết nối chúng thay đổi
            gì (kịch bản giả định; không thay đổi kết quả chính thức). Các cơ sở dữ
            liệu: population_db — Cơ sở dữ liệu quốc gia về dân cư; civil_status_db — Cơ
            sở dữ liệu hộ tịch điện tử toàn quốc; business_db — Cơ sở dữ liệu quốc gia
            về đăng ký doanh nghiệp; social_insurance_db — Cơ sở dữ liệu quốc gia về bảo
            hiểm; driving_licence_db — Cơ sở dữ liệu giấy phép lái xe; vehicle_db — Cơ
            sở dữ liệu đăng ký, quản lý phương tiện giao thông; land_db — Cơ sở dữ liệu
            quốc gia về đất đai; health_db — Hệ thống giấy chứng sinh, giấy báo tử điện
            tử (ngành y tế); judicial_record_db — Cơ sở dữ liệu lý lịch tư pháp;
            education_db — Cơ sở dữ liệu ngành giáo dục (văn bằng, học bạ); tax_db — Cơ
            sở dữ liệu quản lý thuế; electricity_db — Hệ thống quản lý khách hàng ngành
            điện (CMIS).
        output: Những gì lần chạy tạo ra ngoài kết quả phân tích được lưu.
        review: Dừng sau khi phân tích, chờ người rà soát quyết định từng thay đổi.
        review_wait_hours: Chờ quyết định bao lâu (giờ); quá hạn thì kết thúc, đề xuất
            vẫn chờ rà soát.
    """
    try:
        return _reengineer(codes, rules, connect, output, review, review_wait_hours)
    except TthcError as error:
        return refuse_error(error)


def _reengineer(
    codes: ProcedureCodes,
    rules: RuleChoice,
    connect: SourceChoice,
    output: OutputOptions,
    review: bool,
    review_wait_hours: float,
) -> dict[str, Any] | State:
    settings = get_settings()
    wanted = clean_codes(codes)
    if not wanted:
        return refuse_run(
            "Chưa chọn thủ tục nào.",
            "Nhập ít nhất một mã thủ tục, ví dụ 1.001193 (đăng ký khai sinh), rồi chạy lại.",
        )
    selected: list[str] | None = list(rules) if rules else None
    scenario = scenario_of(selected, connect)
    if scenario is not None and review:
        return refuse_run(
            "Kịch bản giả định không đưa ra rà soát được: chỉ kết quả chính thức mới được duyệt.",
            "Bỏ chọn quy tắc và cơ sở dữ liệu giả định kết nối (để trống), hoặc tắt rà soát.",
        )
    if output.diagrams:
        require_dot()
    url = settings.database_url
    inputs = read_inputs(list(connect))
    versions = find_versions(url, wanted)
    missing = [c for c in wanted if c not in versions]
    if missing and scenario is not None:  # a scenario changes nothing stored
        return refuse_run(
            f"Kịch bản giả định chỉ phân tích thủ tục đã có trong kho; chưa có: "
            f"{', '.join(missing)}.",
            "Chạy chính thức trước (để trống quy tắc và cơ sở dữ liệu giả định) để nhập thủ "
            "tục, rồi chạy lại kịch bản.",
        )
    if missing:
        bundled = _bundled(missing, inputs)
        unknown = sorted(set(missing) - {p.code for _, p in bundled})
        if unknown:
            return refuse_run(
                f"Không tìm thấy thủ tục {', '.join(unknown)} trong kho dữ liệu hay danh mục "
                "kèm theo.",
                "Kiểm tra lại mã (đúng như trên Cổng Dịch vụ công quốc gia); nếu đúng, nhập "
                "tệp thủ tục trước (trang Nộp tệp của trang rà soát, hoặc import-catalog).",
            )
        imported = import_batch(url, bundled)
        versions |= {p.code: vid for (_, p), (vid, _) in zip(bundled, imported, strict=True)}
    official = str(settings.out_dir)
    out_dir = str(Path(official) / scenario.folder) if scenario else official
    label = scenario_label(scenario, inputs.sources) if scenario else ""
    rendered = out_dir if output.diagrams or review else None
    analysed = analyse(url, [versions[c] for c in wanted], selected, inputs, rendered, label)
    if scenario is None:
        store(url, opaque(analysed), inputs)
    if output.diagrams and output.artifacts:
        publish_pages(opaque(analysed), out_dir, output, scenario, label)
    entries = [SiteEntry(item.result, item.diagrams) for item in analysed]
    publish_table(entries, f"{scenario.key}-run" if scenario else "procedure-run", label=label)
    if output.review_site and output.diagrams:
        if scenario is None:
            index = publish_site(url, out_dir, selected, inputs, wanted)
            publish_link(site_url(settings, index), key="review-site")
        else:
            index = publish_scenario_site(opaque(analysed), out_dir, label)
            publish_link(site_url(settings, index), key=f"{scenario.key}-site", text=label)
    for e in entries:
        print(f"{e.code} {e.name}: steps {e.before.steps} → {e.after.steps}")
    reviews: dict[str, Any] = {}
    for item in analysed if review else []:
        wait = round(review_wait_hours * 3600)
        decided = ask_reviewer(item, out_dir, output.image_width_px, wait)
        reviews[item.result.code] = (
            "awaiting review"
            if decided is None
            else record_decision(url, item.version_id, decided, selected, inputs, out_dir)
        )
    reviewed = [code for code, outcome in reviews.items() if outcome != "awaiting review"]
    if reviewed and output.review_site:
        publish_site(url, out_dir, selected, inputs, reviewed)
    return {
        "procedures": procedure_rows(entries),
        "reviews": reviews,
        "scenario": label or None,
    }


@task(cache_policy=NONE)
def recently_analysed(database_url: str, hours: float) -> list[str]:
    """The codes of the procedures analysed in the last `hours`."""
    since = datetime.now(UTC) - timedelta(hours=hours)
    with Session(shared_engine(database_url)) as session:
        return analysed_since(session, since)


def _review_named() -> str:
    codes = clean_codes(flow_run.parameters.get("codes"))
    return "review " + (", ".join(codes[:3]) + (" …" if len(codes) > 3 else "") or "last night")


@flow(name="review-proposals", log_prints=True, flow_run_name=_review_named)
def review_proposals(
    codes: ProcedureCodes = (),
    changed_within_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24,
    review_wait_hours: ReviewWaitHours = 72,
) -> dict[str, Any] | State:
    """Ask a reviewer to decide proposals, one procedure after another in this run.

    Args:
        codes: Thủ tục cần rà soát; để trống: mọi thủ tục được phân tích trong
            `changed_within_hours` giờ qua (lần chạy đêm gần nhất).
        changed_within_hours: Khoảng thời gian tìm các phân tích khi không nhập mã.
        review_wait_hours: Chờ mỗi quyết định bao lâu.
    """
    wanted = clean_codes(codes)
    selected = wanted or recently_analysed(get_settings().database_url, changed_within_hours)
    if not selected:
        print(f"no procedure was analysed in the last {changed_within_hours} h: nothing to review")
        return {"procedures": [], "reviews": {}}
    print(f"{len(selected)} proposals to review: {', '.join(selected)}")
    return reengineer_procedure(
        codes=tuple(selected), review=True, review_wait_hours=review_wait_hours
    )
