"""The `reengineer-catalog` flow (what `make demo` runs): import a catalogue, analyse
every procedure, render, and publish the report and the review site."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import State
from sqlmodel import Session

from analysis.result import Inputs, signature
from analysis.scenario import scenario_of
from diagrams.figures import diagram_files
from diagrams.render import require_dot
from flows.artifacts import (
    publish_link,
    publish_plans_page,
    refuse_error,
    refuse_run,
)
from flows.forms import refresh_forms
from flows.tasks import (
    analyse,
    find_versions,
    import_batch,
    opaque,
    publish_plan_documents,
    publish_scenario_site,
    publish_site,
    read_files,
    read_inputs,
    store,
)
from inputs.settings import get_settings, output_folder, readable_path, site_url
from jobs.batches import Analysed
from jobs.review import reviewed_results
from models.errors import TthcError
from models.graph import graph_from_json, header_of
from publishing.labels import local_time, scenario_label
from publishing.plan_docs import PLAN_DOCUMENTS
from publishing.report import assemble_report, procedure_report
from publishing.report_files import publish_report
from publishing.ui_pages import outputs_markdown
from rules import RULES_VERSION, RuleCode, get_rules
from store.engine import shared_engine
from store.queries import current_results, essential_graphs

__all__ = ["BATCH_SIZE", "reengineer_catalog"]

BATCH_SIZE = 250
"""Procedures per task."""


@task(cache_policy=NONE)
def publish_review_report(
    database_url: str,
    out_dir: str,
    analysed: list[Analysed],
    inputs: Inputs,
    rules: list[str] | None,
) -> str:
    """Write the consolidated report in Vietnamese and English: the essential services in
    the store (whichever files this run read), each from its approved version when a
    reviewer decided its proposal; this run's procedures when the store holds no essential
    service. Return its page, relative to `out_dir`."""
    applied = get_rules(rules)
    with Session(shared_engine(database_url)) as session:
        stored = [(vid, header_of(graph_from_json(g))) for vid, g in essential_graphs(session)]
        current = {r.code: r for r in current_results(session, signature(applied), inputs.key)}
        if not stored:
            stored = [(a.version_id, a.header) for a in analysed]
            current |= {a.result.code: a.result for a in analysed}
        ids = [vid for vid, _ in stored]
        reviewed = reviewed_results(session, ids, applied, inputs, Path(out_dir))
    rows = []
    diagrams = {}
    for vid, header in stored:
        code = header["code"]
        if vid in reviewed:
            result, review, approved = reviewed[vid]
            rows.append(procedure_report(header, result, review))
            diagrams[code] = approved
        elif code in current:  # analysed under these rules and inputs
            rows.append(procedure_report(header, current[code]))
            diagrams[code] = diagram_files(code, header["essential"])
    report = assemble_report(rows, inputs.costs, RULES_VERSION)
    files = publish_report(Path(out_dir), report, diagrams)
    return files["vi"].html.relative_to(out_dir).as_posix()


def _catalogue_named() -> str:
    """The run's name: the catalogue and the day (Vietnam's time)."""
    return f"reengineer-catalog {local_time(datetime.now(UTC), with_time=False)}"


@flow(name="reengineer-catalog", log_prints=True, flow_run_name=_catalogue_named)
def reengineer_catalog(
    paths: list[str] | None = None,
    out_dir: str | None = None,
    rules: tuple[RuleCode, ...] = (),
) -> dict[str, Any] | State:
    """Re-engineer a catalogue of procedures; publish the review site and the report.

    Args:
        paths: Tệp hoặc thư mục thủ tục, trong thư mục danh mục hoặc thư mục nhận tệp
            (TTHC_INBOX_DIRS); để trống: danh mục kèm theo.
        out_dir: Nơi ghi sơ đồ và trang rà soát, trong thư mục kết quả (TTHC_OUT_DIR);
            để trống: chính thư mục đó.
        rules: Chỉ áp dụng các quy tắc này: kịch bản giả định, không lưu gì, trang riêng
            trong out/scenarios/; để trống: toàn bộ danh mục quy tắc (kết quả chính thức).
    """
    try:
        return _reengineer(paths, out_dir, list(rules) if rules else None)
    except TthcError as error:
        return refuse_error(error)


def _reengineer(
    paths: list[str] | None, out_dir: str | None, selected: list[str] | None
) -> dict[str, Any] | State:
    settings = get_settings()
    read = [str(readable_path(settings, p)) for p in paths or [str(settings.catalog_dir)]]
    target = str(output_folder(settings, out_dir))
    require_dot()
    url = settings.database_url
    scenario = scenario_of(selected, ())
    inputs = read_inputs()
    procedures = read_files(read, inputs)
    if scenario is None:
        imported = import_batch(url, procedures)
        refresh_forms()  # the procedures in the forms' picker
        version_ids = [vid for vid, _ in imported]
    else:  # only some rules: the stored procedures, stored nowhere, published apart
        codes = [p.code for _, p in procedures]
        versions = find_versions(url, codes)
        missing = [c for c in codes if c not in versions]
        if missing:
            return refuse_run(
                f"Kịch bản giả định chỉ phân tích thủ tục đã có trong kho; chưa có: "
                f"{', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}.",
                "Chạy chính thức trước (để trống quy tắc) để nhập các thủ tục này, rồi chạy "
                "lại kịch bản.",
            )
        version_ids = [versions[c] for c in codes]
        target = str(Path(target) / scenario.folder)
    label = scenario_label(scenario, inputs.sources) if scenario else ""
    analysed = [
        a
        for i in range(0, len(version_ids), BATCH_SIZE)
        for a in analyse(url, version_ids[i : i + BATCH_SIZE], selected, inputs, target, label)
    ]
    if scenario is not None:
        index = publish_scenario_site(opaque(analysed), target, label)
        publish_link(site_url(settings, index), key=f"{scenario.key}-site", text=label)
        return {
            "index": index,
            "scenario": label,
            "new_analyses": 0,
            "report": None,
            "plans": None,
            "procedures": [_row(a) for a in analysed],
        }
    stored = [
        d
        for i in range(0, len(analysed), BATCH_SIZE)
        for d in store(url, opaque(analysed[i : i + BATCH_SIZE]), inputs)
    ]
    plans = publish_plan_documents(url, target, selected, inputs)
    if plans is not None:
        publish_plans_page(plans, lambda path: site_url(settings, str(Path(target) / path)))
    report = publish_review_report(url, target, opaque(analysed), inputs, selected)
    index = publish_site(url, target, selected, inputs)
    publish_link(site_url(settings, index), key="review-site")
    written = [("Trang rà soát", index)] + [
        (label, str(Path(target) / path))
        for label, path in (
            ("Báo cáo tổng hợp (HTML)", report),
            ("Báo cáo tổng hợp (Excel)", "report/vi/report.xlsx"),
            ("Báo cáo tổng hợp (CSV)", "report/vi/report.csv"),
            ("Report (English)", "report/en/index.html"),
            *((label, path) for path, label in PLAN_DOCUMENTS.items() if plans is not None),
        )
    ]
    create_markdown_artifact(
        outputs_markdown(
            "Kết quả rà soát, tái cấu trúc danh mục thủ tục",
            [(label, site_url(settings, path)) for label, path in written],
        ),
        key="catalog-outputs",
        description="Những gì lần chạy đã ghi",
    )
    return {
        "index": index,
        "report": str(Path(target) / report),
        "new_analyses": sum(d.created for d in stored),
        "plans": str(Path(target) / plans.simplification) if plans else None,
        "procedures": [_row(a) for a in analysed],
    }


def _row(a: Analysed) -> dict[str, Any]:
    """What the run returns of one procedure."""
    return {
        "code": a.result.code,
        "name": a.result.name,
        "before": a.result.before.model_dump(),
        "after": a.result.after.model_dump(),
        "changes": len(a.result.changes),
    }
