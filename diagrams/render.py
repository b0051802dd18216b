"""The one place that runs Graphviz: DOT source in, SVG or PNG bytes out."""

from __future__ import annotations

import shutil
from typing import Literal

import graphviz

from models.errors import GraphvizMissing

__all__ = ["render", "require_dot"]

Format = Literal["svg", "png", "pdf"]


def require_dot() -> None:
    """Raise `GraphvizMissing` unless `dot` is on PATH."""
    if shutil.which("dot") is None:
        raise GraphvizMissing()


def render(source: str, fmt: Format) -> bytes:
    """Return `source`, whose positions are fixed, drawn in format `fmt` (PNG at 110 dpi).

    Graphviz (`neato -n2`) only routes the edges around the fixed nodes.
    """
    require_dot()
    renderer = "cairo" if fmt in ("png", "pdf") else None
    data = source.encode("utf-8")
    if fmt == "png":
        data = data.replace(b"digraph procedure {", b"digraph procedure {\n    dpi=110;", 1)
    try:
        output: bytes = graphviz.pipe(
            "neato", fmt, data, renderer=renderer, neato_no_op=2, quiet=True
        )
        return output
    except graphviz.ExecutableNotFound as error:
        raise GraphvizMissing() from error
