"""Every bundled procedure, as-is and proposed, exported as BPMN 2.0: valid against the
OMG schema, drawn (a shape for every node, a pool, a lane per actor, an edge per flow),
and imported back to the same procedure, our attributes included."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from analysis.result import analyze
from diagrams.bpmn import BPMN_NS, BPMNDI_NS, bpmn_xml
from inputs.bpmn import read_bpmn
from inputs.files import find_procedure_files, load_procedure, load_procedures
from inputs.office import draft_yaml
from inputs.registry import load_inputs
from inputs.settings import get_settings
from models.graph import ProcedureGraph, graph_to_json, to_graph
from rules import get_rules
from tests.conftest import CATALOG

SCHEMA = Path(__file__).parent / "xsd" / "BPMN20.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA))


def _graphs() -> list[tuple[str, ProcedureGraph]]:
    inputs = load_inputs(get_settings())
    found = load_procedures(find_procedure_files([CATALOG]), inputs.sources)
    graphs: list[tuple[str, ProcedureGraph]] = []
    for procedure in found.values():
        G = to_graph(procedure)
        graphs.append((f"{procedure.code}-as-is", G))
        graphs.append(
            (f"{procedure.code}-proposed", analyze(G, get_rules(), inputs.context).outcome.after)
        )
    return graphs


GRAPHS = _graphs()


@pytest.mark.parametrize(("name", "G"), GRAPHS, ids=[n for n, _ in GRAPHS])
def test_export_is_valid_drawn_and_imports_back(
    name: str, G: ProcedureGraph, schema: xmlschema.XMLSchema, tmp_path: Path
) -> None:
    data = bpmn_xml(G)
    path = tmp_path / f"{name}.bpmn"
    path.write_bytes(data)
    schema.validate(str(path))
    root = etree.fromstring(data)
    drawn = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI_NS}}}BPMNShape")}
    nodes = [e.get("id") for e in root.iter() if e.get("id") and etree.QName(e).namespace == BPMN_NS
             and etree.QName(e).localname.endswith(("Task", "Gateway", "Event"))]  # fmt: skip
    lanes = [e.get("id") for e in root.iter(f"{{{BPMN_NS}}}lane")]
    assert set(nodes) | set(lanes) | {"Participant_1"} <= drawn
    assert len(lanes) == len(G.graph["actors"])
    flows = {e.get("id") for e in root.iter(f"{{{BPMN_NS}}}sequenceFlow")}
    assert flows == {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI_NS}}}BPMNEdge")}
    (draft,) = read_bpmn(path).drafts
    yaml_path = tmp_path / f"{name}.yaml"
    yaml_path.write_text(draft_yaml(draft), encoding="utf-8")
    back = load_procedure(yaml_path, load_inputs(get_settings()).sources)
    assert graph_to_json(to_graph(back)) == graph_to_json(G)
