"""Settings of the engine, read from the environment (prefix ``TTHC_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings", "site_url"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the engine keeps its data and reads its catalogue."""

    model_config = SettingsConfigDict(env_prefix="TTHC_")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'tthc.db'}"
    """SQLAlchemy URL of the store: SQLite (embedded) or postgresql+psycopg://…"""
    catalog_dir: Path = PROJECT_ROOT / "catalog"
    data_sources_file: Path = PROJECT_ROOT / "catalog" / "data_sources.yaml"
    cost_settings_file: Path = PROJECT_ROOT / "catalog" / "cost_settings.yaml"
    """The compliance-cost assumptions every đồng figure is computed from."""
    out_dir: Path = PROJECT_ROOT / "out"
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    """Processes that analyse a large batch side by side."""
    site_url: str | None = None
    """Web address that serves `out_dir` (`make serve` sets one); else links are files."""


@lru_cache
def get_settings() -> Settings:
    """Return the settings, read once from the environment."""
    return Settings()


def site_url(settings: Settings, index: str) -> str:
    """The address of the review site's index page `index` (a path under `out_dir`): its
    web address when one serves it, else the file."""
    if settings.site_url:
        relative = Path(index).resolve().relative_to(settings.out_dir.resolve())
        return settings.site_url.rstrip("/") + "/" + relative.as_posix()
    return Path(index).resolve().as_uri()
