# ruff: noqa: E501  (a BPMN model written out as the tools write it)
"""Reading BPMN models other tools write: the mapping element by element, whatever the
prefix and the encoding; hostile and broken XML refused in one sentence; the MIWG
reference models each imported and valid, or refused precisely (docs/bpmn.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inputs.bpmn import read_bpmn
from inputs.files import load_procedure
from inputs.office import draft_yaml
from inputs.registry import load_inputs
from inputs.settings import get_settings
from models.errors import TthcError, UnreadableDocument

MIWG = Path(__file__).parent / "miwg"

MODEL = """<?xml version="1.0" encoding="{encoding}"?>
<{p}definitions xmlns{colon}{prefix}="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <{p}process id="P" name="Cấp giấy phép thử">
    <{p}laneSet id="ls">
      <{p}lane id="L1" name="Tổ chức, cá nhân"><{p}flowNodeRef>start</{p}flowNodeRef><{p}flowNodeRef>submit</{p}flowNodeRef></{p}lane>
      <{p}lane id="L2" name="Bộ phận Một cửa"><{p}flowNodeRef>receive</{p}flowNodeRef><{p}flowNodeRef>ok</{p}flowNodeRef><{p}flowNodeRef>back</{p}flowNodeRef></{p}lane>
      <{p}lane id="L3" name="Chuyên viên"><{p}flowNodeRef>split</{p}flowNodeRef><{p}flowNodeRef>appraise</{p}flowNodeRef><{p}flowNodeRef>lookup</{p}flowNodeRef><{p}flowNodeRef>join</{p}flowNodeRef><{p}flowNodeRef>wait</{p}flowNodeRef></{p}lane>
      <{p}lane id="L4" name="Lãnh đạo Sở"><{p}flowNodeRef>sign</{p}flowNodeRef><{p}flowNodeRef>end</{p}flowNodeRef></{p}lane>
    </{p}laneSet>
    <{p}dataObject id="DO1" name="Đơn đề nghị"/>
    <{p}dataObjectReference id="DOR1" name="Đơn đề nghị" dataObjectRef="DO1"/>
    <{p}dataObject id="DO2" name="Giấy phép"/>
    <{p}dataObjectReference id="DOR2" name="Giấy phép" dataObjectRef="DO2"/>
    <{p}startEvent id="start"/>
    <{p}userTask id="submit" name="Nộp hồ sơ">
      <{p}dataInputAssociation id="a1"><{p}sourceRef>DOR1</{p}sourceRef></{p}dataInputAssociation>
    </{p}userTask>
    <{p}userTask id="receive" name="Tiếp nhận hồ sơ"/>
    <{p}exclusiveGateway id="ok" name="Hồ sơ đầy đủ?"/>
    <{p}manualTask id="back" name="Hướng dẫn bổ sung"/>
    <{p}parallelGateway id="split"/>
    <{p}userTask id="appraise" name="Thẩm định hồ sơ"/>
    <{p}serviceTask id="lookup" name="Tra cứu cơ sở dữ liệu"/>
    <{p}parallelGateway id="join"/>
    <{p}intermediateCatchEvent id="wait" name="Chờ ý kiến">
      <{p}timerEventDefinition><{p}timeDuration>P2D</{p}timeDuration></{p}timerEventDefinition>
    </{p}intermediateCatchEvent>
    <{p}userTask id="sign" name="Ký giấy phép">
      <{p}dataOutputAssociation id="a2"><{p}targetRef>DOR2</{p}targetRef></{p}dataOutputAssociation>
    </{p}userTask>
    <{p}endEvent id="end"/>
    <{p}sequenceFlow id="f1" sourceRef="start" targetRef="submit"/>
    <{p}sequenceFlow id="f2" sourceRef="submit" targetRef="receive"/>
    <{p}sequenceFlow id="f3" sourceRef="receive" targetRef="ok"/>
    <{p}sequenceFlow id="f4" sourceRef="ok" targetRef="split" name="Đầy đủ"/>
    <{p}sequenceFlow id="f5" sourceRef="ok" targetRef="back" name="Chưa đủ"/>
    <{p}sequenceFlow id="f6" sourceRef="back" targetRef="receive"/>
    <{p}sequenceFlow id="f7" sourceRef="split" targetRef="appraise"/>
    <{p}sequenceFlow id="f8" sourceRef="split" targetRef="lookup"/>
    <{p}sequenceFlow id="f9" sourceRef="appraise" targetRef="join"/>
    <{p}sequenceFlow id="f10" sourceRef="lookup" targetRef="join"/>
    <{p}sequenceFlow id="f11" sourceRef="join" targetRef="wait"/>
    <{p}sequenceFlow id="f12" sourceRef="wait" targetRef="sign"/>
    <{p}sequenceFlow id="f13" sourceRef="sign" targetRef="end"/>
  </{p}process>
</{p}definitions>
"""


def _model(prefix: str = "bpmn", encoding: str = "UTF-8") -> str:
    return MODEL.format(
        p=f"{prefix}:" if prefix else "", prefix=prefix, colon=":" if prefix else "",
        encoding=encoding,
    )  # fmt: skip


def _draft(path: Path) -> dict[str, Any]:
    (draft,) = read_bpmn(path).drafts
    return dict(draft.document)


def test_the_mapping_element_by_element(tmp_path: Path) -> None:
    path = tmp_path / "mo-hinh.bpmn"
    path.write_text(_model(), encoding="utf-8")
    document = _draft(path)
    actors = document["actors"]
    kinds = {s["id"]: (actors[s["actor"]]["kind"], s["kind"]) for s in document["steps"]}
    assert kinds == {
        "submit": ("applicant", "submit"),
        "receive": ("one_stop", "receive"),
        "ok": ("one_stop", "decide"),
        "back": ("one_stop", "receive"),  # the desk's own default
        "split": ("specialist", "parallel"),
        "appraise": ("specialist", "appraise"),
        "lookup": ("system", "verify"),
        "join": ("specialist", "join"),
        "wait": ("specialist", "wait"),
        "sign": ("leader", "sign"),
    }
    assert document["steps"][0]["id"] == "submit"  # the start event's successor
    steps = {s["id"]: s for s in document["steps"]}
    assert steps["wait"]["hours"] == 16  # P2D, in working hours
    assert steps["submit"]["documents"] == ["don_de_nghi"]
    assert steps["sign"]["produces"] == ["giay_phep"]
    branches = {
        (f["to"], f["when"], f["probability"]) for f in document["flows"] if f["from"] == "ok"
    }
    assert branches == {("split", "Đầy đủ", 0.5), ("back", "Chưa đủ", 0.5)}
    assert {"from": "back", "to": "receive"} in document["flows"]  # the loop kept
    assert (document["code"], document["code_status"]) == ("MO-HINH", "unconfirmed")
    path_yaml = tmp_path / "mo-hinh.yaml"
    (draft,) = read_bpmn(path).drafts
    path_yaml.write_text(draft_yaml(draft), encoding="utf-8")
    load_procedure(path_yaml, load_inputs(get_settings()).sources)  # valid as it is


@pytest.mark.parametrize(
    ("prefix", "encoding", "bom"),
    [("bpmn2", "UTF-8", False), ("semantic", "UTF-8", True), ("", "UTF-8", False),
     ("bpmn", "UTF-16", False), ("bpmn", "ISO-8859-1", False)],
)  # fmt: skip
def test_any_prefix_and_encoding(prefix: str, encoding: str, bom: bool, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    reference = tmp_path / "a" / "mo-hinh.bpmn"
    reference.write_text(_model(), encoding="utf-8")
    text = _model(prefix, encoding)
    if encoding == "ISO-8859-1":  # Vietnamese has no Latin-1 form: characters as references
        data = text.encode("latin-1", errors="xmlcharrefreplace")
    else:
        data = text.encode(encoding.lower().replace("utf-16", "utf-16"))
    path = tmp_path / "b" / "mo-hinh.bpmn"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    assert _draft(path) == _draft(reference)


HOSTILE = {
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>',
        "DOCTYPE",
    ),
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&c;</definitions>',
        "DOCTYPE",
    ),
    "a doctype alone": (
        '<?xml version="1.0"?><!DOCTYPE definitions>'
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
        "DOCTYPE",
    ),
    "truncated": (_model()[:900], "line "),
    "wrong root": ('<?xml version="1.0"?><html><body/></html>', "root"),
    "duplicate ids": (_model().replace('id="back"', 'id="receive"'), "id 'receive'"),
    "flow to a missing element": (
        _model().replace('targetRef="sign"/>', 'targetRef="nowhere"/>'),
        "sequenceFlow 'f12'",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_and_broken_xml_is_refused_in_one_sentence(case: str, tmp_path: Path) -> None:
    text, where = HOSTILE[case]
    path = tmp_path / "x.bpmn"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableDocument) as caught:
        read_bpmn(path)
    [problem] = caught.value.problems
    assert problem.where.startswith(where) and problem.file == str(path)
    assert "root:x:0:0" not in str(caught.value)  # nothing of /etc/passwd was read


MIWG_EXPECTED = {
    "A.1.0": "imported", "A.2.0": "imported", "A.2.1": "imported", "A.3.0": "imported",
    "A.4.0": "imported", "A.4.1": "imported", "B.1.0": "invalid", "B.2.0": "imported",
    "C.1.0": "imported", "C.1.1": "imported", "C.2.0": "invalid", "C.3.0": "imported",
    "C.4.0": "invalid", "C.5.0": "imported", "C.6.0": "imported", "C.7.0": "imported",
    "C.8.0": "refused", "C.8.1": "imported", "C.9.0": "imported", "C.9.1": "imported",
    "C.9.2": "imported",
}  # fmt: skip
"""What docs/bpmn.md says of each reference model."""


@pytest.mark.parametrize("name", sorted(MIWG_EXPECTED))
def test_the_miwg_reference_models(name: str, tmp_path: Path) -> None:
    sources = load_inputs(get_settings()).sources
    try:
        (draft,) = read_bpmn(MIWG / f"{name}.bpmn").drafts
    except UnreadableDocument as error:
        assert MIWG_EXPECTED[name] == "refused", error
        assert error.problems[0].where and error.problems[0].message
        return
    path = tmp_path / f"{name}.yaml"
    path.write_text(draft_yaml(draft), encoding="utf-8")
    try:
        load_procedure(path, sources)
    except TthcError as error:
        assert MIWG_EXPECTED[name] == "invalid", error
        return
    assert MIWG_EXPECTED[name] == "imported"
    assert draft.document["steps"]


def test_documentation_text_is_quoted_in_the_report(tmp_path: Path) -> None:
    text = _model().replace(
        '<bpmn:userTask id="receive" name="Tiếp nhận hồ sơ"/>',
        '<bpmn:userTask id="receive" name="Tiếp nhận hồ sơ"><bpmn:documentation>'
        "Kiểm tra thành phần hồ sơ theo Điều 9</bpmn:documentation></bpmn:userTask>",
    )
    path = tmp_path / "mo-ta.bpmn"
    path.write_text(text, encoding="utf-8")
    (draft,) = read_bpmn(path).drafts
    assert any("Kiểm tra thành phần hồ sơ theo Điều 9" in line for line in draft.read)
