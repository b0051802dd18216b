"""The flows' dropdowns list exactly the rule catalogue and the data-source registry."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import get_args

import yaml
from prefect.utilities.callables import parameter_docstrings, parameter_schema

from analysis.scenario import scenario_of
from flows.forms import FORM_TITLES, titled
from flows.parameters import SourceId, clean_codes
from flows.procedure import reengineer_procedure
from inputs.registry import load_data_sources
from inputs.settings import PROJECT_ROOT
from publishing.labels import rule_title
from rules import CATALOGUE, RuleCode
from tests.conftest import CATALOG

VIETNAMESE = re.compile("[ăâđêôơưàáảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳ]")


def test_the_rules_dropdown_is_the_catalogue_in_its_order() -> None:
    assert list(get_args(RuleCode)) == [rule.code for rule in CATALOGUE]


def test_the_sources_dropdown_is_the_bundled_registry() -> None:
    assert list(get_args(SourceId)) == list(load_data_sources(CATALOG / "data_sources.yaml"))


def test_the_procedure_form_names_every_rule_as_the_catalogue_does() -> None:
    described = parameter_docstrings(inspect.getdoc(reengineer_procedure.fn))["rules"]
    flat = " ".join(described.split())
    for rule in CATALOGUE:
        assert rule_title(rule.code) in flat, rule.code


def test_codes_as_typed_are_forgiven() -> None:
    assert clean_codes([" 1.001193\t", None, "", "1.001193"]) == ["1.001193"]
    assert clean_codes(None) == clean_codes(()) == []


def test_a_run_with_some_rules_or_extra_sources_is_a_scenario() -> None:
    everything = [rule.code for rule in CATALOGUE]
    assert scenario_of(None, ()) is None and scenario_of(everything, ()) is None
    some = scenario_of(["CH01"], ())
    sources = scenario_of(None, ["land_db"])
    assert some is not None and sources is not None and some.key != sources.key
    assert some.folder == f"scenarios/{some.key}"
    assert scenario_of(["CH01"], ()) == some  # one folder per scenario, run after run


def test_every_field_of_every_form_has_a_vietnamese_title() -> None:
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text("utf-8"))
    assert {d["name"] for d in spec["deployments"]} == set(FORM_TITLES)
    for deployment in spec["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        schema = parameter_schema(getattr(module, name)).model_dump_for_openapi()
        titles = FORM_TITLES[deployment["name"]]
        assert set(titles) == set(schema["properties"]), deployment["name"]
        shown = titled(schema, titles)
        for field, value in shown["properties"].items():
            assert value["title"] == titles[field] != field
            described = value.get("description", "")
            assert VIETNAMESE.search(described), (deployment["name"], field)


def test_the_procedure_form_names_every_data_source_as_the_registry_does() -> None:
    described = parameter_docstrings(inspect.getdoc(reengineer_procedure.fn))["connect"]
    flat = " ".join(described.split())
    for key, source in load_data_sources(CATALOG / "data_sources.yaml").items():
        assert f"{key} — {source.name}" in flat, key
