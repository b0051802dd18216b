"""Word documents as Vietnamese administrative documents are set (Decree 30/2020/NĐ-CP):
A4 portrait, margins 2/2/3/2 cm, Times New Roman 13 pt (14 pt titles), tables with
borders and a header row repeated on every page, figures at a legible width. Built
with python-docx; saved under a temporary name and renamed."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image as PILImage

from diagrams.figures import write_atomically

__all__ = [
    "FONT",
    "TEXT_WIDTH_CM",
    "caption",
    "figure",
    "heading",
    "new_document",
    "save",
    "table",
    "title",
]

FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.0
"""A4 less the 3 cm and 2 cm side margins."""
_PAGE_HEIGHT_CM = 22.0
"""The height of an image part: A4 less the margins, a heading and a caption."""


def _use_font(element: object, size: float | None = None) -> None:
    """Times New Roman for every script (Word picks the East Asian font for some
    Vietnamese characters unless told)."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        rpr.get_or_add_sz().set(qn("w:val"), str(int(size * 2)))


def new_document() -> WordDocument:
    """An empty A4 portrait document in the official typeface."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    _use_font(normal.element)
    spacing = normal.paragraph_format
    spacing.space_after = Pt(4)
    spacing.line_spacing = 1.1
    return document


def title(document: WordDocument, text: str, size: float = 14) -> Paragraph:
    """A centred bold title line."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    return paragraph


def heading(document: WordDocument, text: str, italic: bool = False) -> Paragraph:
    """A bold (or bold italic) section heading in the body's typeface."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.bold = True
    run.italic = italic
    return paragraph


def table(
    document: WordDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    bold_last: bool = False,
    numbers_from: int | None = None,
) -> Table:
    """A bordered table, its header row repeated on every page; text 12 pt; the columns
    from `numbers_from` on hold figures, aligned right."""
    grid: Table = document.add_table(rows=1 + len(rows), cols=len(header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the table grid: what LibreOffice lays out by
    head = grid.rows[0]
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for r, (line, values) in enumerate(zip(grid.rows, [header, *rows], strict=True)):
        bold = r == 0 or (bold_last and r == len(rows))
        for c, (cell, value) in enumerate(zip(line.cells, values, strict=True)):
            cell.width = Cm(widths_cm[c])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(2)
            if r == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numbers_from is not None and c >= numbers_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(value)
            run.bold = bold
            run.font.size = Pt(12)
    return grid


def figure(document: WordDocument, path: Path, text: str) -> None:
    """An image at the text's width, so that its words stay legible; one taller than a
    page is cut, where it has the fewest strokes, into parts of a page each."""
    parts = _page_parts(path)
    for number, part in enumerate(parts, 1):
        document.add_picture(io.BytesIO(part), width=Cm(TEXT_WIDTH_CM))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption(document, text if len(parts) == 1 else f"{text} ({number}/{len(parts)})")


def _page_parts(path: Path) -> list[bytes]:
    with PILImage.open(path) as opened:
        image = opened.convert("RGB")
    width, height = image.size
    page = int(width * _PAGE_HEIGHT_CM / TEXT_WIDTH_CM)
    grey = image.convert("L")

    def strokes(y: int) -> int:
        return sum(grey.crop((0, y, width, y + 1)).histogram()[:128])

    cuts = [0]
    while height - cuts[-1] > page:
        end = cuts[-1] + page
        cuts.append(min(range(end - page // 5, end), key=strokes))
    cuts.append(height)
    parts = []
    for top, bottom in itertools.pairwise(cuts):
        buffer = io.BytesIO()
        image.crop((0, top, width, bottom)).save(buffer, format="PNG", compress_level=1)
        parts.append(buffer.getvalue())
    return parts


def caption(document: WordDocument, text: str) -> Paragraph:
    """A centred italic line."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).italic = True
    return paragraph


def save(document: WordDocument, path: Path) -> None:
    """Write `document` to `path` under a temporary name, then rename it."""
    buffer = io.BytesIO()
    document.save(buffer)
    write_atomically(path, buffer.getvalue())
