"""The settings files an analysis rests on: a bad one is named with the field to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from inputs.registry import load_cost_settings, load_data_sources, load_inputs
from inputs.settings import PROJECT_ROOT, Settings
from models.errors import InvalidSettings, UnknownDataSource


def test_bundled_settings_load_and_a_bad_file_names_the_field(tmp_path: Path) -> None:
    bundled = load_cost_settings(PROJECT_ROOT / "catalog" / "cost_settings.yaml")
    assert bundled.hourly_income_vnd > 0 and bundled.version
    bad = tmp_path / "cost_settings.yaml"
    bad.write_text("version: x\nhourly_income_vnd: -5\n", encoding="utf-8")
    with pytest.raises(InvalidSettings) as error:
        load_cost_settings(bad)
    text = str(error.value)
    assert "hourly_income_vnd" in text and "learning_hours" in text and str(bad) in text


def test_a_registry_with_an_id_twice_names_it(tmp_path: Path) -> None:
    registry = tmp_path / "data_sources.yaml"
    entry = "  - {id: population_db, name: CSDL dân cư, connected: true}\n"
    registry.write_text("data_sources:\n" + entry * 2, encoding="utf-8")
    with pytest.raises(InvalidSettings, match="data source 'population_db': id given twice"):
        load_data_sources(registry)


def test_connecting_an_unknown_source_names_the_known_ones() -> None:
    with pytest.raises(UnknownDataSource, match="land_db"):
        load_inputs(Settings(), connect=["no_such_db"])
