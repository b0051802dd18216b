"""Pins what users get from the bundled catalogue, so a restructuring changes none of it.

`tthc analyze FILE --json` for every bundled procedure, the DOT source of every
diagram, and the report (CSV, Markdown summary, HTML pages) in both languages
must stay as they are under `tests/pinned/`. After a deliberate change of
output, rewrite them with `TTHC_UPDATE_PINNED=1 pytest tests/test_pinned.py`
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tthc.cli import app

PINNED = Path(__file__).parent / "pinned"
CATALOG = Path(__file__).parents[1] / "catalog"
UPDATE = os.environ.get("TTHC_UPDATE_PINNED") == "1"


def _check(actual: str, pinned: Path) -> None:
    if UPDATE:
        pinned.parent.mkdir(parents=True, exist_ok=True)
        pinned.write_text(actual, encoding="utf-8")
    assert pinned.exists(), f"{pinned} missing: run with TTHC_UPDATE_PINNED=1"
    assert actual == pinned.read_text(encoding="utf-8"), f"{pinned} differs"


FILES = sorted(p for p in CATALOG.rglob("*.yaml") if p.parent != CATALOG)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_analyze_json_is_pinned(path: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    _check(result.stdout, PINNED / "analyze" / f"{path.stem}.json")


@pytest.mark.dot
def test_report_and_diagrams_are_pinned(tmp_path: Path) -> None:
    for lang in ("vi", "en"):
        result = CliRunner().invoke(
            app, ["report", "--all", "--lang", lang, "--out", str(tmp_path)]
        )
        assert result.exit_code == 0, result.output
    written = sorted(p for p in tmp_path.rglob("*") if p.suffix in (".dot", ".csv", ".md", ".html"))
    assert len(written) > 100
    for path in written:
        _check(path.read_text(encoding="utf-8"), PINNED / "outputs" / path.relative_to(tmp_path))
    if not UPDATE:
        pinned = {p.relative_to(PINNED / "outputs") for p in (PINNED / "outputs").rglob("*.*")}
        assert pinned == {p.relative_to(tmp_path) for p in written}
