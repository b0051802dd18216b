"""Two nightly runs at once (issue 13): the second waits for the first, then finds
nothing left to do and says so; each analysis is stored once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from store.engine import make_engine
from store.tables import Analysis
from tests.conftest import CATALOG
from tthc.serve import Stack

pytestmark = [pytest.mark.prefect, pytest.mark.dot, pytest.mark.reliability]

_NIGHT = "import json; from flows.nightly import nightly_reanalysis as n; print(json.dumps(n()))"


def test_two_nightly_runs_at_once_share_the_work_and_say_so(stack: Stack, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for path in sorted((CATALOG / "essential").glob("*.yaml"))[:3]:
        shutil.copy(path, catalog)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    environment = {
        **os.environ,
        "PREFECT_API_URL": stack.api_url,
        "TTHC_DATABASE_URL": url,
        "TTHC_OUT_DIR": str(tmp_path / "out"),
    }
    python = [sys.executable, "-c"]
    importing = [*python, "from tthc.cli import app; app()", "import", str(catalog)]
    subprocess.run(importing, env=environment, check=True, capture_output=True)
    nights = [
        subprocess.Popen([*python, _NIGHT], env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [json.loads(night.communicate(timeout=600)[0].splitlines()[-1]) for night in nights]
    assert sorted(r["analysed"] for r in results) == [0, 3]
    assert sorted(r["skipped"] for r in results) == [0, 3]
    with Session(make_engine(url)) as session:
        assert session.exec(select(func.count()).select_from(Analysis)).one() == 3
