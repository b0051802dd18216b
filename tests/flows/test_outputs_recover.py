"""Outputs derive from the store and recover (issue 13): a run killed after it stored
its analyses left no site; the next night, with nothing to re-analyse, rebuilds it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from inputs.settings import get_settings
from tests.conftest import CATALOG

pytestmark = [pytest.mark.prefect, pytest.mark.dot, pytest.mark.reliability]


def test_the_night_rebuilds_the_site_when_nothing_is_left_to_analyse(
    prefect_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import nightly_reanalysis
    from flows.reengineer import reengineer_catalog

    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for path in sorted((CATALOG / "essential").glob("*.yaml"))[:2]:
        shutil.copy(path, catalog)
    out = tmp_path / "out"
    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("TTHC_OUT_DIR", str(out))
    monkeypatch.setenv("TTHC_INBOX_DIRS", json.dumps([str(catalog)]))
    get_settings.cache_clear()
    try:
        reengineer_catalog(paths=[str(catalog)], out_dir=str(out))
        pages = sorted((out / "procedures").glob("*.html"))
        # as a run killed between storing and publishing leaves it
        (out / "index.html").unlink()
        pages[0].unlink()
        night = nightly_reanalysis()
    finally:
        get_settings.cache_clear()
    assert night["analysed"] == 0
    assert (out / "index.html").is_file() and pages[0].is_file()
    assert not list(out.rglob(".*.tmp"))
