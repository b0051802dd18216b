"""Office documents built from typed fixtures: a Markdown file whose lines are the
document's paragraphs and whose pipe tables are its tables, as Word, Excel and (through
LibreOffice) text PDF.

In a table cell, `<br>` is a line break inside the cell, `^` merges the cell with the one
above (a vertical merge), `<` with the one on its left (a horizontal merge). Lines in
`<!-- … -->` are comments (each fixture's source)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docx
from openpyxl import Workbook
from openpyxl.styles import Alignment

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Spec:
    """A document as typed: paragraphs (str) and tables (rows of cells), in order."""

    blocks: tuple[str | tuple[tuple[str, ...], ...], ...]


def read_spec(path: Path) -> Spec:
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    blocks: list[str | tuple[tuple[str, ...], ...]] = []
    rows: list[tuple[str, ...]] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = tuple(c.strip() for c in stripped.strip("|").split("|"))
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                rows.append(cells)
            continue
        if rows:
            blocks.append(tuple(rows))
            rows = []
        if stripped:
            blocks.append(stripped)
    return Spec(tuple(blocks))


def _text(cell: str) -> str:
    return cell.replace("<br>", "\n")


def _merges(block: tuple[tuple[str, ...], ...]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each merged range: its top-left cell → its bottom-right cell."""
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(block):
        for c, cell in enumerate(row):
            if cell == "^":
                origin[(r, c)] = origin.get((r - 1, c), (r - 1, c))
            elif cell == "<":
                origin[(r, c)] = origin.get((r, c - 1), (r, c - 1))
    ranges: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, c), top in origin.items():
        end = ranges.get(top, top)
        ranges[top] = (max(end[0], r), max(end[1], c))
    return ranges


def write_docx(spec: Spec, path: Path) -> Path:
    document = docx.Document()
    for block in spec.blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(row) for row in block)
        table = document.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(block):
            for c, cell in enumerate(row):
                if cell in ("^", "<"):
                    continue
                target = table.cell(r, c)
                lines = _text(cell).split("\n")
                target.text = lines[0]
                for more in lines[1:]:
                    target.add_paragraph(more)
        for (r, c), (r2, c2) in _merges(block).items():
            table.cell(r, c).merge(table.cell(r2, c2))
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_xlsx(spec: Spec, path: Path) -> Path:
    """One sheet; paragraphs in column A, tables below them, a blank row after each."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Quy trình"
    r = 1
    for block in spec.blocks:
        if isinstance(block, str):
            sheet.cell(r, 1, block)
            r += 1
            continue
        for i, row in enumerate(block):
            for c, cell in enumerate(row, 1):
                if cell not in ("^", "<"):
                    sheet.cell(r + i, c, _text(cell)).alignment = Alignment(wrap_text=True)
        for (top, left), (bottom, right) in _merges(block).items():
            sheet.merge_cells(
                start_row=r + top, start_column=left + 1, end_row=r + bottom, end_column=right + 1
            )
        r += len(block)
        r += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(str(path))
    return path


def to_pdf(docx_path: Path, folder: Path) -> Path:
    """The Word file as a text PDF, through LibreOffice headless."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice (libreoffice-writer-nogui) is needed to make the PDFs"
    profile = folder / "lo-profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / f"{docx_path.stem}.pdf"
