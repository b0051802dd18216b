"""The `whatif` flow: what connecting data sources gains. Stores nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run

from analysis.scenario import Scenario
from analysis.whatif import Gain, ranked, what_if
from flows.artifacts import refuse_error, refuse_run
from flows.parameters import SourceId
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_cost_settings, load_data_sources
from inputs.settings import get_settings, readable_path
from models.costs import CostSettings
from models.errors import TthcError
from models.graph import to_graph
from models.procedure import DataSource, Procedure
from publishing.labels import scenario_label, vnd
from publishing.ui_pages import whatif_rows
from rules import get_rules

__all__ = ["whatif_connect"]

BATCH_SIZE = 250
"""Procedures per task."""


@task(cache_policy=NONE)
def load_inputs(paths: list[str]) -> tuple[list[Procedure], dict[str, DataSource], CostSettings]:
    """Read the registry and the cost settings once, and validate every procedure file;
    one invalid file stops the run."""
    settings = get_settings()
    sources = load_data_sources(settings.data_sources_file)
    files = find_procedure_files(Path(p) for p in paths)
    procedures = list(load_procedures(files, sources).values())
    return procedures, sources, load_cost_settings(settings.cost_settings_file)


@task(cache_policy=NONE)
def gains_of_batch(
    procedures: list[Procedure],
    sources: dict[str, DataSource],
    costs: CostSettings,
    connect: list[str],
) -> list[Gain]:
    """What each procedure of the batch gains."""
    return what_if((to_graph(p) for p in procedures), sources, connect, get_rules(), costs)


def _whatif_named() -> str:
    """The run's name: the sources it connects."""
    return "whatif " + (", ".join(flow_run.parameters.get("connect") or ()) or "(chưa chọn CSDL)")


@flow(name="whatif", log_prints=True, flow_run_name=_whatif_named)
def whatif_connect(
    connect: list[SourceId], paths: list[str] | None = None
) -> list[dict[str, Any]] | State:
    """What connecting data sources gains: procedures, documents, steps, days and đồng a year.

    Compares the catalogue without and with the sources connected; stores nothing.

    Args:
        connect: Các cơ sở dữ liệu giả định kết nối (catalog/data_sources.yaml); kịch bản
            giả định, không lưu gì.
        paths: Tệp hoặc thư mục thủ tục, trong thư mục danh mục hoặc thư mục nhận tệp
            (TTHC_INBOX_DIRS); để trống: danh mục kèm theo.
    """
    if not connect:
        return refuse_run(
            "Chưa chọn cơ sở dữ liệu nào để giả định kết nối.",
            "Chọn ít nhất một cơ sở dữ liệu trong danh sách, rồi chạy lại.",
        )
    try:
        return _what_if(list(connect), paths)
    except TthcError as error:
        return refuse_error(error)


def _what_if(connect: list[str], paths: list[str] | None) -> list[dict[str, Any]]:
    settings = get_settings()
    read = [str(readable_path(settings, p)) for p in paths or [str(settings.catalog_dir)]]
    procedures, sources, costs = load_inputs(read)
    gains = ranked(
        gain
        for i in range(0, len(procedures), BATCH_SIZE)
        for gain in gains_of_batch(procedures[i : i + BATCH_SIZE], sources, costs, connect)
    )
    total = sum(g.vnd_saved_per_year for g in gains)
    print(f"{len(gains)}/{len(procedures)} procedures gain; {vnd(total, 'en')} a year")
    label = scenario_label(
        Scenario(connect=tuple(sorted(set(connect)))),
        sources,
    )
    create_table_artifact(
        whatif_rows(gains),
        key="whatif-gains",
        description=f"{label}: tiết kiệm {vnd(total)}/năm",
    )
    return [g.model_dump() for g in gains]
