"""docs/rules.md is generated from the catalogue, so it cannot drift; parameters are checked."""

from __future__ import annotations

import re
from typing import Any

import pytest

from inputs.settings import PROJECT_ROOT
from models.errors import TthcError
from publishing.rules_doc import catalogue_markdown
from rules import CATALOGUE, get_rules
from rules.guardrails import GUARDRAILS


def test_docs_rules_md_is_the_generated_catalogue() -> None:
    written = (PROJECT_ROOT / "docs" / "rules.md").read_text("utf-8")
    assert written == catalogue_markdown(), (
        "docs/rules.md is stale: run `uv run tthc rules --markdown > docs/rules.md`"
    )


def test_the_document_names_every_rule_guardrail_and_parameter() -> None:
    text = catalogue_markdown()
    for rule in CATALOGUE:
        assert f"### {rule.code}" in text and rule.reason in text and rule.reason_en in text
        assert "**Anti-pattern**" in text.split(f"### {rule.code}")[1].split("###")[0]
        for name, field in rule.Params.model_fields.items():
            assert f"| `{name}` |" in text and field.description, (rule.code, name)
    for code in GUARDRAILS:
        assert f"`{code}`" in text


def test_parameters_change_a_rule_and_the_analysis_signature() -> None:
    (default,) = get_rules(["ST05"])
    (changed,) = get_rules(["ST05"], {"ST05": {"include_mandatory": True, "kinds": ["verify"]}})
    assert default.signature == "ST05"
    assert changed.signature == 'ST05{"include_mandatory": true, "kinds": ["verify"]}'


@pytest.mark.parametrize(
    ("select", "params", "message"),
    [
        (["XX01"], None, "unknown rule or group ['XX01']"),
        (None, {"ZZ": {}}, "unknown rule or group ['ZZ']"),
        (None, {"ST05": {"kind": "verify"}}, "rule ST05, parameter 'kind'"),
        (None, {"DO02": {"lookup_hours": -1}}, "rule DO02, parameter 'lookup_hours'"),
        (None, {"ST01": {"anything": 1}}, "its parameters are: none"),
    ],
)
def test_bad_selection_or_parameters_are_named(
    select: list[str] | None, params: dict[str, dict[str, Any]] | None, message: str
) -> None:
    with pytest.raises(TthcError, match=re.escape(message)):
        get_rules(select, params)
