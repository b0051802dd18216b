"""The proposed internal-process tables the engine writes (Word and Excel) import back to
the same process: the same steps, who does them and their times, for every bundled
procedure; and the drafts analyse like the bundled procedures."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.plan import process_rows
from analysis.result import analyze
from inputs.files import find_procedure_files, load_procedure, load_procedures
from inputs.office import draft_yaml, read_office_document
from inputs.registry import load_inputs, load_plan_settings
from inputs.settings import get_settings
from jobs.importing import draft_documents
from models.graph import to_graph
from publishing.plan_docs import PlanEntry, plan_entries, publish_plans
from rules import get_rules
from tests.conftest import CATALOG

pytestmark = pytest.mark.dot


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[PlanEntry]]:
    settings = get_settings()
    inputs = load_inputs(settings)
    procedures = load_procedures(find_procedure_files([CATALOG]), inputs.sources)
    analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in procedures.values()]
    out = tmp_path_factory.mktemp("plans")
    plan_settings = load_plan_settings(settings.plan_settings_file)
    entries = plan_entries(analyses, inputs, plan_settings, out, {})
    files = publish_plans(out, entries)
    return out / files.internal_process_docx, out / files.internal_process_xlsx, entries


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_proposed_tables_import_back_to_the_same_process(
    written: tuple[Path, Path, list[PlanEntry]], kind: str, tmp_path: Path
) -> None:
    docx, xlsx, entries = written
    imported = read_office_document(docx if kind == "docx" else xlsx)
    assert imported.problems == []
    by_code = {d.code: d for d in imported.drafts}
    assert set(by_code) == {e.plan.header["code"] for e in entries}
    sources = load_inputs(get_settings()).sources
    for entry in entries:
        code = entry.plan.header["code"]
        draft = by_code[code]
        assert draft.document["name"] == entry.plan.header["name"]
        path = tmp_path / f"{code}.yaml"
        path.write_text(draft_yaml(draft), encoding="utf-8")
        graph = to_graph(load_procedure(path, sources))
        expected = entry.plan.process_after
        got = process_rows(graph)
        assert [r.content for r in got] == [r.content for r in expected], code
        assert [r.responsible for r in got] == [r.responsible for r in expected], code
        for mine, theirs in zip(got, expected, strict=True):
            if theirs.hours is None:
                assert mine.hours is None, (code, mine.content)
            else:
                assert mine.hours == pytest.approx(theirs.hours, abs=0.05), (code, mine.content)


def test_drafts_analyse_like_the_bundled_procedures(
    written: tuple[Path, Path, list[PlanEntry]], tmp_path: Path
) -> None:
    docx, _, entries = written
    inputs = load_inputs(get_settings())
    run = draft_documents([docx], tmp_path / "drafts", inputs.sources)
    assert run.problems == [] and run.invalid == {}
    assert len(run.files) == len(entries)
    for path in run.files.values():
        graph = to_graph(load_procedure(path, inputs.sources))
        analysis = analyze(graph, get_rules(), inputs.context)
        result = analysis.result(inputs)
        assert result.before.steps >= 1 and result.after.steps >= 1
        assert result.before.lead_time_days >= result.after.lead_time_days
    assert (
        (tmp_path / "drafts" / "import-report.md")
        .read_text("utf-8")
        .startswith("# Báo cáo nhập quy trình nội bộ")
    )
