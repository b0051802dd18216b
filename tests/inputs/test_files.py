"""The procedure format: good files load; each bad file gets every problem, clearly named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inputs.files import load_procedure, load_procedures
from models.errors import InvalidProcedure
from models.procedure import DataSource, Procedure
from tests.conftest import minimal_procedure, write_yaml

Mutation = Callable[[dict[str, Any]], object]


def _step(doc: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in doc["steps"] if s["id"] == step_id)


def _add_decision(doc: dict[str, Any], p_ok: float, p_back: float) -> None:
    doc["steps"].insert(2, {"id": "ok", "name": "Đủ?", "actor": "desk", "kind": "decide"})
    doc["steps"].append({"id": "more", "name": "Bổ sung", "actor": "applicant", "kind": "submit"})
    doc["flows"][1] = {"from": "check", "to": "ok"}
    doc["flows"] += [
        {"from": "ok", "to": "transfer", "when": "đủ", "probability": p_ok},
        {"from": "ok", "to": "more", "when": "thiếu", "probability": p_back},
        {"from": "more", "to": "check"},
    ]


def _two_arrivals_from_one_branch(doc: dict[str, Any]) -> None:
    """transfer splits into a direct branch and a choice x whose two ends both reach the join."""
    _step(doc, "transfer").update(kind="parallel", hours=0)
    doc["steps"] += [
        {"id": "x", "name": "X", "actor": "desk", "kind": "decide"},
        {"id": "y", "name": "Y", "actor": "desk", "kind": "check"},
        {"id": "j", "name": "J", "actor": "desk", "kind": "join"},
    ]
    doc["flows"].remove({"from": "transfer", "to": "sign"})
    doc["flows"] += [
        {"from": "transfer", "to": "j"},
        {"from": "transfer", "to": "x"},
        {"from": "x", "to": "j", "probability": 0.5},
        {"from": "x", "to": "y", "probability": 0.5},
        {"from": "y", "to": "j"},
        {"from": "j", "to": "sign"},
    ]


def _trap_the_rework_loop(doc: dict[str, Any]) -> None:
    _add_decision(doc, 0.8, 0.2)
    doc["steps"].append({"id": "more2", "name": "Y", "actor": "desk", "kind": "check"})
    doc["flows"] += [{"from": "more", "to": "more2"}, {"from": "more2", "to": "more"}]
    doc["flows"].remove({"from": "more", "to": "check"})


BAD: dict[str, tuple[Mutation, list[tuple[str, str]]]] = {
    "duplicate step id": (
        lambda d: d["steps"].append(dict(_step(d, "check"))),
        [("step 'check'", "id used by 2 steps")],
    ),
    "unknown actor and document": (
        lambda d: _step(d, "check").update(actor="clerk", uses=["passport"]),
        [
            ("step 'check'", "unknown actor 'clerk'"),
            ("step 'check'", "unknown document 'passport'"),
        ],
    ),
    "unknown step in a flow": (
        lambda d: d["flows"].append({"from": "sign", "to": "archive"}),
        [("flow 'sign' → 'archive'", "unknown step 'archive'")],
    ),
    "no start": (
        lambda d: d["flows"].append({"from": "return", "to": "submit"}),
        [("procedure", "no start")],
    ),
    "several starts": (
        lambda d: d["flows"].pop(0),
        [("procedure", "several starts ('submit', 'check')")],
    ),
    "unreachable step": (
        lambda d: (
            d["steps"].append({"id": "orphan", "name": "X", "actor": "desk", "kind": "check"}),
            d["flows"].append({"from": "orphan", "to": "sign"}),
        ),
        [("procedure", "several starts")],
    ),
    "unreachable loop": (
        lambda d: (
            d["steps"].append({"id": "a", "name": "X", "actor": "desk", "kind": "check"}),
            d["steps"].append({"id": "b", "name": "Y", "actor": "desk", "kind": "check"}),
            d["flows"].extend([{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]),
        ),
        [
            ("step 'a'", "not reachable from the start 'submit'"),
            ("step 'b'", "not reachable from the start 'submit'"),
            ("step 'a'", "cannot reach an end"),
            ("step 'b'", "cannot reach an end"),
        ],
    ),
    "cannot finish": (
        _trap_the_rework_loop,
        [
            ("step 'more'", "cannot reach an end"),
            ("step 'more2'", "cannot reach an end"),
        ],
    ),
    "probabilities do not sum to 1": (
        lambda d: _add_decision(d, 0.7, 0.2),
        [("step 'ok'", "sum to 0.9; make them sum to 1")],
    ),
    "negative duration": (
        lambda d: _step(d, "check").update(hours=-2),
        [("step 'check'", "`hours` must not be negative")],
    ),
    "unknown kind": (
        lambda d: _step(d, "check").update(kind="stamp"),
        [("step 'check'", "`kind`: Input should be 'submit', 'receive'")],
    ),
    "join without parallel": (
        lambda d: (
            _step(d, "transfer").update(kind="join"),
            d["flows"].append({"from": "submit", "to": "transfer"}),
        ),
        [
            ("step 'submit'", "2 outgoing flows from a `submit` step"),
            ("step 'transfer'", "this `join` has no matching `parallel`"),
        ],
    ),
    "parallel never joined": (
        lambda d: (
            _step(d, "transfer").update(kind="parallel"),
            d["flows"].append({"from": "transfer", "to": "return"}),
        ),
        [("step 'transfer'", "never joined")],
    ),
    "branch reaches its join twice": (
        _two_arrivals_from_one_branch,
        [("step 'transfer'", "the branch from 'x' is not a branch of its own")],
    ),
    "unknown field": (
        lambda d: _step(d, "sign").update(signer="chairman"),
        [("step 'sign'", "unknown field `signer`")],
    ),
    "mandatory without legal basis": (
        lambda d: _step(d, "sign").pop("legal_basis"),
        [("step 'sign'", "needs its `legal_basis`")],
    ),
    "unknown data source": (
        lambda d: d["documents"]["id_card"].update(held_by="moon_db"),
        [("document 'id_card'", "unknown data source 'moon_db'")],
    ),
}


def test_minimal_procedure_loads(tmp_path: Path, sources: dict[str, DataSource]) -> None:
    procedure = load_procedure(write_yaml(tmp_path / "ok.yaml", minimal_procedure()), sources)
    assert isinstance(procedure, Procedure)
    assert [s.duration_hours for s in procedure.steps] == [1, 2, 4, 8, 1]


def test_json_with_the_same_schema_loads(tmp_path: Path, sources: dict[str, DataSource]) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(minimal_procedure(), ensure_ascii=False), "utf-8")
    assert load_procedure(path, sources).code == "9.999999"


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_names_each_problem(
    case: str, tmp_path: Path, sources: dict[str, DataSource]
) -> None:
    mutate, expected = BAD[case]
    document = minimal_procedure()
    mutate(document)
    path = write_yaml(tmp_path / "bad.yaml", document)
    with pytest.raises(InvalidProcedure) as caught:
        load_procedure(path, sources)
    problems = caught.value.problems
    for where, fragment in expected:
        assert any(
            p.file == str(path) and p.where == where and fragment in p.message for p in problems
        ), f"expected {where}: …{fragment}… in {[str(p) for p in problems]}"
    assert len(problems) == len(expected), [str(p) for p in problems]


def test_yaml_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("code: '1'\nname: A\ncode: '2'\n", "utf-8")
    with pytest.raises(InvalidProcedure, match="key 'code' is given twice"):
        load_procedure(path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("code: [unclosed\n", "utf-8")
    with pytest.raises(InvalidProcedure, match=r"broken\.yaml: file: not valid YAML/JSON"):
        load_procedure(path)


def test_problems_of_several_files_reported_together(
    tmp_path: Path, sources: dict[str, DataSource]
) -> None:
    one = minimal_procedure()
    _step(one, "check")["hours"] = -1
    two = minimal_procedure(code="9.000001")
    two["flows"].pop()
    paths = [write_yaml(tmp_path / "one.yaml", one), write_yaml(tmp_path / "two.yaml", two)]
    with pytest.raises(InvalidProcedure) as caught:
        load_procedures(paths, sources)
    assert {p.file for p in caught.value.problems} == {str(p) for p in paths}


def test_duplicate_codes_across_files(tmp_path: Path, sources: dict[str, DataSource]) -> None:
    paths = [write_yaml(tmp_path / f"{n}.yaml", minimal_procedure()) for n in ("a", "b")]
    with pytest.raises(InvalidProcedure, match=r"code '9\.999999' is also used by"):
        load_procedures(paths, sources)
