"""Settings of the engine, read from the environment (prefix ``TTHC_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.errors import FolderNotAllowed

__all__ = ["PROJECT_ROOT", "Settings", "get_settings", "output_folder", "readable_path", "site_url"]

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
    plan_settings_file: Path = PROJECT_ROOT / "catalog" / "plan_settings.yaml"
    """How plans state their figures: the cost method, the roadmap, the targets."""
    out_dir: Path = PROJECT_ROOT / "out"
    """Where outputs go; a flow's output folder must lie inside it."""
    inbox_dirs: list[Path] = []
    """Folders the flows may read procedure files from, besides `catalog_dir`
    (JSON list, e.g. TTHC_INBOX_DIRS='["/srv/tthc/inbox"]')."""
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    """Processes that analyse a large batch side by side."""
    shards_at_once: int = Field(default=1, ge=1, le=1000)
    """Shards of a nightly run that run at once over the work pool (`make serve` sets the
    `shards` work queue's limit): one per worker machine."""
    site_url: str | None = None
    """Web address that serves `out_dir` (`make serve` sets one); else links are files."""
    ui_port: int = Field(default=4200, ge=1, le=65535)
    """Port of the Prefect server and its UI that `make serve` starts (on 127.0.0.1)."""
    site_port: int = Field(default=4201, ge=1, le=65535)
    """Port of the review site and its upload page that `make serve` starts (on 127.0.0.1)."""


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


def _inside(path: str | Path, roots: list[Path]) -> Path | None:
    """`path` resolved (links followed; relative paths start at the project folder) when
    it lies in one of `roots` (resolved too), else None."""
    resolved = (PROJECT_ROOT / path).resolve()
    for root in roots:
        if resolved.is_relative_to((PROJECT_ROOT / root).resolve()):
            return resolved
    return None


def readable_path(settings: Settings, path: str) -> Path:
    """Where a flow may read procedure files: inside `catalog_dir` or an inbox folder.
    The flows take paths from anyone who reaches the Prefect API; others raise
    `FolderNotAllowed`, which says nothing of what lies there."""
    roots = [settings.catalog_dir, *settings.inbox_dirs]
    found = _inside(path, roots)
    if found is None:
        raise FolderNotAllowed(
            f"{path!r} is outside the folders the flows read procedure files from "
            f"({', '.join(str(r) for r in roots)}): put the files in one of them, or add "
            "their folder to TTHC_INBOX_DIRS where the worker runs"
        )
    return found


def output_folder(settings: Settings, path: str | None) -> Path:
    """Where a flow may write: `out_dir` or a folder inside it (the default: `out_dir`);
    elsewhere raises `FolderNotAllowed` and nothing is written."""
    if path is None:
        return settings.out_dir
    found = _inside(path, [settings.out_dir])
    if found is None:
        raise FolderNotAllowed(
            f"{path!r} is outside the output folder {settings.out_dir}: choose a folder "
            "inside it, or set TTHC_OUT_DIR where the worker runs"
        )
    return found
