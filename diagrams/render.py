"""The one place that runs Graphviz: DOT source in, SVG, PNG or PDF bytes out."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from models.errors import DiagramNotDrawn, GraphvizMissing

__all__ = ["PNG_DPI", "RENDER_SECONDS", "Format", "render", "render_svg_and_png", "require_dot"]

Format = Literal["svg", "png", "pdf"]

RENDER_SECONDS = 60.0
"""Graphviz gets this long for one diagram; a night never waits on one drawing."""

PNG_DPI = 110
"""The PNG's resolution, in dots per inch."""

_DEVICES: dict[Format, str] = {"svg": "svg", "png": "png:cairo", "pdf": "pdf:cairo"}
_VIEW_BOX = re.compile(rb'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"')
_SVG_SIZE = re.compile(rb'<svg width="\d+pt" height="\d+pt"')
_SVG_SCALE = re.compile(rb'class="graph" transform="scale\([\d.]+ [\d.]+\)')


def require_dot() -> None:
    """Raise `GraphvizMissing` unless `dot` is on PATH."""
    if shutil.which("dot") is None:
        raise GraphvizMissing()


def render(source: str, fmt: Format) -> bytes:
    """Return `source`, whose positions are fixed, drawn in format `fmt` (PNG at 110 dpi).

    Graphviz (`neato -n2`) only routes the edges around the fixed nodes.
    """
    data = source.encode("utf-8")
    [drawing] = _neato(_at_png_dpi(data) if fmt == "png" else data, (fmt,))
    return drawing


def render_svg_and_png(source: str) -> tuple[bytes, bytes]:
    """`render(source, "svg")` and `render(source, "png")`, the same bytes, from one Graphviz
    run: the edges are routed once and the SVG is given back its size at 72 dpi."""
    svg, png = _neato(_at_png_dpi(source.encode("utf-8")), ("svg", "png"))
    return _svg_at_72_dpi(svg), png


def _at_png_dpi(data: bytes) -> bytes:
    return data.replace(b"digraph procedure {", b"digraph procedure {\n    dpi=%d;" % PNG_DPI, 1)


def _svg_at_72_dpi(svg: bytes) -> bytes:
    """The SVG as Graphviz writes it at 72 dpi: only its size in points and its scale differ."""
    box = _VIEW_BOX.search(svg)
    if box is None:
        raise DiagramNotDrawn("Graphviz wrote an SVG without the size this program reads")
    width, height = (int(float(side) + 0.5) for side in box.groups())  # rounded half up
    svg = _SVG_SIZE.sub(b'<svg width="%dpt" height="%dpt"' % (width, height), svg, count=1)
    return _SVG_SCALE.sub(b'class="graph" transform="scale(1 1)', svg, count=1)


def _neato(data: bytes, formats: tuple[Format, ...]) -> list[bytes]:
    """Run `neato -n2` once on `data`, writing each of `formats`; their bytes, in order."""
    require_dot()
    with tempfile.TemporaryDirectory(prefix="tthc-graphviz-") as folder:
        paths = [Path(folder) / f"drawing.{fmt}" for fmt in formats]
        command = ["neato", "-n2", "-q"]
        for fmt, path in zip(formats, paths, strict=True):
            command += [f"-T{_DEVICES[fmt]}", "-o", str(path)]
        try:
            done = subprocess.run(
                command,
                input=data,
                capture_output=True,
                timeout=RENDER_SECONDS,
                check=False,
            )
        except FileNotFoundError as error:
            raise GraphvizMissing() from error
        except subprocess.TimeoutExpired as error:
            message = f"Graphviz did not finish within {RENDER_SECONDS:.0f} s"
            raise DiagramNotDrawn(message) from error
        if done.returncode != 0:
            message = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
            raise DiagramNotDrawn(f"Graphviz failed: {message or done.returncode}")
        return [path.read_bytes() for path in paths]
