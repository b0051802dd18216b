"""An office document as a sequence of blocks: the lines of text and the tables, in the
order a reader meets them, whatever the file format (Word, Excel, a text PDF)."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.errors import Problem, UnreadableDocument

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "OFFICE_SUFFIXES",
    "Block",
    "Line",
    "Table",
    "read_blocks",
    "read_bytes",
]

MAX_DOCUMENT_BYTES = 50_000_000
"""A document larger than this is refused before it is opened (a decision with a
hundred procedures' tables is a few megabytes)."""
OFFICE_SUFFIXES = (".docx", ".xlsx", ".pdf")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An OLE compound file: an old .doc/.xls, or an encrypted .docx/.xlsx."""


@dataclass(frozen=True)
class Line:
    """A paragraph of text outside tables (a heading, a note, a total line)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table: its rows of cell texts (a merged cell repeats its text in every grid
    position it covers), numbered in the document from 1."""

    number: int
    rows: tuple[tuple[str, ...], ...]
    page: int | None = None
    """The PDF page it starts on; the Excel sheet's number for a workbook."""
    continued: frozenset[tuple[int, int]] = frozenset()
    """(row, column) of the cells that continue a vertically merged cell from the row
    above: the same cell, not a cell that says the same (a PDF leaves them empty)."""


Block = Line | Table


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise _refuse(path, "file", f"cannot be read ({error.strerror})") from error
    if not stat.S_ISREG(mode):
        raise _refuse(path, "file", "is not a regular file (a folder, a FIFO or a device)")
    with path.open("rb") as stream:
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _refuse(path, "file", f"is larger than {MAX_DOCUMENT_BYTES:,} bytes; split it")
    return data


def read_blocks(path: Path) -> list[Block]:
    """The lines and tables of a .docx, .xlsx or text .pdf file, in reading order."""
    suffix = path.suffix.lower()
    data = read_bytes(path)
    if suffix in (".docx", ".xlsx"):
        _check_package(path, data)
        return _docx_blocks(path, data) if suffix == ".docx" else _xlsx_blocks(path, data)
    if suffix == ".pdf":
        return _pdf_blocks(path, data)
    raise _refuse(path, "file", f"has the suffix '{suffix}'; give a .docx, .xlsx or .pdf document")


def _refuse(path: Path, where: str, message: str) -> UnreadableDocument:
    return UnreadableDocument([Problem(str(path), where, message)])


def _check_package(path: Path, data: bytes) -> None:
    kind = "Word" if path.suffix.lower() == ".docx" else "Excel"
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            path,
            "file",
            f"is password-protected or an old binary {kind} file (.doc/.xls): open it, "
            f"remove the password (File > Info > Protect) and save it as {path.suffix}",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(
            path,
            "file",
            f"is not a {kind} document (not an Office Open XML package); "
            f"open it in {kind} and save it as {path.suffix}",
        )


def _clean(text: str) -> str:
    """A cell's or paragraph's text: line breaks kept, other runs of spaces made one."""
    lines = (re.sub(r"[ \t\u00a0\u200b]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _unwrap(text: str) -> str:
    """A PDF cell's text: its lines are the layout's wrapping, joined with a space, except
    a line that starts an item of a list ('- ', '+ ', 'Trường hợp', 'Bước')."""
    lines = _clean(text).split("\n")
    out = lines[:1]
    for line in lines[1:]:
        if re.match(r"^([-+•*]|trường hợp|bước \d+\s*:)", line, re.IGNORECASE):
            out.append(line)
        else:
            out[-1] = f"{out[-1]} {line}"
    return "\n".join(out)


def _docx_blocks(path: Path, data: bytes) -> list[Block]:
    import docx
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds on a broken package
        raise _refuse(path, "file", f"is not a readable Word document ({error})") from error
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            rows = tuple(tuple(_clean(cell.text) for cell in row.cells) for row in item.rows)
            continued = frozenset(
                (r, c)
                for r, row in enumerate(item.rows)
                for c in _continued_columns(row._tr.tc_lst)
            )
            number = sum(isinstance(b, Table) for b in blocks) + 1
            blocks.append(Table(number, rows, None, continued))
        elif text := _clean(item.text):
            blocks.append(Line(text))
    return blocks


def _continued_columns(cells: list[Any]) -> Iterator[int]:
    """The grid columns of a Word table row whose cell continues a vertical merge."""
    column = 0
    for tc in cells:
        span = tc.grid_span
        if tc.vMerge == "continue":
            yield from range(column, column + span)
        column += span


def _xlsx_blocks(path: Path, data: bytes) -> list[Block]:
    """Each sheet: its name, then its rows; a run of rows under a row with several
    filled cells is a table, a row with one filled cell outside a table is a line."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises several kinds on a broken package
        raise _refuse(path, "file", f"is not a readable Excel workbook ({error})") from error
    blocks: list[Block] = []
    tables = 0
    for sheet_number, sheet in enumerate(workbook.worksheets, 1):
        grid = [
            [_clean(str(v)) if v is not None else "" for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for merged in sheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    grid[r - 1][c - 1] = top
        below = {
            (r - 1, c - 1)
            for merged in sheet.merged_cells.ranges
            for r in range(merged.min_row + 1, merged.max_row + 1)
            for c in range(merged.min_col, merged.max_col + 1)
        }
        blocks.append(Line(sheet.title))
        rows: list[tuple[str, ...]] = []
        first = 0
        for index, row in enumerate([*grid, []]):
            filled = [cell for cell in row if cell]
            if not rows:
                first = index
            if rows and not filled:
                tables += 1
                continued = frozenset((r - first, c) for r, c in below if first <= r < index)
                blocks.append(Table(tables, tuple(rows), sheet_number, continued))
                rows = []
            elif rows or len(set(filled)) > 1:
                rows.append(tuple(row))
            elif filled:
                blocks.append(Line(filled[0]))
    return blocks


def _pdf_blocks(path: Path, data: bytes) -> list[Block]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFSyntaxError) as error:
        why = (
            "is password-protected"
            if isinstance(error, PDFPasswordIncorrect)
            else ("is not a readable PDF")
        )
        raise _refuse(path, "file", f"{why}; give the file without a password") from error
    except Exception as error:  # pdfminer raises several kinds on a broken file
        if "password" in str(error).lower() or type(error).__name__ == "PdfminerException":
            raise _refuse(
                path,
                "file",
                "is password-protected or damaged; give the file without a "
                "password, as the office saved it",
            ) from error
        raise _refuse(path, "file", f"is not a readable PDF ({error})") from error
    with pdf:
        blocks = list(_pdf_pages(pdf))
    if not any(isinstance(b, Table) for b in blocks) and not any(
        isinstance(b, Line) for b in blocks
    ):
        raise _refuse(
            path,
            "file",
            f"has no text layer on its {len(pdf.pages)} page(s): it is a scanned image. "
            "Run OCR on it (e.g. `ocrmypdf`), or ask the office for the Word file",
        )
    return blocks


def _pdf_pages(pdf: object) -> Iterator[Block]:
    """Lines and tables page by page, top to bottom. A table that runs on to the next
    page comes as two tables; the reader of process tables joins them."""
    tables = 0
    for number, page in enumerate(pdf.pages, 1):  # type: ignore[attr-defined]
        found = page.find_tables()
        items: list[tuple[float, Block]] = []
        for table in found:
            tables += 1
            rows = tuple(tuple(_unwrap(cell or "") for cell in row) for row in table.extract())
            items.append((table.bbox[1], Table(tables, rows, number)))
        boxes = [t.bbox for t in found]

        def outside(obj: dict[str, float], boxes: list[tuple[float, ...]] = boxes) -> bool:
            x = (obj["x0"] + obj["x1"]) / 2
            y = (obj["top"] + obj["bottom"]) / 2
            return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

        text_page = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj))
        for line in text_page.extract_text_lines():
            if text := _clean(line["text"]):
                items.append((line["top"], Line(text)))
        yield from _rejoin([block for _, block in sorted(items, key=lambda item: item[0])])


def _rejoin(blocks: list[Block]) -> Iterator[Block]:
    """A PDF's lines with the wrapping of a paragraph undone: a line that starts in lower
    case or closes a bracket, or follows a hyphen at the end of the line before, belongs
    to that line ('… (mã số TEST-' + 'F3)')."""
    previous: Line | None = None
    for block in blocks:
        if isinstance(block, Line) and previous is not None:
            text = block.text
            if previous.text.endswith("-") and re.match(r"^[A-Z0-9]{1,12}\)?$", text):
                previous = Line(previous.text + text)
                continue
            if re.match(r"^[a-zà-ỹđ)]", text) and not re.match(r"^[a-zđ]\)\s", text):
                previous = Line(f"{previous.text} {text}")
                continue
        if previous is not None:
            yield previous
            previous = None
        if isinstance(block, Line):
            previous = block
        else:
            yield block
    if previous is not None:
        yield previous
