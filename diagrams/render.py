"""The one place that runs Graphviz: DOT source in, SVG or PNG bytes out."""

from __future__ import annotations

import shutil
import subprocess
from typing import Literal

from models.errors import DiagramNotDrawn, GraphvizMissing

__all__ = ["RENDER_SECONDS", "render", "require_dot"]

Format = Literal["svg", "png", "pdf"]

RENDER_SECONDS = 60.0
"""Graphviz gets this long for one diagram; a night never waits on one drawing."""


def require_dot() -> None:
    """Raise `GraphvizMissing` unless `dot` is on PATH."""
    if shutil.which("dot") is None:
        raise GraphvizMissing()


def render(source: str, fmt: Format) -> bytes:
    """Return `source`, whose positions are fixed, drawn in format `fmt` (PNG at 110 dpi).

    Graphviz (`neato -n2`) only routes the edges around the fixed nodes.
    """
    require_dot()
    device = f"-T{fmt}:cairo" if fmt in ("png", "pdf") else f"-T{fmt}"
    data = source.encode("utf-8")
    if fmt == "png":
        data = data.replace(b"digraph procedure {", b"digraph procedure {\n    dpi=110;", 1)
    try:
        done = subprocess.run(
            ["neato", "-n2", "-q", device],
            input=data,
            capture_output=True,
            timeout=RENDER_SECONDS,
            check=False,
        )
    except FileNotFoundError as error:
        raise GraphvizMissing() from error
    except subprocess.TimeoutExpired as error:
        raise DiagramNotDrawn(f"Graphviz did not finish within {RENDER_SECONDS:.0f} s") from error
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise DiagramNotDrawn(f"Graphviz failed: {message or done.returncode}")
    return done.stdout
