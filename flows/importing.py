"""The `import-catalog` flow: procedure files into the store, as new as-is versions."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.tasks import import_batch, read_files, read_inputs
from inputs.settings import get_settings, readable_path

__all__ = ["import_catalog"]

BATCH_SIZE = 1000
"""Procedures per transaction."""


@flow(name="import-catalog", log_prints=True)
def import_catalog(path: str) -> dict[str, Any]:
    """Validate procedure files and store each as a new as-is version; a file whose
    content is already stored adds nothing. One invalid file stops the import before
    anything is stored, and its error names the file, the element and the fix.

    Args:
        path: A procedure file (YAML or JSON, docs/procedure-format.md) or a folder of them,
            on the worker's machine, inside the catalogue folder or an inbox folder
            (TTHC_INBOX_DIRS); relative paths start at the project folder.
    """
    settings = get_settings()
    allowed = readable_path(settings, path)
    inputs = read_inputs()
    procedures = read_files([str(allowed)], inputs)
    imported = [
        row
        for start in range(0, len(procedures), BATCH_SIZE)
        for row in import_batch(settings.database_url, procedures[start : start + BATCH_SIZE])
    ]
    new = sum(created for _, created in imported)
    print(f"{len(imported)} procedures: {new} new versions, {len(imported) - new} unchanged")
    return {"procedures": len(imported), "new_versions": new}
