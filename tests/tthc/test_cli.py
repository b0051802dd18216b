"""The `tthc` command line, as a user runs it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from lxml import etree
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from inputs.settings import get_settings
from store.engine import make_engine
from store.migrate import head_revision
from store.tables import ProcedureVersion
from tests.conftest import CATALOG, minimal_procedure, write_yaml
from tthc.cli import app

runner = CliRunner()
BIRTH = CATALOG / "essential" / "09-dang-ky-khai-sinh.yaml"
FIXTURES = Path(__file__).parents[1] / "store" / "fixtures"


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TTHC_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


def test_validate_reports_problems_and_exits_non_zero(tmp_path: Path) -> None:
    document = minimal_procedure()
    document["steps"][1]["kind"] = "stamp"
    bad = write_yaml(tmp_path / "bad.yaml", document)
    result = runner.invoke(app, ["validate", str(BIRTH), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: step 'check': `kind`" in result.output


def test_import_of_a_bad_batch_stores_nothing(tmp_path: Path, store: str) -> None:
    good = write_yaml(tmp_path / "good.yaml", minimal_procedure())
    bad_doc = minimal_procedure(code="9.1")
    bad_doc["flows"].pop()
    bad = write_yaml(tmp_path / "bad.yaml", bad_doc)
    result = runner.invoke(app, ["import", str(good), str(bad)])
    assert result.exit_code == 1
    with Session(make_engine(store)) as session:
        assert session.exec(select(func.count()).select_from(ProcedureVersion)).one() == 0
    assert runner.invoke(app, ["import", str(good)]).exit_code == 0
    assert "unchanged" in runner.invoke(app, ["import", str(good)]).output
    assert "9.999999" in runner.invoke(app, ["list"]).output


def test_analyze_json_for_scripts() -> None:
    result = runner.invoke(app, ["analyze", str(BIRTH), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    metric_keys = {"steps", "handoffs", "visits", "documents", "lead_time_days"}
    assert set(document["before"]) == set(document["after"]) == metric_keys
    assert {"rule", "steps", "reason"} <= set(document["changes"][0])
    assert "parent_id" in document["dropped_documents"]
    steps = {s["id"] for s in document["after_graph"]["steps"]}
    assert "transfer" not in steps and document["after_graph"]["flows"]
    # the figures the report shows, and each change's edits
    after = document["measures"]["after"]
    assert after["cost_per_year_vnd"] < document["measures"]["before"]["cost_per_year_vnd"]
    assert {"full_online", "online_payment", "electronic_result", "critical_path"} <= set(after)
    edits = [edit["edit"] for change in document["changes"] for edit in change["edits"]]
    assert "drop_document" in edits and "remove_step" in edits


@pytest.mark.dot
def test_analyze_a_stored_code_and_write_diagrams(tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(BIRTH)]).exit_code == 0
    result = runner.invoke(app, ["analyze", "1.001193", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "steps           9 → " in result.output
    assert "[ST01] transfer:" in result.output


def test_analyze_unknown_code_says_what_to_do() -> None:
    result = runner.invoke(app, ["analyze", "0.000000"])
    assert result.exit_code != 0
    assert "tthc import" in result.output


@pytest.mark.parametrize(
    ("source", "expected_code"),
    [("land_db", "1.013978"), ("population_db", "2.001159")],
)
def test_whatif_names_the_procedures_that_gain_and_stores_nothing(
    tmp_path: Path, source: str, expected_code: str
) -> None:
    result = runner.invoke(app, ["whatif", "--connect", source, "--json"])
    assert result.exit_code == 0, result.output
    gains = json.loads(result.output)
    assert expected_code in {gain["code"] for gain in gains}
    assert all(gain["documents_dropped"] or gain["steps_removed"] for gain in gains)
    savings = [gain["vnd_saved_per_year"] for gain in gains]
    assert savings == sorted(savings, reverse=True) and savings[0] > 0
    assert not (tmp_path / "cli.db").exists(), "a what-if must not write to the store"


def test_whatif_refuses_an_unknown_source() -> None:
    result = runner.invoke(app, ["whatif", "--connect", "moon_db"])
    assert result.exit_code == 1
    assert "unknown data source ['moon_db']" in result.output


def test_db_upgrade_brings_a_store_written_before_migrations_to_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "store-before-migrations.sqlite", store)
    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{store}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert f"at migration {head_revision()}" in result.output
        listed = CliRunner().invoke(app, ["list"])
        assert listed.output.count("\n") == 4  # the fixture's four procedures, intact
    finally:
        get_settings.cache_clear()


def test_a_store_from_a_newer_tthc_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "newer.sqlite"
    shutil.copy(FIXTURES / "store-before-migrations.sqlite", store)
    with sqlite3.connect(store) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999')")
    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{store}")
    get_settings.cache_clear()
    try:
        for command in (["list"], ["import", str(BIRTH)]):
            result = CliRunner().invoke(app, command)
            assert result.exit_code == 1, result.output
            assert "newer version of tthc" in result.output
            assert "Traceback" not in result.output
    finally:
        get_settings.cache_clear()


def test_list_reads_only_what_it_prints(tmp_path: Path) -> None:
    """`tthc list` never reads a graph (one 50 MB procedure made it take 534 MB)."""
    assert runner.invoke(app, ["import", str(BIRTH)]).exit_code == 0
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        listed = runner.invoke(app, ["list"])
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("1.001193\t") and "\tversion 1\t" in listed.output
    assert any("procedure_version" in statement for statement in statements)
    assert not any("procedure_version.graph" in statement for statement in statements)


def test_history_and_a_semantic_diff_of_two_imports(tmp_path: Path) -> None:
    document = yaml.safe_load(BIRTH.read_text("utf-8"))
    first = write_yaml(tmp_path / "birth.yaml", document)
    assert runner.invoke(app, ["import", str(first)]).exit_code == 0
    document["steps"] = document["steps"][::-1]  # reordered: stored anew, the same content
    reordered = write_yaml(tmp_path / "birth.yaml", document)
    assert runner.invoke(app, ["import", str(reordered)]).exit_code == 0
    next(s for s in document["steps"] if s["id"] == "sign")["hours"] = 4
    changed = write_yaml(tmp_path / "birth.yaml", document)
    assert runner.invoke(app, ["import", str(changed)]).exit_code == 0
    history = runner.invoke(app, ["history", "1.001193"])
    assert history.exit_code == 0, history.output
    ids = [line.split("\t")[0] for line in history.output.splitlines()]
    assert len(ids) == 3 and all("\tas_is" in line for line in history.output.splitlines())
    same = runner.invoke(app, ["diff", "1.001193", ids[0], ids[1]])
    assert same.output == "Không có khác biệt về nội dung.\n"
    shown = runner.invoke(app, ["diff", "1.001193", ids[1], ids[2]])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "~ Bước sign, thời gian (giờ): «2» → «4»"
    assert "Thời gian (ngày làm việc): 1,22 → 1,47" in shown.output
    missing = runner.invoke(app, ["diff", "1.001193", ids[0], "999"])
    assert missing.exit_code == 1 and "has no version 999" in missing.output


def test_export_writes_the_as_is_and_proposed_versions_as_bpmn(tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(BIRTH)]).exit_code == 0
    for version in ("as-is", "proposed"):
        out = tmp_path / f"{version}.bpmn"
        result = runner.invoke(app, ["export", "1.001193", "--version", version, "--out", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text("utf-8")
        assert "bpmndi:BPMNShape" in text and "Đăng ký khai sinh" in text
    assert (tmp_path / "as-is.bpmn").read_bytes() != (tmp_path / "proposed.bpmn").read_bytes()
    result = runner.invoke(app, ["export", "1.001193", "--version", "approved"])
    assert result.exit_code == 1 and "has no approved version" in result.output


def test_layout_gives_a_model_without_diagram_its_lanes(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "bpmn" / "miwg" / "C.1.1.bpmn"  # no pool, no lanes
    out = tmp_path / "laid-out.bpmn"
    result = runner.invoke(app, ["layout", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = etree.parse(str(out)).getroot()
    model = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    (process,) = root.iter(f"{model}process")
    participants = list(root.iter(f"{model}participant"))  # a pool added to hold the lanes
    assert [p.get("processRef") for p in participants] == [process.get("id")]
    drawn = {e.get("bpmnElement") for e in root.iter(
        "{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")}  # fmt: skip
    nodes = {e.get("id") for e in process if e.tag.endswith(("Task", "Gateway", "Event"))}
    assert nodes and nodes <= drawn
    bad = tmp_path / "bad.bpmn"
    bad.write_text("<definitions", "utf-8")
    result = runner.invoke(app, ["layout", str(bad)])
    assert result.exit_code == 1 and "not well-formed XML" in result.output
