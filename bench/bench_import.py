"""Benchmark: importing a decision's internal-process tables.

Builds the typed Cao Bằng decision (14 tables, 111 steps; tests/inputs/office/fixtures/)
as Word, Excel and, through LibreOffice, text PDF, and a decision `copies` times larger
(the same tables again, as a province's decision of a whole sector would be), then times
reading each into drafts and writing and validating the drafts (`jobs.importing`).
Run: `uv run python bench/bench_import.py [copies]`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from inputs.office import read_office_document
from inputs.registry import load_inputs
from inputs.settings import get_settings
from jobs.importing import draft_documents
from tests.inputs.office.fixtures import (
    FIXTURES,
    Spec,
    read_spec,
    to_pdf,
    write_docx,
    write_xlsx,
)


def _larger(spec: Spec, copies: int) -> Spec:
    """The decision `copies` times over, each copy's codes made its own."""
    blocks: list[str | tuple[tuple[str, ...], ...]] = []
    for n in range(copies):
        for block in spec.blocks:
            if isinstance(block, str):
                block = re.sub(r"\b([1-3]\.)\d{2}(\d{4})\b", rf"\g<1>{n:02d}\g<2>", block)
            blocks.append(block)
    return Spec(tuple(blocks))


def _time(label: str, path: Path, out: Path) -> None:
    sources = load_inputs(get_settings()).sources
    start = time.perf_counter()
    imported = read_office_document(path)
    read = time.perf_counter() - start
    start = time.perf_counter()
    run = draft_documents([path], out, sources)
    total = time.perf_counter() - start
    steps = sum(d.steps_read for d in imported.drafts)
    print(
        f"{label:<28} {len(imported.drafts):>5} procedures {steps:>6} steps   "
        f"read {read:6.2f} s   read+draft+validate {total:6.2f} s   "
        f"({1000 * total / max(1, len(run.files)):.0f} ms per procedure)"
    )


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    spec = read_spec(FIXTURES / "caobang-2022-qd-ubnd.md")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        docx = write_docx(spec, root / "decision.docx")
        _time("Word, 14 tables", docx, root / "d1")
        _time("Excel, 14 tables", write_xlsx(spec, root / "decision.xlsx"), root / "d2")
        if shutil.which("soffice"):
            _time("PDF, 14 tables", to_pdf(docx, root), root / "d3")
        big = _larger(spec, copies)
        _time(f"Word, {14 * copies} tables", write_docx(big, root / "big.docx"), root / "d4")
        _time(f"Excel, {14 * copies} tables", write_xlsx(big, root / "big.xlsx"), root / "d5")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
