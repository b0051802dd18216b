"""Finding the internal-process tables (quy trình nội bộ) in a document's blocks, and the
procedure each belongs to: its heading, its variants and its per-level parts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from inputs.office.blocks import Block, Line, Table
from inputs.office.words import fold
from models.errors import Problem

__all__ = [
    "Column",
    "Found",
    "Part",
    "Row",
    "find_procedures",
]


class Column(StrEnum):
    """What a column of a process table holds, whatever its header says."""

    order = "order"
    content = "content"
    responsible = "responsible"
    time = "time"
    product = "product"
    online = "online"
    notes = "notes"


# Matched in this order on the folded header text; the first that matches names the
# column. 'Thứ tự công việc' is the order, 'Trình tự thực hiện' the content.
_HEADERS: tuple[tuple[Column, re.Pattern[str]], ...] = (
    (Column.order, re.compile(r"^(s?tt|thứ tự|bước(?!\s*\d)( thực hiện)?|các bước|số tt)\b")),
    (Column.time, re.compile(r"thời gian|thời hạn")),
    (Column.responsible, re.compile(r"trách nhiệm|đơn vị|người thực hiện|chủ trì|bộ phận")),
    (Column.online, re.compile(r"dịch vụ công|mức độ")),
    (Column.product, re.compile(r"sản phẩm|biểu mẫu|kết quả|hồ sơ, biểu mẫu|mẫu biểu")),
    (Column.notes, re.compile(r"ghi chú")),
    (Column.content, re.compile(r"nội dung|trình tự|công việc|mô tả|diễn giải|các bước")),
)
_REQUIRED = (Column.content, Column.responsible, Column.time)
_CODE = re.compile(r"(?<![\d.])([1-3]\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?)(?![\d])")
_NAMED_CODE = re.compile(
    r"(?i:\bmã(?: số)?(?: tthc| thủ tục)?)\s*:?\s*([A-Z0-9]+(?:[.-][A-Z0-9]+)+)"
)
"""A code the heading names as one ('mã số DV-THANH-TOAN'), when it is not national."""
_BARE_CODE = re.compile(r"^\d+[.)]\s*([A-Z0-9]+(?:[.-][A-Z0-9]+)+)\s*$")
"""A heading that is a number and a code only (an Excel sheet named '8. DV-THANH-TOAN')."""
_VARIANT = re.compile(r"^([a-zđ])\)\s*(.+)$")
_NUMBERED = re.compile(r"^(\d+(\.\d+)*[.)]|[IVX]+\.|thủ tục|tên thủ tục)\s*", re.IGNORECASE)
_LEVEL = re.compile(r"cấp (xã|huyện|tỉnh)|tại (ủy ban nhân dân|ubnd) (xã|huyện|tỉnh)")
_STEP_NUMBER = re.compile(r"(\d+)")
_OWN_NUMBER = re.compile(r"^\s*bước\s*(\d+)\s*[:.)-]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    """One step's row as the table gives it."""

    line: int
    """Its row in the table, counting from 1 at the table's first row."""
    number: int | None
    cells: dict[Column, str]
    continued: frozenset[Column] = frozenset()
    """Columns whose cell continues a vertically merged cell of the row above."""

    def __getitem__(self, column: Column) -> str:
        return self.cells.get(column, "")


@dataclass
class Part:
    """The rows of one procedure in one table (a sub-table for one level, or the whole)."""

    table: int
    header: tuple[str, ...]
    columns: dict[int, Column]
    level: str = ""
    """The level this part runs at, when a sub-heading says so ('cấp xã')."""
    rows: list[Row] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """The unit the time column's header gives its bare numbers ('ngày', 'giờ', '')."""
        index = next((i for i, c in self.columns.items() if c == Column.time), None)
        header = fold(self.header[index]) if index is not None else ""
        match = re.search(r"\((?:số\s+)?(ngày|giờ)[^)]*\)", header)
        return match.group(1) if match else ""


@dataclass
class Found:
    """A procedure found in the document: its heading and its process parts."""

    name: str
    code: str | None
    heading: str
    """The heading line the name and code were read from ('' when none was found)."""
    variant: str = ""
    field_: str = ""
    context: list[str] = field(default_factory=list)
    """Headings above it (the decision's sections): agency and level words."""
    parts: list[Part] = field(default_factory=list)
    total: tuple[str, str, str] | None = None
    """The total time as written and where ('table 2, row 9' or 'the line above')."""
    notes: list[str] = field(default_factory=list)


def _columns(row: Sequence[str]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    for index, text in enumerate(row):
        folded = fold(text)
        if not folded or len(folded) > 60 or (index > 0 and text == row[index - 1]):
            continue  # a header is short; a merged header repeats its neighbour
        for column, pattern in _HEADERS:
            if pattern.search(folded) and column not in found.values():
                found[index] = column
                break
    return found


def _header(table: Table) -> tuple[int, dict[int, Column]] | None:
    """The header row (index) of a process table and its columns, if it has one."""
    best: tuple[int, dict[int, Column]] | None = None
    for index, row in enumerate(table.rows[:4]):
        columns = _columns(row)
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    return best


def _all_one(row: Sequence[str]) -> str | None:
    """The text of a row whose filled cells all say the same (a merged title row)."""
    filled = {cell for cell in row if cell}
    return filled.pop() if len(filled) == 1 else None


def _title(lines: list[str]) -> tuple[str, str | None, str] | None:
    """The procedure's name, code and heading line among the lines above a table; a
    heading that is only a number and a code (an Excel sheet's name) takes its name from
    the line below it."""
    for at in range(len(lines) - 1, -1, -1):
        line = lines[at]
        folded = fold(line)
        if _VARIANT.match(folded) or folded.startswith(("tổng", "ghi chú", "- ", "+ ")):
            continue
        code = _CODE.search(line) or _NAMED_CODE.search(line) or _BARE_CODE.match(line)
        if code or (_NUMBERED.match(line) and not _LEVEL.search(folded)):
            name = _name_of(line, code.group(1) if code else None)
            if not name and at + 1 < len(lines):
                name, line = _name_of(lines[at + 1], None), f"{line} {lines[at + 1]}"
            return name, (code.group(1) if code else None), line
    return None


def _name_of(line: str, code: str | None) -> str:
    """'1. Thủ tục đăng ký khai sinh (mã số: 1.001193)' → 'Đăng ký khai sinh'."""
    text = line.splitlines()[0] if line else line
    if code:
        text = re.sub(
            rf"[(\[]?\s*(mã( số)?( tthc)?\s*[:.]?\s*)?{re.escape(code)}\s*[)\]]?",
            "",
            text,
            flags=re.IGNORECASE,
        )
    text = re.sub(r"^\s*(\d+(\.\d+)*\s*[.)]|[IVX]+\.)\s*", "", text)
    text = re.sub(r"^quy trình[^:\u201c\"]{0,80}:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(tên )?thủ tục( hành chính)?\s*[:.-]?\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^quy trình (nội bộ )?(giải quyết )?(thủ tục )?\s*", "", text, flags=re.I)
    text = text.strip(' -\u2013:;.,\u201c\u201d"')
    text = re.sub(r"^(tên )?thủ tục( hành chính)?\s*[:.-]?\s*", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


_PART = re.compile(
    r"^(?:[ivx]+[.)]?\s*)?(?:quy trình\s+(?:giải quyết|thực hiện|xử lý)?\s*)?(?:tại\s+)?"
    r"(?:cấp|ủy ban nhân dân|ubnd)\s+(?:xã|huyện|tỉnh)"
)
"""A sub-heading that opens the part of a process run at one level ('I. Quy trình giải
quyết tại cấp xã (03 ngày làm việc)')."""


def _level(text: str) -> str:
    """The level a part sub-heading names ('xã'), or ''."""
    if not _PART.match(fold(text)):
        return ""
    match = _LEVEL.search(fold(text))
    return next(g for g in match.groups() if g in ("xã", "huyện", "tỉnh")) if match else ""


def find_procedures(
    file: str, blocks: Sequence[Block]
) -> tuple[list[Found], list[Problem], list[str]]:
    """The procedures whose process tables `blocks` hold, the problems that stop a table
    being read, and the tables skipped as not process tables (for the report)."""
    found: list[Found] = []
    problems: list[Problem] = []
    skipped: list[str] = []
    lines: list[str] = []
    context: list[str] = []
    field_ = ""
    current: Found | None = None
    last_part: Part | None = None
    last_table: Table | None = None
    for block in blocks:
        if isinstance(block, Line):
            folded = fold(block.text)
            if folded.startswith("lĩnh vực") or re.match(r"^[ivx]+\.\s*lĩnh vực", folded):
                field_ = re.sub(
                    r"^([IVX]+\.\s*)?lĩnh vực\s*[:.-]?\s*", "", block.text, flags=re.IGNORECASE
                ).strip()
                field_ = field_[:1].upper() + field_[1:].lower()
            lines.append(block.text)
            continue
        head = _header(block)
        complete = head is not None and all(c in head[1].values() for c in _REQUIRED)
        continues = (
            not complete
            and last_part is not None
            and last_table is not None
            and block.page is not None
            and last_table.page is not None
            and block.page == last_table.page + 1
            and not _title(lines)
            and len(block.rows[0]) == len(last_table.rows[0])
        )
        if continues and last_part is not None and current is not None:
            start = 0
            order = next((i for i, c in last_part.columns.items() if c == Column.order), None)
            if last_part.rows and order is not None and not block.rows[0][order]:
                _join(last_part.rows[-1], block.rows[0], last_part.columns)  # a cell runs on
                start = 1
            _read_rows(block, start, last_part, current, found)
            current, last_table = found[-1], block
            last_part = current.parts[-1]
            continue
        if head is None:
            first = " | ".join(c for c in block.rows[0] if c)[:80] if block.rows else ""
            skipped.append(f"bảng {block.number} ({first or 'trống'})")
            lines.append("")
            continue
        index, columns = head
        missing = [c for c in _REQUIRED if c not in columns.values()]
        if missing:
            headers = [block.rows[index][i] for i in columns]
            problems.append(
                Problem(
                    file,
                    f"table {block.number}",
                    (
                        f"reads as a process table ({', '.join(headers)}) "
                        f"but has no column for {', '.join(_REQUIRED_WORDS[c] for c in missing)}; "
                        "give it a column with one of those headers"
                    ),
                )
            )
            continue
        above = [*lines, *(t for row in block.rows[:index] if (t := _all_one(row)))]
        title = _title(above)
        variant = next((m.group(0) for t in above if (m := _VARIANT.match(t.strip()))), "")
        level = next((t for t in above if _level(t) and not _CODE.search(t)), "")
        total = next((t for t in above if fold(t).startswith("tổng thời gian")), None)
        if title is not None or current is None or variant:
            name, code, heading = title or (
                (current.name, current.code, current.heading)
                if current is not None
                else ("", None, "")
            )
            if variant and title is not None and current is not None and code == current.code:
                name, heading = current.name, current.heading
            current = Found(name, code, heading, variant, field_, [*context, *lines])
            found.append(current)
        context.extend(lines)
        lines = []
        if total is not None:
            current.total = (total, "the line above the table", "")
        part = Part(block.number, block.rows[index], columns, _level(level))
        current.parts.append(part)
        last_part, last_table = part, block
        _read_rows(block, index + 1, part, current, found)
        current = found[-1]
        last_part = current.parts[-1]
    return found, problems, skipped


_REQUIRED_WORDS = {
    Column.content: "the work done (Nội dung công việc / Trình tự thực hiện)",
    Column.responsible: "who does it (Trách nhiệm thực hiện / Đơn vị thực hiện)",
    Column.time: "the time (Thời gian thực hiện)",
}


def _join(row: Row, more: Sequence[str], columns: dict[int, Column]) -> None:
    """Add the rest of a row that a page break cut (a PDF) to the row before it."""
    for index, column in columns.items():
        if index < len(more) and more[index]:
            row.cells[column] = f"{row.cells.get(column, '')} {more[index]}".strip()


def _read_rows(table: Table, start: int, part: Part, current: Found, found: list[Found]) -> None:
    """Read the step rows of `table` from row `start` into `part`; a variant row inside
    the table ('b) Giải thể') starts a new procedure, a level row a new part."""
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        cells = {column: row[i] for i, column in part.columns.items() if i < len(row)}
        joined = " ".join(c for c in row if c)
        if fold(joined).startswith("tổng") or any(
            fold(c).startswith("tổng thời gian") for c in row
        ):
            current.total = (
                cells.get(Column.time) or joined,
                f"table {table.number}, row {index + 1}",
                part.unit,
            )
            continue
        content = cells.get(Column.content, "") or _all_one(row) or ""
        others = (cells.get(Column.responsible, ""), cells.get(Column.time, ""))
        if content and all(fold(o) in ("", fold(content)) for o in others):
            variant = _VARIANT.match(content.strip())
            if variant:
                current = Found(
                    current.name,
                    current.code,
                    current.heading,
                    content.strip(),
                    current.field_,
                    current.context,
                )
                found.append(current)
                part = Part(table.number, part.header, part.columns)
                current.parts.append(part)
            elif _level(content):
                part = Part(table.number, part.header, part.columns, _level(content))
                current.parts.append(part)
            else:
                current.notes.append(
                    f"bảng {table.number}, dòng {index + 1}: '{content}' đọc là dòng tiêu đề phụ"
                )
            continue
        if not (cells.get(Column.content) or cells.get(Column.responsible)):
            continue
        number = _STEP_NUMBER.search(cells.get(Column.order, ""))
        if Column.order not in part.columns.values():  # 'Bước 2: Thẩm định hồ sơ' in the content
            number = _OWN_NUMBER.match(cells.get(Column.content, ""))
        continued = frozenset(
            column for i, column in part.columns.items() if (index, i) in table.continued
        )
        part.rows.append(Row(index + 1, int(number.group(1)) if number else None, cells, continued))
