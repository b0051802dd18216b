"""Where the review site is read: its web address when one serves it, else the file."""

from __future__ import annotations

from pathlib import Path

from tthc.settings import Settings

__all__ = ["site_url"]


def site_url(settings: Settings, index: str) -> str:
    """The address of the review site's index page `index` (a path under `out_dir`)."""
    if settings.site_url:
        relative = Path(index).resolve().relative_to(settings.out_dir.resolve())
        return settings.site_url.rstrip("/") + "/" + relative.as_posix()
    return Path(index).resolve().as_uri()
