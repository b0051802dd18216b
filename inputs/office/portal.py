"""The national portal's record of a procedure (Cổng Dịch vụ công quốc gia), saved as
text, HTML or Word: its header, fees per channel, legal basis and dossier components
(with the sentences saying a database replaces a paper), to fill a draft of the same
code."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inputs.office.blocks import Block, Line, Table, read_blocks, read_bytes
from inputs.office.drafts import Draft, slug
from inputs.office.words import fold
from models.errors import Problem, UnreadableDocument
from models.procedure import DataSource

__all__ = ["PORTAL_SUFFIXES", "PortalDocument", "PortalRecord", "apply_portal", "read_portal"]

PORTAL_SUFFIXES = (".txt", ".html", ".htm")

# The record's labels in the order the portal shows them; a label is looked for only
# after the one before it, so the same words inside a section do not cut it.
_LABELS = (
    ("name", "tên thủ tục"),
    ("code", "mã thủ tục"),
    ("decision", "số quyết định"),
    ("level", "cấp thực hiện"),
    ("type", "loại thủ tục"),
    ("field", "lĩnh vực"),
    ("who", "đối tượng thực hiện"),
    ("competent", "cơ quan có thẩm quyền"),
    ("steps", "trình tự thực hiện"),
    ("ways", "cách thức thực hiện"),
    ("dossier", "thành phần hồ sơ"),
    ("days", "thời hạn giải quyết"),
    ("basis", "căn cứ pháp lý"),
    ("agency", "cơ quan thực hiện"),
    ("conditions", "yêu cầu, điều kiện thực hiện"),
    ("result", "kết quả"),
    ("end", "chọn cơ quan thực hiện"),
)
_CHANNELS = ("trực tuyến", "trực tiếp", "dịch vụ bưu chính")
_NONE = "không có thông tin"
_DOC_HEADER = re.compile(r"tên giấy tờ\s*mẫu đơn,?\s*tờ khai\s*số lượng", re.IGNORECASE)
_COUNT_NEW = re.compile(r"(\d+)\s*bản\s*(chính|sao)", re.IGNORECASE)
_COUNT_OLD = re.compile(r"bản chính\s*:\s*(\d+)\s*[-\u2013,]\s*bản sao\s*:\s*(\d+)", re.IGNORECASE)
_ISSUERS = (
    "UBTVQH",
    "BLĐTBXH",
    "BNNPTNT",
    "BGDĐT",
    "BKHĐT",
    "BNNMT",
    "BTNMT",
    "BTTTT",
    "BVHTTDL",
    "BKHCN",
    "BGTVT",
    "NHNN",
    "VPCP",
    "TANDTC",
    "VKSNDTC",
    "BTC",
    "BTP",
    "BCA",
    "BCT",
    "BXD",
    "BYT",
    "BNV",
    "BQP",
    "BNG",
    "BDT",
    "TTg",
    "CP",
    "UBND",
    "HĐND",
    "QH",
)
_LEGAL_CODE = re.compile(
    r"(?<![\d.])\d{1,4}(?:\.\d+)?/\d{4}/(?:QH\d{2}|(?:NQ|NĐ|TTLT|TT|QĐ|CT)-(?:"
    + "|".join(_ISSUERS)
    + r")(?:-(?:"
    + "|".join(_ISSUERS)
    + r"|C\d{2}))*)"
)
_LEGAL_KINDS = (
    ("NQ-", "Nghị quyết"),
    ("NĐ-", "Nghị định"),
    ("TT", "Thông tư"),
    ("QH", "Luật"),
    ("QĐ-", "Quyết định"),
)
_REPLACED = re.compile(
    r"(khai thác|đã có trong|không phải (nộp|xuất trình)|không yêu cầu|tự kiểm tra"
    r"|dữ liệu điện tử)",
    re.IGNORECASE,
)
_SOURCES = (
    ("hộ tịch", "civil_status_db"),
    ("dân cư", "population_db"),
    ("cư trú", "population_db"),
    ("căn cước", "population_db"),
    ("đăng ký doanh nghiệp", "business_db"),
    ("bảo hiểm", "social_insurance_db"),
    ("giấy phép lái xe", "driving_licence_db"),
    ("phương tiện giao thông", "vehicle_db"),
    ("đất đai", "land_db"),
    ("giấy chứng sinh", "health_db"),
    ("lý lịch tư pháp", "judicial_record_db"),
    ("văn bằng", "education_db"),
    ("thuế", "tax_db"),
)
"""Words of a database's name → its id in the data-source registry."""


@dataclass(frozen=True)
class PortalDocument:
    """A dossier component as the portal lists it."""

    name: str
    copies: int
    case: str
    present: bool
    """Listed under 'Giấy tờ phải xuất trình': an original shown, not handed in."""
    replaced_by: str | None
    """The registry id of the database the text says holds it, if any."""
    sentence: str
    """The words that say so."""


@dataclass
class PortalRecord:
    """What the portal says of one procedure."""

    file: str
    code: str
    sections: dict[str, str]
    fees: dict[str, int] = field(default_factory=dict)
    days: float | None = None
    legal_basis: list[str] = field(default_factory=list)
    documents: list[PortalDocument] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)

    def section(self, key: str) -> str:
        text = self.sections.get(key, "").strip(" :.\n")
        return "" if fold(text) == _NONE else text


def _text(path: Path, blocks: Sequence[Block] | None) -> str:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        parts = []
        for block in read_blocks(path) if blocks is None else blocks:
            if isinstance(block, Line):
                parts.append(block.text)
            elif isinstance(block, Table):
                parts += [" ".join(dict.fromkeys(c for c in row if c)) for row in block.rows]
        return "\n".join(parts)
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        why = f"is not UTF-8 text (byte {error.start}); save the page again as UTF-8"
        raise UnreadableDocument([Problem(str(path), "file", why)]) from error
    if suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(io.StringIO(text), "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        text = soup.get_text("\n")
    return text


def _sections(text: str) -> dict[str, str]:
    lower = text.lower()
    found: list[tuple[int, int, str]] = []
    at = 0
    for key, label in _LABELS:
        where = lower.find(label, at)
        if where >= 0:
            found.append((where, where + len(label), key))
            at = where + len(label)
    return {
        key: text[end : found[i + 1][0] if i + 1 < len(found) else len(text)].strip()
        for i, (_, end, key) in enumerate(found)
    }


def read_portal(
    path: Path, quiet: bool = False, blocks: Sequence[Block] | None = None
) -> PortalRecord | None:
    """The portal record in `path` (a Word file's `blocks` when already read); with
    `quiet`, None when the file is not one (a Word file may be a decision instead)."""
    text = _text(path, blocks)
    sections = _sections(text)
    code = re.search(r"[1-3]\.\d{6}", sections.get("code", ""))
    if code is None or "dossier" not in sections:
        if quiet:
            return None
        raise UnreadableDocument(
            [
                Problem(
                    str(path),
                    "document",
                    (
                        "is not a national portal record: it has no 'Mã thủ tục' with a "
                        "code and no 'Thành phần hồ sơ'; save the procedure's page from "
                        "dichvucong.gov.vn"
                    ),
                )
            ]
        )
    record = PortalRecord(str(path), code.group(0), sections)
    record.fees, record.days = _ways(sections.get("ways", ""))
    record.legal_basis = _basis(sections.get("basis", ""))
    record.documents, record.cases = _dossier(sections["dossier"])
    return record


def _amount(text: str) -> int | None:
    if "miễn phí" in fold(text) and not re.search(r"\d[\d.,]*\s*(việt nam )?đồng", fold(text)):
        return 0
    money = re.search(r"(\d[\d.,]*)\s*(?:việt nam\s*)?đồng", text, re.IGNORECASE)
    return int(re.sub(r"[.,]", "", money.group(1))) if money else None


def _ways(text: str) -> tuple[dict[str, int], float | None]:
    """Fees per channel and the processing time, from 'Cách thức thực hiện'."""
    lower = text.lower()
    starts = sorted((i, c) for c in _CHANNELS for i in [m.start() for m in re.finditer(c, lower)])
    fees: dict[str, int] = {}
    days: float | None = None
    for n, (start, channel) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        chunk = text[start + len(channel) : end]
        amount = (
            _amount(chunk.split("(")[0])
            if _amount(chunk.split("(")[0]) is not None
            else (_amount(chunk))
        )
        key = {"trực tuyến": "online", "trực tiếp": "in_person"}.get(channel, "post")
        if amount is not None:
            fees.setdefault(key, amount)
        time = re.match(r"\s*(\d+(?:[.,]\d+)?)\s*ngày", chunk, re.IGNORECASE)
        if time and days is None:
            days = float(time.group(1).replace(",", "."))
    return fees, days


def _basis(text: str) -> list[str]:
    found: list[str] = []
    for code in dict.fromkeys(_LEGAL_CODE.findall(text)):
        kind = next((k for marker, k in _LEGAL_KINDS if marker in code.split("/")[-1]), "Văn bản")
        found.append(f"{kind} {code}")
    return found


def _dossier(text: str) -> tuple[list[PortalDocument], list[str]]:
    """The components by case: a case's name stands before each 'Tên giấy tờ …' header."""
    parts = _DOC_HEADER.split(text)
    cases: list[str] = []
    documents: list[PortalDocument] = []
    case = parts[0].strip(" *:\n")
    for body in parts[1:]:
        label = case
        cases.append(label)
        present = "xuất trình" in fold(label)
        old = list(_COUNT_OLD.finditer(body))
        items: list[tuple[str, int]] = []
        last = 0
        if old:
            for match in old:
                items.append(
                    (body[last : match.start()], int(match.group(1)) + int(match.group(2)))
                )
                last = match.end()
        else:
            for match in _COUNT_NEW.finditer(body):
                items.append((body[last : match.start()], int(match.group(1))))
                last = match.end()
        case = body[last:].strip(" *:\n")
        for words, copies in items:
            documents.append(_document(words, copies, label, present))
    return documents, cases


def _document(words: str, copies: int, case: str, present: bool) -> PortalDocument:
    text = " ".join(words.split()).strip(" -+;.")
    replaced, sentence = None, ""
    for part in re.split(r"(?<=[.;])\s+", text):
        if _REPLACED.search(part) and ("dữ liệu" in fold(part) or "căn cước" in fold(part)):
            folded = fold(part)
            source = min(
                ((folded.find(w), ident) for w, ident in _SOURCES if w in folded),
                default=(0, None),
            )[1]
            if source is not None:
                replaced, sentence = source, part
                break
    name = re.split(r"(?<=[.;])\s+", text)[0].strip(" .;")
    return PortalDocument(name, copies, case, present, replaced, sentence)


def apply_portal(draft: Draft, record: PortalRecord, sources: Mapping[str, DataSource]) -> None:
    """Fill `draft` from the portal record of its code: header fields the table does not
    give, fees, legal basis, and the dossier components of the first case on the
    applicant's submission, each with the database that replaces it when the text says
    so and the registry knows it."""
    document = draft.document
    where = f"Cổng DVC ({Path(record.file).name})"
    if level := record.section("level"):
        value = {"xã": "commune", "huyện": "district", "tỉnh": "province"}.get(
            fold(level).split(",")[0].replace("cấp", "").strip(), document["level"]
        )
        document["level"] = value
        draft.read.append(f"{where}: cấp thực hiện '{level}'")
    for key, label in (("field", "lĩnh vực"), ("agency", "cơ quan thực hiện")):
        value = record.section(key) or (record.section("competent") if key == "agency" else "")
        if value:
            document[key] = value.splitlines()[0][:300]
            draft.read.append(f"{where}: {label} '{document[key]}'")
            draft.confirm[:] = [c for c in draft.confirm if not c.startswith(label)]
    if record.fees:
        document["fees_vnd"] = {
            "in_person": record.fees.get("in_person", record.fees.get("post", 0)),
            "online": record.fees.get("online", record.fees.get("in_person", 0)),
        }
        draft.read.append(
            f"{where}: phí, lệ phí trực tiếp {document['fees_vnd']['in_person']:,} "
            f"đồng, trực tuyến {document['fees_vnd']['online']:,} đồng".replace(",", ".")
        )
        draft.confirm[:] = [c for c in draft.confirm if not c.startswith("phí, lệ phí")]
        draft.defaulted[:] = [c for c in draft.defaulted if not c.startswith("phí, lệ phí")]
    if record.days is not None and abs(record.days - document["statutory_days"]) > 0.01:
        draft.confirm.append(
            f"{where}: thời hạn giải quyết {record.days:g} ngày làm việc, bảng quy trình "
            f"{document['statutory_days']:g} ngày: xác nhận"
        )
    document["legal_basis"] = list(dict.fromkeys([*document["legal_basis"], *record.legal_basis]))
    if record.legal_basis:
        draft.read.append(f"{where}: căn cứ pháp lý {', '.join(record.legal_basis)}")
    _documents(draft, record, sources, where)


def _typical(record: PortalRecord) -> tuple[list[PortalDocument], list[str]]:
    """The components of a typical dossier, and the cases left out.

    Groups headed 'Giấy tờ phải nộp' / 'Giấy tờ phải xuất trình' are parts of one
    dossier; otherwise each group is a case (a situation with its own dossier) and the
    first is taken. A component that opens with 'Trường hợp …' applies only in that case,
    and notes ('Lưu ý') are not components."""
    parts = any(fold(c).startswith("giấy tờ phải") for c in record.cases)
    first = record.cases[0] if record.cases else ""
    chosen = [
        d
        for d in record.documents
        if d.copies > 0
        and not fold(d.name).startswith(("trường hợp", "lưu ý"))
        and (not fold(d.case).startswith("lưu ý") if parts else d.case == first)
    ]
    others = [] if parts else [c for c in dict.fromkeys(record.cases) if c != first]
    return chosen, others


def _documents(
    draft: Draft, record: PortalRecord, sources: Mapping[str, DataSource], where: str
) -> None:
    chosen, others = _typical(record)
    if others:
        draft.confirm.append(
            f"{where}: {len(others) + 1} trường hợp hồ sơ; bản nháp lấy trường hợp đầu "
            f"('{record.cases[0][:80]}'), mỗi trường hợp khác cần một tệp riêng"
        )
    documents: dict[str, dict[str, Any]] = draft.document.setdefault("documents", {})
    submit = draft.document["steps"][0]
    submitted: list[str] = submit.setdefault("documents", [])
    for item in chosen:
        ident = base = slug(item.name, "giay_to")
        n = 1
        while ident in documents:
            n += 1
            ident = f"{base}_{n}"
        entry: dict[str, Any] = {"name": item.name[:300], "copies": item.copies}
        if item.present:
            entry["physical"] = True
        if item.replaced_by and item.replaced_by in sources:
            entry["held_by"] = item.replaced_by
            draft.read.append(
                f"{where}: '{item.name[:60]}' có trong {sources[item.replaced_by].name} "
                f"(câu: '{item.sentence[:160]}')"
            )
        documents[ident] = entry
        submitted.append(ident)
    if chosen:
        draft.read.append(f"{where}: {len(chosen)} thành phần hồ sơ nộp ở bước đầu")
    if not submitted:
        del submit["documents"]
    if not documents:
        del draft.document["documents"]
    else:  # keep the documents before the steps, as the format's files write them
        steps, flows = draft.document.pop("steps"), draft.document.pop("flows")
        draft.document.update(documents=draft.document.pop("documents"), steps=steps, flows=flows)
