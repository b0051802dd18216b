"""Shared fixtures: small procedure documents, the registry, database URLs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlmodel import SQLModel

from inputs.registry import load_data_sources
from inputs.settings import PROJECT_ROOT
from models.procedure import DataSource
from store.engine import make_engine

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CATALOG = PROJECT_ROOT / "catalog"
CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium, which the browser tests drive with Playwright."""

settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
"""A bare `pytest` runs the quick profile; `make test` (and so CI) the thorough one."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the `dot` tests where Graphviz is missing, saying how to get it."""
    if shutil.which("dot") is None:
        skip = pytest.mark.skip(reason="Graphviz's dot not on PATH: apt-get install graphviz")
        for item in items:
            if "dot" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def sources() -> dict[str, DataSource]:
    return load_data_sources(CATALOG / "data_sources.yaml")


def minimal_procedure(**overrides: Any) -> dict[str, Any]:
    """A small valid procedure document: submit → check → transfer → sign → return."""
    document: dict[str, Any] = {
        "code": "9.999999",
        "name": "Thủ tục mẫu",
        "level": "commune",
        "statutory_days": 3,
        "actors": {
            "applicant": {"name": "Công dân", "kind": "applicant"},
            "desk": {"name": "Bộ phận Một cửa", "kind": "one_stop"},
            "leader": {"name": "Chủ tịch UBND xã", "kind": "leader"},
        },
        "documents": {
            "form": {"name": "Tờ khai"},
            "id_card": {"name": "Bản sao CCCD", "held_by": "population_db"},
        },
        "steps": [
            {
                "id": "submit",
                "name": "Nộp hồ sơ",
                "actor": "applicant",
                "kind": "submit",
                "channel": "in_person",
                "hours": 1,
                "documents": ["form", "id_card"],
            },
            {"id": "check", "name": "Kiểm tra", "actor": "desk", "kind": "check", "hours": 2},
            {"id": "transfer", "name": "Chuyển", "actor": "desk", "kind": "transfer", "hours": 4},
            {
                "id": "sign",
                "name": "Ký",
                "actor": "leader",
                "kind": "sign",
                "days": 1,
                "mandatory": True,
                "legal_basis": "Điều 1",
            },
            {
                "id": "return",
                "name": "Trả kết quả",
                "actor": "applicant",
                "kind": "return",
                "channel": "in_person",
                "hours": 1,
            },
        ],
        "flows": [
            {"from": "submit", "to": "check"},
            {"from": "check", "to": "transfer"},
            {"from": "transfer", "to": "sign"},
            {"from": "sign", "to": "return"},
        ],
    }
    document.update(overrides)
    return document


def write_yaml(path: Path, document: Any) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite, and PostgreSQL when TTHC_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = os.environ.get("TTHC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TTHC_TEST_POSTGRES_URL is not set (CI sets it to the local server)")
    for _ in range(2):  # before and after the test
        engine = make_engine(url)
        SQLModel.metadata.drop_all(engine)
        with engine.begin() as connection:  # so that the next engine builds the schema anew
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            connection.execute(text("DROP FUNCTION IF EXISTS tthc_refuse_version_change() CASCADE"))
        engine.dispose()
        if _ == 0:
            yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the browser tests of a module (Playwright is imported here,
    so that the other tests run without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: `$TTHC_SCREENSHOTS` (docs/img refreshes the README's
    pictures), or the test's own folder."""
    folder = Path(os.environ.get("TTHC_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
