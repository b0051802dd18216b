"""Real internal-process tables, typed from a public decision, imported as Word, Excel and
text PDF (LibreOffice makes the PDF) and compared with an analyst's independent reading:
the procedures, their steps and times exactly; who acts and what each step does, as a
share (the figure the import report's reader cares about), kept above a floor.

Fixtures and their sources: tests/inputs/office/fixtures/README.md."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.result import analyze
from inputs.files import load_procedure
from inputs.office import DocumentImport, draft_yaml, read_office_document
from inputs.registry import load_inputs
from inputs.settings import get_settings
from models.graph import to_graph
from rules import get_rules
from tests.inputs.office.fixtures import FIXTURES, read_spec, to_pdf, write_docx, write_xlsx

_ROW_STEP = re.compile(r"^(phan\d+_)?(buoc|dong)_[\d_]+$")
DECISIONS = sorted(FIXTURES.glob("*.md"))
FORMATS = ["docx", "xlsx", "pdf"]


@dataclass(frozen=True)
class Reading:
    """How many of the fixture's steps the import read as the analyst did."""

    steps: int
    actors: int
    kinds: int
    whole: int
    """Steps read right in every respect (actor, kind, time): no manual edit needed."""


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("office")
    made: dict[tuple[str, str], Path] = {}
    for spec_file in DECISIONS:
        if spec_file.name == "README.md":
            continue
        spec = read_spec(spec_file)
        stem = spec_file.stem
        made[(stem, "docx")] = write_docx(spec, folder / f"{stem}.docx")
        made[(stem, "xlsx")] = write_xlsx(spec, folder / f"{stem}.xlsx")
        if shutil.which("soffice"):
            made[(stem, "pdf")] = to_pdf(made[(stem, "docx")], folder)
    return made


def _cases() -> list[Any]:
    return list(_each_case())


def _each_case() -> Iterator[Any]:
    for spec_file in DECISIONS:
        if spec_file.name != "README.md":
            for kind in FORMATS:
                yield pytest.param(spec_file.stem, kind, id=f"{spec_file.stem}-{kind}")


def _expected(stem: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((FIXTURES / f"{stem}.expected.yaml").read_text("utf-8"))
    assert isinstance(data, list)
    return data


def _read_steps(draft_document: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps read from table rows (not the ones the import added: the applicant's
    submission in front, the completion loop, decisions)."""
    return [s for s in draft_document["steps"] if _ROW_STEP.match(s["id"])]


def _days(step: dict[str, Any]) -> float:
    return float(step.get("days", step.get("hours", 0) / 8))


def compare(imported: DocumentImport, expected: list[dict[str, Any]]) -> tuple[Reading, list[str]]:
    """The reading's figures and every step the import read otherwise than the analyst."""
    by_code = {d.code: d for d in imported.drafts}
    assert list(by_code) == [p["code"] for p in expected]
    steps = actors = kinds = whole = 0
    misses: list[str] = []
    for procedure in expected:
        draft = by_code[procedure["code"]]
        document = draft.document
        got = _read_steps(document)
        assert len(got) == len(procedure["steps"]), procedure["code"]
        if document["level"] != procedure["level"]:
            misses.append(f"{procedure['code']}: level {document['level']}, analyst "
                          f"{procedure['level']}")  # fmt: skip
        if procedure["total_days"] is not None:
            assert document["statutory_days"] == procedure["total_days"], procedure["code"]
        for mine, theirs in zip(got, procedure["steps"], strict=True):
            steps += 1
            actor = document["actors"][mine["actor"]]["kind"]
            days = None if theirs["days"] is None else float(theirs["days"])
            time_right = (
                (days is None and mine.get("channel") in ("in_person", None) and _days(mine) == 0)
                if days is None
                else _days(mine) == pytest.approx(days, abs=1e-6)
            )
            assert time_right, (procedure["code"], theirs["row"], mine, days)
            actors += actor == theirs["actor"]
            kinds += mine["kind"] == theirs["kind"]
            whole += actor == theirs["actor"] and mine["kind"] == theirs["kind"]
            if actor != theirs["actor"] or mine["kind"] != theirs["kind"]:
                misses.append(
                    f"{procedure['code']} {theirs['row']}: read {actor}/{mine['kind']}, "
                    f"analyst {theirs['actor']}/{theirs['kind']} — {mine['name'][:60]}"
                )
    return Reading(steps, actors, kinds, whole), misses


@pytest.mark.parametrize(("stem", "kind"), _cases())
def test_a_decision_imports_as_the_analyst_reads_it(
    documents: dict[tuple[str, str], Path], stem: str, kind: str, tmp_path: Path
) -> None:
    if (stem, kind) not in documents:
        pytest.skip("LibreOffice is needed to make the PDF")
    imported = read_office_document(documents[(stem, kind)])
    assert imported.problems == []
    assert imported.decision.startswith("Quyết định số")
    reading, misses = compare(imported, _expected(stem))
    print(f"{stem} ({kind}): {reading}", *misses, sep="\n  ")
    assert reading.actors / reading.steps >= 0.9, misses
    assert reading.kinds / reading.steps >= 0.8, misses
    inputs = load_inputs(get_settings())
    for draft in imported.drafts:  # every draft is a valid procedure that analyses as it is
        path = tmp_path / f"{draft.code}.yaml"
        path.write_text(draft_yaml(draft), encoding="utf-8")
        graph = to_graph(load_procedure(path, inputs.sources))
        analysis = analyze(graph, get_rules(), inputs.context)
        assert analysis.result(inputs).after.steps <= analysis.result(inputs).before.steps
