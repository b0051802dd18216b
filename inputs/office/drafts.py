"""A found procedure made into a draft procedure (format v1) and the account of how:
what was read, what was inferred, what was defaulted, what the analyst must confirm."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from inputs.office.tables import Column, Found
from inputs.office.words import Time, actor_kind, fold, read_time, step_kind
from models.errors import Problem
from models.graph import HEADER_FIELDS
from models.procedure import HOURS_PER_DAY, ActorKind, StepKind

__all__ = ["ONE_STOP_FORMS", "Draft", "draft_of", "slug"]

ONE_STOP_FORMS = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "06": "Sổ theo dõi hồ sơ",
}
"""The one-stop forms of Circular 01/2018/TT-VPCP (Mẫu số 01 to 06), which internal-process
tables cite by number."""

MAIN_BRANCH = 0.9
"""The share of dossiers a decision read from a table sends on the main way (defaulted:
a table gives no shares; the analyst confirms them)."""

_GOTO = re.compile(
    r"\(?\s*chuyển\s+(?:(?:sang|đến|tới|về|lại)\s+)?bước\s+(?:số\s+)?(\d+)\s*\)?", re.I
)
_CASE = re.compile(r"(?:^|(?<=[\n;:.\-])\s*)(trường hợp[^:;\n]*)", re.IGNORECASE)
"""A case that opens a clause ('- Trường hợp hồ sơ đủ điều kiện: …'), not one inside a
sentence ('… đối với trường hợp tiếp nhận sau 15 giờ')."""
_INCOMPLETE = (
    "bổ sung",
    "hoàn thiện",
    "chưa đầy đủ",
    "không đầy đủ",
    "không hợp lệ",
    "chưa hợp lệ",
)
_FORM = re.compile(r"(mẫu(?: số)?\s*0?(\d{1,2})\b|bm\s*[-.]?\s*(\d{1,3}))", re.IGNORECASE)
_LEVELS = {"xã": "commune", "huyện": "district", "tỉnh": "province"}


def slug(text: str, fallback: str) -> str:
    """An id from Vietnamese words: 'Giấy chứng nhận' → 'giay_chung_nhan'."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", ascii_)
    return "_".join(words)[:40].strip("_") or fallback


def _time(cell: str, unit: str) -> Time | None:
    """A time cell; a bare number takes the unit the column's header gives."""
    bare = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*", cell)
    if bare and unit:
        return read_time(f"{bare.group(1)} {unit}")
    return read_time(cell)


def _step_name(content: str) -> str:
    """The step's name: its content on one line, without the go-to links and without a
    'Bước n:' it starts with."""
    text = _one_line(_GOTO.sub("", content)).strip(" ;.")
    return re.sub(r"^bước\s*\d+\s*[:.)-]?\s*", "", text, flags=re.IGNORECASE)


def _vi(where: str) -> str:
    """'table 2, row 5' as the report says it: 'bảng 2, dòng 5'."""
    return (
        where.replace("the line above the table", "dòng phía trên bảng")
        .replace("table", "bảng")
        .replace("row", "dòng")
    )


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", "; ", text).strip(" ;")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Draft:
    """A draft procedure and how it was made."""

    file: str
    found: Found
    code: str
    document: dict[str, Any]
    steps_read: int
    read: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    defaulted: list[str] = field(default_factory=list)
    confirm: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    place: str = ""
    """Where in its file the draft comes from, when not from tables ('process …')."""

    @property
    def where(self) -> str:
        if self.place:
            return self.place
        tables = ", ".join(str(t) for t in dict.fromkeys(p.table for p in self.found.parts))
        return f"table {tables}"

    @property
    def where_vi(self) -> str:
        """`where` as the drafts and the report say it ('bảng 3')."""
        return self.where.replace("table", "bảng")


def _code(found: Found) -> tuple[str, bool]:
    """The draft's code and whether it is the national one as written."""
    base = found.code or f"BANG-{found.parts[0].table}"
    letter = found.variant[:1].upper().replace("Đ", "D") if found.variant else ""
    return (f"{base}-{letter}" if letter else base), bool(found.code) and not letter


def draft_of(file: str, found: Found, decision: str = "") -> Draft:
    """The draft of `found`; rows that cannot be read become problems naming the row."""
    code, national = _code(found)
    document: dict[str, Any] = {}
    draft = Draft(file, found, code, document, 0)
    rows = [(part, row) for part in found.parts for row in part.rows]
    name = found.name or f"Thủ tục trong bảng {found.parts[0].table}"
    if found.variant:
        variant = re.sub(r"^[a-zđ]\)\s*", "", found.variant.strip())
        name = f"{name} \u2013 {variant}" if name else variant
        draft.inferred.append(f"trường hợp '{found.variant}' → thủ tục riêng, mã {code}")
    draft.inferred += found.notes
    if found.name:
        draft.read.append(f"tên: '{found.heading}'")
    else:
        draft.confirm.append("không thấy tiêu đề thủ tục phía trên bảng: nhập tên thủ tục")
    if not national:
        draft.confirm.append(f"mã {code} là mã tạm: nhập mã thủ tục trên Cổng DVC quốc gia")
    document.update(code=code, name=_short(_one_line(name), 500))
    if not national:
        document["code_status"] = "unconfirmed"

    actors: dict[str, dict[str, Any]] = {}
    if not any(actor_kind(row[Column.responsible])[0] == ActorKind.applicant for _, row in rows):
        actors["applicant"] = {"name": "Tổ chức, cá nhân", "kind": "applicant"}
    actor_ids: dict[str, str] = {}
    kinds: Counter[str] = Counter()

    def actor_of(text: str, where: str, level: str) -> str:
        label = _short(_one_line(text), 300) or "Chưa xác định"
        key = fold(label).rstrip(" .;,")
        if key in actor_ids:
            return actor_ids[key]
        kind, words = actor_kind(label)
        kinds[kind] += 1
        base = _ACTOR_IDS[kind]
        ident = base if kinds[kind] == 1 else f"{base}_{kinds[kind]}"
        actors[ident] = {"name": label, "kind": kind.value, "_agency": _agency_of(label, level)}
        actor_ids[key] = ident
        why = f"từ '{words}'" if words else "mặc định, không thấy từ chỉ vai trò"
        (draft.inferred if words else draft.confirm).append(
            f"{_vi(where)}: '{label}' → {_KIND_WORDS[kind]} ({why})"
        )
        return ident

    steps: list[dict[str, Any]] = []
    numbers: dict[int, str] = {}
    total_hours = 0.0
    for part, row in rows:
        where = f"table {part.table}, row {row.line}"
        content = row[Column.content] or row[Column.responsible]
        time = _time(row[Column.time], part.unit)
        if Column.time in row.continued:
            time = Time(0.0, "")
            draft.confirm.append(
                f"{_vi(where)}: ô thời gian gộp với dòng trên: thời gian tính "
                "cả ở dòng đầu của ô gộp, bước này 0"
            )
        elif time is None and row[Column.time].strip():
            draft.problems.append(
                Problem(
                    file,
                    where,
                    (
                        f"the time '{_one_line(row[Column.time])}' cannot be read; write it as "
                        "'0,5 ngày làm việc', '02 giờ' or 'Không tính thời gian'"
                    ),
                )
            )
            continue
        if time is None:
            time = Time(0.0, "")
            draft.confirm.append(f"{_vi(where)}: không ghi thời gian → 0; nhập thời gian của bước")
        elif time.assumed:
            draft.confirm.append(f"{_vi(where)}: '{time.words}': {time.assumed}")
        actor = actor_of(row[Column.responsible], where, part.level)
        kind_of_actor = ActorKind(actors[actor]["kind"])
        kind, words = step_kind(content, kind_of_actor)
        ident = f"buoc_{row.number}" if row.number is not None else f"dong_{part.table}_{row.line}"
        later = [p for p in found.parts if p.rows].index(part)
        if later:  # a later level's part numbers its steps from 1 again
            ident = f"phan{later + 1}_{ident}"
        base, n = ident, 1
        while any(s["id"] == ident for s in steps):
            n += 1
            ident = f"{base}_{n}"
        step: dict[str, Any] = {
            "id": ident,
            "name": _short(_step_name(content) or "(không ghi)", 300),
            "actor": actor,
            "kind": kind.value,
        }
        if kind_of_actor == ActorKind.applicant or (
            kind in (StepKind.return_, StepKind.pay) and kind_of_actor == ActorKind.one_stop
        ):
            step["channel"] = "in_person"
            draft.defaulted.append(f"{_vi(where)}: kênh 'trực tiếp' (bảng không ghi kênh)")
        if time.hours is not None:
            total_hours += time.hours
            if "ngày" in time.words:
                step["days"] = round(time.hours / HOURS_PER_DAY, 4)
            else:
                step["hours"] = round(time.hours, 4)
        produced = _products(row[Column.product], draft, where)
        if produced:
            key = "documents" if kind_of_actor == ActorKind.applicant else "produces"
            step[key] = list(produced)
            document.setdefault("documents", {}).update(produced)
        draft.inferred.append(
            f"{_vi(where)}: bước '{_short(step['name'], 60)}' → {_STEP_WORDS.get(kind, kind.value)}"
            + (f" (từ '{words}')" if words else " (mặc định theo vai trò)")
            + f"; thời gian {time.words or '0'}"
        )
        step["_row"] = (row, where)
        if row.number is not None:
            numbers.setdefault(row.number, ident)
        steps.append(step)
    draft.steps_read = len(steps)
    if not steps:
        draft.problems.append(Problem(file, draft.where, "has no step rows under its header"))
        return draft
    _header(draft, found, decision, total_hours, actors)
    flows = _flows(draft, steps, numbers, actors)
    for step in steps:
        step.pop("_row", None)
        for key in ("documents", "produces"):
            if key in step:
                step[key] = [_doc_id(document, name) for name in step[key]]
    if "documents" in document:
        document["documents"] = {
            _doc_id(document, name): {"name": name} for name in document["documents"]
        }
    document.pop("_ids", None)
    documents = document.pop("documents", None)
    ordered = {k: document.pop(k) for k in HEADER_FIELDS if k in document}
    document.clear()
    document.update(ordered, actors=actors)
    if documents:
        document["documents"] = documents
    document.update(steps=steps, flows=flows)
    return draft


def _doc_id(document: dict[str, Any], name: str) -> str:
    ids: dict[str, str] = document.setdefault("_ids", {})
    if name not in ids:
        base = slug(name, "giay_to")
        ident, n = base, 1
        while ident in ids.values():
            n += 1
            ident = f"{base}_{n}"
        ids[name] = ident
    return ids[name]


def _products(cell: str, draft: Draft, where: str) -> dict[str, dict[str, Any]]:
    """The forms and results a 'Sản phẩm / Biểu mẫu' cell names, by their names."""
    produced: dict[str, dict[str, Any]] = {}
    for item in re.split(r"[;\n]+", cell):
        item = item.strip(" -+•.,")
        if not item or fold(item) in ("không", "-", "x"):
            continue
        forms = list(_FORM.finditer(item))
        for form in forms:
            if form.group(2):
                number = form.group(2).zfill(2)
                known = ONE_STOP_FORMS.get(number)
                label = f"Mẫu số {number}" + (f" \u2013 {known}" if known else "")
                if known:
                    draft.inferred.append(
                        f"{_vi(where)}: 'Mẫu {form.group(2)}' → {label} (Thông tư 01/2018/TT-VPCP)"
                    )
            else:
                label = f"Biểu mẫu BM{form.group(3).zfill(2)}"
            produced.setdefault(label, {"name": label})
        rest = _FORM.sub("", item).strip(" ,;-/()")
        if (rest and not forms) or len(rest) > 12:
            label = _short(rest[:1].upper() + rest[1:], 300)
            produced.setdefault(label, {"name": label})
    return produced


def _header(
    draft: Draft,
    found: Found,
    decision: str,
    total_hours: float,
    actors: dict[str, dict[str, Any]],
) -> None:
    document = draft.document
    levels = [p.level for p in found.parts if p.level]
    level_word = levels[-1] if levels else ""
    if not level_word:
        for text in (
            found.heading,
            *reversed(found.context),
            *(a["name"] for a in actors.values()),
        ):
            match = re.search(r"(cấp|ubnd|ủy ban nhân dân) (xã|huyện|tỉnh)", fold(text))
            if match:
                level_word = match.group(2)
                break
            if re.search(r"\bsở\b|giám đốc sở", fold(text)):
                level_word = "tỉnh"
                break
    if level_word:
        document["level"] = _LEVELS[level_word]
        draft.inferred.append(f"cấp thực hiện: cấp {level_word} (từ các dòng tiêu đề, bảng)")
    else:
        document["level"] = "province"
        draft.confirm.append("cấp thực hiện: mặc định cấp tỉnh; xác nhận")
    document["field"] = found.field_ or "Chưa xác định"
    (draft.read if found.field_ else draft.confirm).append(
        f"lĩnh vực: {found.field_}" if found.field_ else "lĩnh vực: chưa có; nhập lĩnh vực"
    )
    _agencies(draft, actors)
    summed = round(total_hours / HOURS_PER_DAY, 2)
    if found.total is not None:
        text, where, unit = found.total
        time = _time(text, unit)
        if time is None or time.hours is None:
            draft.problems.append(
                Problem(
                    draft.file,
                    where,
                    (
                        f"the total '{_one_line(text)}' cannot be read; write it as "
                        "'Tổng thời gian giải quyết: 10 ngày làm việc'"
                    ),
                )
            )
            document["statutory_days"] = summed
        else:
            days = round(time.hours / HOURS_PER_DAY, 2)
            document["statutory_days"] = days
            draft.read.append(f"tổng thời gian: {_days(days)} ({_vi(where)})")
            if abs(days - summed) > 0.01:
                draft.confirm.append(
                    f"tổng thời gian ghi {_days(days)} ({_vi(where)}) nhưng cộng các bước được "
                    f"{_days(summed)}: sửa bảng hoặc thời gian từng bước"
                )
    else:
        document["statutory_days"] = summed
        draft.inferred.append(
            f"thời hạn giải quyết: {_days(summed)} (cộng các bước; bảng không có dòng tổng)"
        )
    document["annual_volume"] = 0
    draft.defaulted.append("số hồ sơ/năm: 0")
    draft.confirm.append("số hồ sơ/năm: nhập số liệu của năm trước (để tính chi phí tuân thủ)")
    document["fees_vnd"] = {"in_person": 0, "online": 0}
    draft.defaulted.append("phí, lệ phí: 0 đồng")
    draft.confirm.append("phí, lệ phí: nhập theo Cổng DVC quốc gia")
    document["legal_basis"] = [decision] if decision else []
    if decision:
        draft.read.append(f"căn cứ: {decision}")


_COMMUNE = "Ủy ban nhân dân cấp xã"
_SO = re.compile(r"\bSở\s+((?:[^\W\d_]+\s*){1,6}?)(?=$|[,;.()\-\u2013]|\s+(?:tại|cấp|các)\b)", re.I)


def _agency_of(label: str, level: str) -> str:
    """The agency an actor's cell names ('Văn thư Sở Y tế' → 'Sở Y tế'; 'Lãnh đạo UBND xã,
    phường' → the commune People's Committee), else the one its part's level runs at."""
    folded = fold(label)
    if re.search(r"(ubnd|ủy ban nhân dân)\s*(cấp\s*)?(xã|phường)|\bxã, phường|\bcấp xã", folded):
        return _COMMUNE
    if match := _SO.search(label):
        words = match.group(1).strip()
        return f"Sở {words[:1].upper()}{words[1:]}"
    return _COMMUNE if level == "xã" else ""


def _agencies(draft: Draft, actors: dict[str, dict[str, Any]]) -> None:
    """The procedure's agency (the commune committee at commune level; at province level
    the department its staff name most) and the agency of each actor of another one: a
    hand-over between agencies is a legal act, never removed as a mere carry."""
    document = draft.document
    guesses = {i: a.pop("_agency", "") for i, a in actors.items()}
    staff = {i: g for i, g in guesses.items()
             if g and actors[i]["kind"] not in ("applicant", "one_stop")}  # fmt: skip
    named = Counter(fold(g) for g in staff.values() if g.startswith("Sở"))
    if document["level"] == "commune":
        own = _COMMUNE
    elif named:
        top = named.most_common(1)[0][0]
        own = next(g for g in staff.values() if fold(g) == top)
    else:
        own = {"district": "Ủy ban nhân dân cấp huyện"}.get(document["level"], "Chưa xác định")
    document["agency"] = own
    if own == "Chưa xác định":
        draft.confirm.append("cơ quan thực hiện: chưa xác định; nhập cơ quan thực hiện")
    else:
        draft.inferred.append(f"cơ quan thực hiện: '{own}' (từ tên người thực hiện, cấp)")
        draft.confirm.append(f"cơ quan thực hiện: '{own}' là suy ra; xác nhận")
    for ident, agency in staff.items():
        if fold(agency) != fold(own):
            actors[ident]["agency"] = agency
            draft.inferred.append(
                f"'{actors[ident]['name']}' làm việc thuộc thẩm quyền của {agency}: chuyển hồ sơ "
                "giữa hai cơ quan là một hành vi pháp lý, không bị bỏ"
            )


def _days(days: float) -> str:
    text = f"{days:g}".replace(".", ",")
    return f"{text} ngày làm việc"


def _flows(
    draft: Draft,
    steps: list[dict[str, Any]],
    numbers: dict[int, str],
    actors: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The flows: row after row; a 'Chuyển bước n' that is not the next row and the
    cases ('Trường hợp …') that lead to it make a decision; a receiving step that asks
    for completion gets the completion loop; the applicant's submission first."""
    flows: list[dict[str, Any]] = []
    if actors[steps[0]["actor"]]["kind"] != ActorKind.applicant.value:
        applicant = next(
            (i for i, a in actors.items() if a["kind"] == ActorKind.applicant.value), None
        )
        if applicant is None:
            applicant = "applicant"
            actors[applicant] = {"name": "Tổ chức, cá nhân", "kind": "applicant"}
        steps.insert(
            0,
            {
                "id": "nop_ho_so",
                "name": "Nộp hồ sơ",
                "actor": applicant,
                "kind": "submit",
                "channel": "in_person",
                "_row": None,
            },
        )
        draft.defaulted.append(
            "bước 'Nộp hồ sơ' của tổ chức, cá nhân (trực tiếp) thêm vào đầu quy trình: bảng "
            "bắt đầu từ khi cơ quan tiếp nhận"
        )
    extra: list[dict[str, Any]] = []
    for index, step in enumerate(steps):
        following = steps[index + 1]["id"] if index + 1 < len(steps) else None
        row_where = step.get("_row")
        text = row_where[0][Column.content] if row_where else ""
        where = row_where[1] if row_where else ""
        targets = [int(n) for n in _GOTO.findall(text)]
        jumps = [n for n in dict.fromkeys(targets) if numbers.get(n) not in (following, step["id"])]
        unknown = [n for n in jumps if n not in numbers]
        if unknown:
            draft.problems.append(
                Problem(
                    draft.file,
                    where,
                    (
                        f"'Chuyển bước {unknown[0]}' names a step the table does not have; "
                        "correct the step number"
                    ),
                )
            )
            jumps = [n for n in jumps if n in numbers]
        if jumps:
            gate = f"{step['id']}_re_nhanh"
            flows.append({"from": step["id"], "to": gate})
            extra.append(
                {"id": gate, "name": "Trường hợp nào?", "actor": step["actor"], "kind": "decide"}
            )
            cases = _CASE.findall(text)
            branches = [
                (numbers[n], _short(_case_for(text, n) or f"Chuyển bước {n}", 100)) for n in jumps
            ]
            if following is not None:
                number = next((n for n, i in numbers.items() if i == following), None)
                label = _case_for(text, number) if number is not None else ""
                branches.insert(0, (following, _short(label or "Các trường hợp còn lại", 100)))
            share = round((1 - MAIN_BRANCH) / max(1, len(branches) - 1), 4)
            for i, (target, label) in enumerate(branches):
                probability = MAIN_BRANCH if i == 0 and len(branches) > 1 else share
                if len(branches) == 1:
                    probability = 1.0
                flows.append(
                    {"from": gate, "to": target, "when": label, "probability": probability}
                )
            _balance(flows, gate)
            draft.inferred.append(
                f"{_vi(where)}: 'Chuyển bước {', '.join(map(str, jumps))}'"
                + (f" và {len(cases)} trường hợp" if cases else "")
                + " → bước rẽ nhánh; tỷ lệ các nhánh là mặc định, xác nhận"
            )
            continue
        if (
            step["kind"] == "receive"
            and actors[step["actor"]]["kind"] == "one_stop"
            and any(w in fold(text) for w in _INCOMPLETE)
            and following is not None
            and not any(s.get("_loop") for s in steps)
        ):
            step["_loop"] = True
            gate, redo = f"{step['id']}_du_chua", f"{step['id']}_bo_sung"
            submitter = (
                steps[0]["actor"]
                if actors[steps[0]["actor"]]["kind"] == "applicant"
                else next(i for i, a in actors.items() if a["kind"] == "applicant")
            )
            extra.append(
                {
                    "id": gate,
                    "name": "Hồ sơ đầy đủ, hợp lệ?",
                    "actor": step["actor"],
                    "kind": "decide",
                }
            )
            extra.append(
                {
                    "id": redo,
                    "name": "Bổ sung, hoàn thiện hồ sơ",
                    "actor": submitter,
                    "kind": "submit",
                    "channel": "in_person",
                }
            )
            flows += [
                {"from": step["id"], "to": gate},
                {"from": gate, "to": following, "when": "Đầy đủ", "probability": MAIN_BRANCH},
                {
                    "from": gate,
                    "to": redo,
                    "when": "Chưa đầy đủ",
                    "probability": round(1 - MAIN_BRANCH, 4),
                },
                {"from": redo, "to": step["id"]},
            ]
            draft.inferred.append(
                f"{_vi(where)}: tiếp nhận có yêu cầu bổ sung, hoàn thiện → vòng bổ sung hồ sơ "
                f"(tỷ lệ đầy đủ {MAIN_BRANCH:.0%} là mặc định)"
            )
            continue
        if following is not None:
            flows.append({"from": step["id"], "to": following})
        case = _CASE.search(text)
        if case and not targets:
            draft.confirm.append(
                f"{_vi(where)}: bước có nhiều trường hợp ('{_short(case.group(1), 60)}'); "
                "đọc thành một bước, xác nhận các nhánh"
            )
    for step in steps:
        step.pop("_loop", None)
    steps.extend(extra)
    return flows


def _case_for(text: str, number: int) -> str:
    """The 'Trường hợp …' clause that leads to step `number`."""
    for sentence in re.split(r"[;\n]|(?=-\s*trường hợp)", text, flags=re.IGNORECASE):
        if re.search(rf"bước\s+(?:số\s+)?{number}\b", sentence, re.IGNORECASE):
            case = _CASE.search(_GOTO.sub("", sentence))
            if case:
                return case.group(1).strip(" ,.-")
    return ""


def _balance(flows: list[dict[str, Any]], gate: str) -> None:
    """Make a decision's shares sum to 1 exactly."""
    out = [f for f in flows if f["from"] == gate]
    rest = round(1 - sum(f["probability"] for f in out[1:]), 4)
    out[0]["probability"] = rest


_ACTOR_IDS = {
    ActorKind.applicant: "applicant",
    ActorKind.one_stop: "desk",
    ActorKind.specialist: "specialist",
    ActorKind.leader: "leader",
    ActorKind.external_agency: "agency",
    ActorKind.system: "system",
}
_KIND_WORDS = {
    ActorKind.applicant: "tổ chức, cá nhân",
    ActorKind.one_stop: "bộ phận một cửa",
    ActorKind.specialist: "công chức, chuyên viên",
    ActorKind.leader: "lãnh đạo",
    ActorKind.external_agency: "cơ quan khác",
    ActorKind.system: "hệ thống",
}
_STEP_WORDS = {
    StepKind.submit: "nộp",
    StepKind.receive: "tiếp nhận",
    StepKind.check: "kiểm tra hồ sơ",
    StepKind.transfer: "chuyển",
    StepKind.appraise: "thẩm định",
    StepKind.verify: "xác minh",
    StepKind.approve: "phê duyệt",
    StepKind.sign: "ký",
    StepKind.issue: "vào sổ, phát hành",
    StepKind.pay: "nộp phí",
    StepKind.return_: "trả kết quả",
    StepKind.notify: "thông báo",
    StepKind.wait: "chờ",
}
