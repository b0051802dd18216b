"""Exported models open in bpmn.io's own renderer (bpmn-js, from the npm registry,
installed by `make test` under tools/bpmn-js) in headless Chromium: they import with no
error and no warning, and every shape and lane is drawn where the file puts it — not
"no diagram to display"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Browser
from typer.testing import CliRunner

from analysis.result import analyze
from diagrams.bpmn import BPMN_NS, BPMNDI_NS, bpmn_xml
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_inputs
from inputs.settings import PROJECT_ROOT, get_settings
from models.graph import ProcedureGraph, to_graph
from rules import get_rules
from tests.conftest import CATALOG
from tthc.cli import app

pytestmark = pytest.mark.browser

VIEWER = PROJECT_ROOT / "tools" / "bpmn-js" / "node_modules" / "bpmn-js" / "dist"
CODES = ("1.001193", "1.004222", "1.001612", "1.000656")

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{dist}/assets/bpmn-js.css">
<style>html,body,#canvas{{margin:0;width:100%;height:100%;background:#fff}}</style>
<script src="{dist}/bpmn-navigated-viewer.production.min.js"></script></head>
<body><div id="canvas"></div></body></html>"""


def _graphs() -> dict[str, ProcedureGraph]:
    inputs = load_inputs(get_settings())
    found = load_procedures(find_procedure_files([CATALOG]), inputs.sources)
    graphs: dict[str, ProcedureGraph] = {}
    for procedure in found.values():
        if procedure.code in CODES:
            G = to_graph(procedure)
            graphs[f"{procedure.code}-as-is"] = G
            graphs[f"{procedure.code}-proposed"] = analyze(
                G, get_rules(), inputs.context
            ).outcome.after
    return graphs


GRAPHS = _graphs()


def _open(browser: Browser, xml: bytes, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    if not VIEWER.is_dir():
        pytest.fail("bpmn-js is not installed: run `make test` (npm ci in tools/bpmn-js)")
    page_file = tmp_path / "viewer.html"
    page_file.write_text(PAGE.format(dist=VIEWER.as_uri()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1600, "height": 900})
    page.goto(page_file.as_uri())
    result = page.evaluate(
        """async (xml) => {
            const viewer = new BpmnJS({container: '#canvas'});
            let warnings = [], error = null;
            try { warnings = (await viewer.importXML(xml)).warnings.map(w => w.message); }
            catch (e) { error = String(e); }
            viewer.get('canvas').zoom('fit-viewport');
            const registry = viewer.get('elementRegistry');
            const drawn = registry.getAll().filter(e => e.type !== 'bpmn:Collaboration'
                && e.type !== 'bpmn:Process' && !e.labelTarget);
            return {warnings, error,
                    shapes: drawn.filter(e => !e.waypoints).map(e => e.id),
                    edges: drawn.filter(e => e.waypoints).map(e => e.id),
                    lanes: drawn.filter(e => e.type === 'bpmn:Lane').map(e => e.id),
                    svg: document.querySelectorAll('.djs-element').length};
        }""",
        xml.decode("utf-8"),
    )
    return page, result


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_bpmn_js_imports_and_draws_every_shape_and_lane(
    browser: Browser, name: str, tmp_path: Path, shots: Path
) -> None:
    xml = bpmn_xml(GRAPHS[name])
    page, result = _open(browser, xml, tmp_path)
    assert result["error"] is None and result["warnings"] == [], json.dumps(result)[:2000]
    root = etree.fromstring(xml)
    shapes = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI_NS}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI_NS}}}BPMNEdge")}
    lanes = {e.get("id") for e in root.iter(f"{{{BPMN_NS}}}lane")}
    assert set(result["shapes"]) == shapes
    assert set(result["edges"]) == edges
    assert set(result["lanes"]) == lanes and lanes
    if name == "1.001193-proposed":
        page.screenshot(path=str(shots / "bpmn-proposal-bpmn-js.png"))
    page.close()


LAID_OUT = ("A.4.0", "B.2.0", "C.1.0", "C.5.0", "C.2.0")


@pytest.mark.parametrize("name", LAID_OUT)
def test_a_model_without_layout_comes_back_drawn_with_its_lanes(
    browser: Browser, name: str, tmp_path: Path, shots: Path
) -> None:
    source = etree.parse(str(Path(__file__).parent / "miwg" / f"{name}.bpmn")).getroot()
    for diagram in source.findall(f"{{{BPMNDI_NS}}}BPMNDiagram"):
        source.remove(diagram)  # what a generator or a script hands over: no layout at all
    stripped = tmp_path / f"{name}.bpmn"
    stripped.write_bytes(etree.tostring(source, xml_declaration=True, encoding="UTF-8"))
    out = tmp_path / f"{name}-laid-out.bpmn"
    result = CliRunner().invoke(app, ["layout", str(stripped), "--out", str(out)])
    if name == "C.2.0":  # its flow breaks the format's rules: said, nothing written
        assert result.exit_code == 1 and "no start" in result.output and not out.exists()
        return
    assert result.exit_code == 0, result.output
    page, drawn = _open(browser, out.read_bytes(), tmp_path)
    assert drawn["error"] is None and drawn["warnings"] == [], json.dumps(drawn)[:2000]
    laid = etree.parse(str(out)).getroot()
    lanes = {e.get("id") for e in laid.iter(f"{{{BPMN_NS}}}lane")}
    assert set(drawn["lanes"]) == lanes and lanes
    for tag in (
        "task",
        "userTask",
        "exclusiveGateway",
        "parallelGateway",
        "startEvent",
        "endEvent",
    ):
        for element in laid.iter(f"{{{BPMN_NS}}}{tag}"):
            assert element.get("id") in drawn["shapes"] or not _in_main(laid, element), element.get(
                "id"
            )
    if name == "C.5.0":
        page.screenshot(path=str(shots / "bpmn-layout-c50.png"))
    page.close()


def _in_main(root: Any, element: Any) -> bool:
    """Whether `element` is in the main process (the one with most tasks, as the import
    takes it); the other parties' pools are drawn as bands, their steps not."""
    processes = list(root.iter(f"{{{BPMN_NS}}}process"))
    main = max(processes, key=lambda p: sum(1 for e in p.iter() if "ask" in str(e.tag)))
    process = element
    while process is not None and etree.QName(process).localname != "process":
        process = process.getparent()
    return process is main
