"""The `whatif` flow ranks the gains of connecting a data source and stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from inputs.settings import get_settings

pytestmark = [pytest.mark.prefect]


def test_connecting_the_land_database_gains_and_stores_nothing(
    prefect_server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.whatif import whatif_connect

    monkeypatch.setenv("TTHC_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    get_settings.cache_clear()
    gains = whatif_connect(connect=["land_db"])
    get_settings.cache_clear()
    assert isinstance(gains, list)
    assert gains and all(g["vnd_saved_per_year"] >= 0 for g in gains)
    assert [g["vnd_saved_per_year"] for g in gains] == sorted(
        (g["vnd_saved_per_year"] for g in gains), reverse=True
    )
    assert any("đất" in name for g in gains for name in g["documents_dropped"])
    assert not (tmp_path / "store.db").exists()
