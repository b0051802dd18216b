"""Importing office documents as a job: read the internal-process tables (and the portal
texts of the same procedures), write one draft file per procedure and the import report,
validate the drafts, and store them — all or nothing — when asked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from inputs.bpmn import BPMN_SUFFIXES, read_bpmn
from inputs.files import load_procedure
from inputs.office import DocumentImport, draft_yaml, read_office_document
from inputs.office.blocks import read_blocks
from inputs.office.portal import PORTAL_SUFFIXES, PortalRecord, apply_portal, read_portal
from models.errors import InvalidInput, InvalidProcedure, Problem, UnreadableDocument
from models.procedure import DataSource
from publishing.import_report import import_report
from store.engine import make_engine
from store.queries import import_procedures

__all__ = ["REPORT_NAME", "DraftRun", "draft_documents", "is_office_file"]

REPORT_NAME = "import-report.md"


def is_office_file(path: Path) -> bool:
    """A document this job reads (not a procedure file in format v1): an office document,
    a portal page, a BPMN model."""
    return path.suffix.lower() in (".docx", ".xlsx", ".pdf", *PORTAL_SUFFIXES, *BPMN_SUFFIXES)


@dataclass
class DraftRun:
    """What an import of office documents did."""

    documents: list[DocumentImport]
    files: dict[str, Path]
    """Each draft's code → the draft file written."""
    invalid: dict[str, list[Problem]]
    report: Path
    stored: list[tuple[str, bool]] = field(default_factory=list)
    """Each stored code and whether its version is new (empty unless asked to store)."""
    portal_unmatched: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Everything that stops the drafts being stored."""
        found = [p for doc in self.documents for p in doc.problems]
        return found + [p for problems in self.invalid.values() for p in problems]


def draft_documents(
    paths: Sequence[Path],
    out_dir: Path,
    sources: Mapping[str, DataSource],
    database_url: str | None = None,
) -> DraftRun:
    """Draft the procedures of `paths` into `out_dir` and write the report there; with
    `database_url`, store the drafts in one transaction if every one is valid (else
    raise `InvalidInput` with every problem, nothing stored).

    A draft file that exists with other content (an analyst's edits) is not overwritten:
    `UnreadableDocument` says so before anything is written."""
    records: list[PortalRecord] = []
    documents: list[DocumentImport] = []
    for path in paths:
        suffix = path.suffix.lower()
        blocks = read_blocks(path) if suffix == ".docx" else None  # read once: two readers
        record = read_portal(path) if suffix in PORTAL_SUFFIXES else None
        if record is None and blocks is not None:
            record = read_portal(path, quiet=True, blocks=blocks)
        if record is not None:
            records.append(record)
        elif suffix in BPMN_SUFFIXES:
            documents.append(read_bpmn(path))
        else:
            documents.append(read_office_document(path, blocks))
    drafts = [d for doc in documents for d in doc.drafts]
    unmatched = []
    for record in records:
        matched = [d for d in drafts if d.code.split("-")[0] == record.code]
        for draft in matched:
            apply_portal(draft, record, sources)
        if not matched:
            unmatched.append(f"{record.file} ({record.code})")
    texts = {d.code: draft_yaml(d) for d in drafts if d.document.get("steps")}
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {code: out_dir / f"{code}.yaml" for code in texts}
    edited = [
        p for code, p in targets.items() if p.exists() and p.read_text("utf-8") != texts[code]
    ]
    if edited:
        raise UnreadableDocument(
            [
                Problem(
                    str(p),
                    "file",
                    (
                        "a draft with other content is already there (edited by hand?); move it "
                        "away or import into another folder (--out)"
                    ),
                )
                for p in edited
            ]
        )
    invalid: dict[str, list[Problem]] = {}
    for code, target in targets.items():
        target.write_text(texts[code], encoding="utf-8")
        try:
            load_procedure(target, sources)
        except InvalidProcedure as error:
            invalid[code] = error.problems
    run = DraftRun(documents, targets, invalid, out_dir / REPORT_NAME, portal_unmatched=unmatched)
    if database_url is not None and not run.problems and targets:
        loaded = [(str(p), load_procedure(p, sources)) for p in targets.values()]
        with Session(make_engine(database_url)) as session:
            results = import_procedures(session, loaded)
            session.commit()
            run.stored = [(v.graph["code"], new) for v, new in results]
    report = import_report(documents, targets, invalid, bool(run.stored), unmatched)
    run.report.write_text(report, encoding="utf-8")
    if database_url is not None and run.problems:
        raise InvalidInput(run.problems)
    return run
