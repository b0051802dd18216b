"""One Graphviz run per diagram: the bytes of a run per format, all files or none."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from analysis.result import ProcedureAnalysis, analyze
from diagrams import render as rendering
from diagrams.figures import before_after_dot, write_diagrams
from diagrams.render import PNG_DPI, render, render_svg_and_png
from models.errors import DiagramNotDrawn, GraphvizMissing
from models.graph import to_graph
from models.procedure import Procedure
from rules import RuleContext, get_rules
from tests.conftest import minimal_procedure

pytestmark = pytest.mark.dot

GOLDEN = Path(__file__).parent / "golden"
NOTICE = 'digraph procedure { node [shape=box]; n [label="Sơ đồ quá lớn", pos="0,0"]; }'


def _analysis() -> ProcedureAnalysis:
    """An essential service's: its diagrams are drawn as SVG and PNG."""
    G = to_graph(Procedure.model_validate(minimal_procedure(essential=3)))
    return analyze(G, get_rules(), RuleContext())


@pytest.mark.parametrize(
    "source",
    [*(p.read_text("utf-8") for p in sorted(GOLDEN.glob("*.dot"))), NOTICE],
    ids=[*(p.stem for p in sorted(GOLDEN.glob("*.dot"))), "notice"],
)
def test_one_run_gives_the_bytes_of_one_run_per_format(source: str) -> None:
    """The SVG is the one drawn at 72 dpi, though its run drew the PNG at 110 dpi."""
    svg, png = render_svg_and_png(source)
    assert svg == render(source, "svg")
    assert png == render(source, "png")


def test_every_file_is_written_in_one_call_and_the_png_is_at_110_dpi(tmp_path: Path) -> None:
    analysis = _analysis()
    files = write_diagrams(tmp_path, analysis)
    assert files.before_png is not None and files.after_png is not None
    pairs = ((files.before_svg, files.before_png), (files.after_svg, files.after_png))
    for (svg_name, png_name), source in zip(pairs, before_after_dot(analysis), strict=True):
        svg = (tmp_path / svg_name).read_bytes()
        png = (tmp_path / png_name).read_bytes()
        points = re.search(rb'<svg width="(\d+)pt" height="(\d+)pt"', svg)
        assert points is not None
        pixels = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        for side_pt, side_px in zip(points.groups(), pixels, strict=True):
            assert abs(int(side_pt) * PNG_DPI / 72 - side_px) <= 1
        assert (tmp_path / svg_name).with_suffix(".dot").read_text("utf-8") == source
    written = sorted(p.name for p in (tmp_path / "diagrams").iterdir())
    assert len(written) == 6 and not [name for name in written if name.endswith(".tmp")]


def test_nothing_is_written_unless_both_diagrams_were_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def after_fails(source: str) -> tuple[bytes, bytes]:
        if "đề xuất" in source:
            raise GraphvizMissing()
        return render_svg_and_png(source)

    monkeypatch.setattr("diagrams.figures.render_svg_and_png", after_fails)
    with pytest.raises(GraphvizMissing):
        write_diagrams(tmp_path, _analysis())
    assert not list((tmp_path / "diagrams").iterdir())


def test_a_diagram_graphviz_cannot_draw_becomes_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def only_notices(source: str) -> tuple[bytes, bytes]:
        if "quá lớn" not in source:
            raise DiagramNotDrawn("Graphviz did not finish within 60 s")
        return render_svg_and_png(source)

    monkeypatch.setattr("diagrams.figures.render_svg_and_png", only_notices)
    files = write_diagrams(tmp_path, _analysis())
    for name in (files.before_svg, files.after_svg):
        assert "quá lớn để vẽ" in (tmp_path / name).read_text("utf-8")


def test_graphviz_out_of_time_says_so_in_one_sentence_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 0.0001)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(DiagramNotDrawn, match=r"^Graphviz did not finish within 0 s$"):
        render_svg_and_png(NOTICE)
    with pytest.raises(DiagramNotDrawn):
        write_diagrams(tmp_path / "out", _analysis())
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert not list((tmp_path / "out" / "diagrams").iterdir())
