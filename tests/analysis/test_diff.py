"""The semantic diff: exactly the engine's changes between an as-is version and its
proposal, and nothing for a file whose steps were only reordered."""

from __future__ import annotations

import pytest

from analysis.diff import diff_versions
from analysis.result import analyze
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_inputs
from inputs.settings import get_settings
from models.graph import to_graph
from models.procedure import Procedure
from rules import get_rules
from tests.conftest import CATALOG

INPUTS = load_inputs(get_settings())
PROCEDURES = load_procedures(find_procedure_files([CATALOG]), INPUTS.sources)


def _touched(change: object) -> set[str]:
    """Every step a change names: its own, those it removed or added, its edits'."""
    steps = {*change.steps, *change.removed_steps, *change.added_steps}  # type: ignore[attr-defined]
    for edit in change.edits:  # type: ignore[attr-defined]
        for name in ("step", "into", "after", "decision"):
            if isinstance(getattr(edit, name, None), str):
                steps.add(getattr(edit, name))
        steps.update(getattr(edit, "steps", ()))
    return steps


@pytest.mark.parametrize("procedure", PROCEDURES.values(), ids=lambda p: p.code)
def test_the_diff_of_a_proposal_is_exactly_the_engine_s_changes(procedure: Procedure) -> None:
    analysis = analyze(to_graph(procedure), get_rules(), INPUTS.context)
    diff = diff_versions(analysis.before, analysis.outcome.after)
    changes = analysis.outcome.changes
    touched = set().union(*(_touched(c) for c in changes)) if changes else set()
    listed = {
        *(step for step, _ in diff.added),
        *(step for step, _ in diff.removed),
        *(step for step, _ in diff.merged),
        *(c.step for c in diff.changed),
    }
    assert listed <= touched  # nothing the engine did not do
    dropped = {d.document for d in analysis.result(INPUTS).dropped_documents}
    assert {doc for doc, _ in diff.documents_dropped} == dropped
    assert diff.documents_asked == ()
    for change in changes:  # and everything it did shows
        assert (
            _touched(change) & listed
            or set(change.documents) & dropped
            or any(key == "lead_time_days" for key, _, _ in diff.measures)
        ), change.rule
    gone = {step for step, _ in diff.removed} | {step for step, _ in diff.merged}
    assert gone == {step for c in changes for step in c.removed_steps} - {
        step for c in changes for step in c.added_steps
    }


def test_a_file_whose_steps_were_only_reordered_differs_in_nothing() -> None:
    procedure = next(iter(PROCEDURES.values()))
    document = procedure.model_dump(mode="json", by_alias=True)
    document["steps"] = document["steps"][::-1]
    document["flows"] = document["flows"][::-1]
    document["actors"] = dict(reversed(document["actors"].items()))
    document["documents"] = dict(reversed(document["documents"].items()))
    reordered = Procedure.model_validate(document)
    diff = diff_versions(to_graph(procedure), to_graph(reordered))
    assert diff.empty and diff.measures == ()


def test_a_changed_duration_legal_basis_and_document_are_listed() -> None:
    procedure = PROCEDURES[CATALOG / "essential" / "09-dang-ky-khai-sinh.yaml"]
    document = procedure.model_dump(mode="json", by_alias=True)
    sign = next(s for s in document["steps"] if s["id"] == "sign")
    sign["hours"], sign["legal_basis"] = 4, "Luật Hộ tịch 2014, Điều 16 khoản 3"
    submit = next(s for s in document["steps"] if s["id"] == "submit")
    submit["documents"].remove("residence")
    diff = diff_versions(to_graph(procedure), to_graph(Procedure.model_validate(document)))
    assert {(c.step, c.attribute, c.before, c.after) for c in diff.changed} == {
        ("sign", "hours", "2", "4"),
        ("sign", "legal_basis", "Luật Hộ tịch 2014, Điều 16 khoản 2",
         "Luật Hộ tịch 2014, Điều 16 khoản 3"),
    }  # fmt: skip
    assert diff.documents_dropped == (("residence", "Giấy xác nhận thông tin về cư trú"),)
    assert ("documents", 5, 4) in diff.measures
