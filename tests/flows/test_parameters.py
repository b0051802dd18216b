"""The flows' dropdowns list exactly the rule catalogue and the data-source registry."""

from __future__ import annotations

from typing import get_args

from flows.parameters import SourceId
from inputs.registry import load_data_sources
from rules import CATALOGUE, RuleCode
from tests.conftest import CATALOG


def test_the_rules_dropdown_is_the_catalogue_in_its_order() -> None:
    assert list(get_args(RuleCode)) == [rule.code for rule in CATALOGUE]


def test_the_sources_dropdown_is_the_bundled_registry() -> None:
    assert list(get_args(SourceId)) == list(load_data_sources(CATALOG / "data_sources.yaml"))
