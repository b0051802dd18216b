"""What analyses rest on besides the procedures: the data-source registry and the
compliance-cost settings, read from their files."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analysis.plan import PlanSettings
from analysis.result import Inputs
from inputs.files import read_document
from inputs.settings import Settings
from models.costs import CostSettings
from models.errors import InvalidSettings, Problem, UnknownDataSource
from models.procedure import DataSource

__all__ = ["load_cost_settings", "load_data_sources", "load_inputs", "load_plan_settings"]


def load_data_sources(path: Path) -> dict[str, DataSource]:
    """Return the data-source registry in `path`, keyed by id."""
    file = str(path)
    try:
        raw = read_document(path)
        entries = raw["data_sources"]
        sources = [DataSource.model_validate(entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as error:
        raise InvalidSettings(
            [Problem(file, "data_sources", f"cannot read the registry: {error}")]
        ) from error
    registry: dict[str, DataSource] = {}
    for source in sources:
        if source.id in registry:
            raise InvalidSettings(
                [Problem(file, f"data source '{source.id}'", "id given twice; keep one")]
            )
        registry[source.id] = source
    return registry


def load_cost_settings(path: Path) -> CostSettings:
    """Read the cost settings; a bad file gets an error naming the file and the field."""
    return _load(path, CostSettings)


def load_plan_settings(path: Path) -> PlanSettings:
    """Read how plans state their figures; a bad file gets an error naming the field."""
    return _load(path, PlanSettings)


Model = TypeVar("Model", bound=BaseModel)


def _load(path: Path, model: type[Model]) -> Model:
    try:
        return model.model_validate(read_document(path))
    except (OSError, ValueError, yaml.YAMLError) as error:
        if isinstance(error, ValidationError):
            problems = [
                Problem(str(path), ".".join(map(str, e["loc"])) or "settings", e["msg"])
                for e in error.errors()
            ]
        else:
            problems = [Problem(str(path), "settings", f"cannot read the file: {error}")]
        raise InvalidSettings(problems) from error


def load_inputs(settings: Settings, connect: Collection[str] = ()) -> Inputs:
    """Read the registry and the cost settings named by `settings`; the sources in
    `connect` are taken as connected (a what-if)."""
    sources = load_data_sources(settings.data_sources_file)
    unknown = sorted(set(connect) - set(sources))
    if unknown:
        known = ", ".join(sorted(sources))
        raise UnknownDataSource(
            f"{settings.data_sources_file}: unknown data source {unknown}: use one of {known}"
        )
    sources = {
        key: source.model_copy(update={"connected": True}) if key in connect else source
        for key, source in sources.items()
    }
    return Inputs(sources, load_cost_settings(settings.cost_settings_file))
