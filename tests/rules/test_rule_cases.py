"""Runs each rule's cases (tests/rules/cases/<CODE>.yml), sqlfluff-style.

A step is written "id actor kind [mandatory] [presence] [channel=c] [hours=h]
[documents=a,b] [uses=a,b] [produces=a,b] [carries=a,b] [act=a]" (one hour unless
given); a flow "from -> to" or "from -> to: probability"; a document maps to the
data source that holds it, or to `physical`; `header` overrides header fields and
`params` gives the rule's parameters. A case either must `pass` untouched, or must
become exactly `after`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml

from models.graph import ProcedureGraph, submitted_documents, to_graph
from models.procedure import Procedure
from rules import RuleContext, get_rules
from rules.engine import reengineer

CASES = Path(__file__).parent / "cases"
ACTORS = {
    "applicant": {"name": "Công dân", "kind": "applicant"},
    "desk": {"name": "Bộ phận Một cửa", "kind": "one_stop"},
    "officer": {"name": "Công chức", "kind": "specialist"},
    "leader": {"name": "Lãnh đạo", "kind": "leader"},
    "deputy": {"name": "Phó lãnh đạo", "kind": "leader"},
    "agency": {"name": "Cơ quan phối hợp", "kind": "external_agency"},
    "tax": {"name": "Cơ quan thuế", "kind": "external_agency"},
}
CONTEXT = RuleContext(connected_sources=frozenset({"population_db"}))


def _step(text: str) -> dict[str, Any]:
    step_id, actor, kind, *extra = text.split()
    step: dict[str, Any] = {"id": step_id, "name": step_id, "actor": actor, "kind": kind}
    if kind not in ("decide", "parallel", "join"):
        step["hours"] = 1
    for item in extra:
        if item == "mandatory":
            step.update(mandatory=True, legal_basis="Điều 1")
        elif item == "presence":
            step["presence"] = {"why": "thu nhận vân tay", "legal_basis": "Điều 1"}
        else:
            key, _, values = item.partition("=")
            lists = ("documents", "uses", "produces", "carries")
            step[key] = values.split(",") if key in lists else values
    return step


def _flow(text: str) -> dict[str, Any]:
    ends, _, probability = text.partition(":")
    source, target = (part.strip() for part in ends.split("->"))
    flow: dict[str, Any] = {"from": source, "to": target}
    if probability:
        flow["probability"] = float(probability)
    return flow


def _graph(case: dict[str, Any]) -> ProcedureGraph:
    documents = {
        doc: {
            "name": doc,
            **(
                {"physical": True}
                if source == "physical"
                else {"held_by": source}
                if source
                else {}
            ),
        }
        for doc, source in case.get("documents", {}).items()
    }
    procedure = Procedure.model_validate(
        {
            "code": "0.000000",
            "name": case["name"],
            "level": "commune",
            "statutory_days": 1,
            "actors": ACTORS,
            "documents": documents,
            "steps": [_step(s) for s in case["steps"]],
            "flows": [_flow(f) for f in case["flows"]],
            **case.get("header", {}),
        }
    )
    return to_graph(procedure)


def _flows(G: ProcedureGraph) -> set[str]:
    flows = set()
    for u, v, attrs in G.edges(data=True):
        p = attrs.get("probability")
        flows.add(f"{u} -> {v}" + (f": {p:g}" if p is not None else ""))
    return flows


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yml")):
        spec = yaml.safe_load(path.read_text("utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}-{case['name']}"))
    return params


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    before = _graph(case)
    rules = get_rules([code], {code: case["params"]} if "params" in case else None)
    outcome = reengineer(before, rules, CONTEXT)
    if case.get("pass"):
        assert outcome.changes == ()
        assert nx.utils.graphs_equal(outcome.after, before)
        return
    after, expected = outcome.after, case["after"]
    assert outcome.changes and {c.rule for c in outcome.changes} == {code}
    assert list(after) == expected["steps"]
    assert _flows(after) == {_flows_text for _flows_text in map(str, expected["flows"])}
    if "documents" in expected:
        submitted = sorted(submitted_documents(after))
        assert submitted == expected["documents"]
    for step, actor in expected.get("actors", {}).items():
        assert after.graph["actors"][after.nodes[step]["actor"]]["kind"] == actor
    for step, channel in expected.get("channels", {}).items():
        assert after.nodes[step]["channel"] == channel
    for step, hours in expected.get("hours", {}).items():
        assert after.nodes[step]["hours"] == hours
    for step, name in expected.get("names", {}).items():
        assert after.nodes[step]["name"] == name
    for step, uses in expected.get("uses", {}).items():
        assert after.nodes[step]["uses"] == uses
    for step, roles in expected.get("roles", {}).items():
        assert after.nodes[step]["roles"] == roles
    assert reengineer(after, rules, CONTEXT).changes == (), "not at a fixed point"


def test_every_rule_has_cases_and_a_documented_catalogue_entry() -> None:
    codes = {path.stem for path in CASES.glob("*.yml")}
    for rule in get_rules():
        assert rule.code in codes, f"{rule.code} has no cases file"
        doc = rule.__class__.__doc__ or ""
        assert doc.splitlines()[0].strip(), f"{rule.code} needs a one-line description"
        assert "**Anti-pattern**" in doc and "**Best practice**" in doc, rule.code
        assert rule.reason and rule.reason_en and "." in rule.name
