"""The job as plain functions: analyse batches of stored versions (in worker processes)
and store them. Flows, the CLI and the benchmarks compose these.

A procedure's analysis is current when it was made of the procedure's latest
as-is version, under the same rules signature and the same inputs key (the
data-source registry and the cost settings); `store.queries.outdated` finds the
others.
"""

from __future__ import annotations

import atexit
import functools
import json
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from sqlmodel import Session

from analysis.result import AnalysisResult, Inputs, analyze
from diagrams.figures import DiagramFiles, diagram_files, write_diagrams
from models.graph import Header, graph_from_json
from models.measures import Measures
from publishing.ui_pages import Reanalysed
from rules import RULES_VERSION, ChangeKey, Rule
from store.analyses import EncodedAnalysis, store_analyses, version_documents
from store.queries import AnalysisRow, Outdated, previous_measures
from store.reviews import rejections

__all__ = [
    "PARALLEL_FROM",
    "Analysed",
    "analyse_versions",
    "store_batch",
]


@dataclass(frozen=True)
class Analysed:
    """A stored as-is version re-engineered: its analysis and proposal as the store writes
    them, where its diagrams are, and its procedure's header (annual volume, statutory
    time…)."""

    version_id: int
    encoded: EncodedAnalysis
    diagrams: DiagramFiles
    header: Header

    @cached_property
    def row(self) -> AnalysisRow:
        """The analysis as its row stores it, read back where it is read: a worker
        process sends the row's JSON text alone, cheap to send and stored as it is."""
        return self.encoded.row()

    @cached_property
    def result(self) -> AnalysisResult:
        """The typed result, rebuilt where it is read."""
        header = self.header
        return self.row.result(header["code"], header["name"], header["essential"])


PARALLEL_FROM = 40
"""Batches smaller than this are analysed in this process."""


def analyse_versions(
    session: Session,
    version_ids: Sequence[int],
    rules: list[Rule],
    inputs: Inputs,
    workers: int = 1,
    out_dir: Path | None = None,
    scenario: str = "",
) -> Iterator[Analysed]:
    """Load and re-engineer stored as-is versions, in `workers` processes; with
    `out_dir`, render their diagrams there too (marked with `scenario`, a scenario's
    label, when given). Writes nothing to the store.

    The work starts at once and the results come in order; with several workers the
    caller can store one batch while the next is analysed.
    """
    documents = version_documents(session, version_ids)
    held = _rejected(session, version_ids, rules, inputs)
    jobs = [(vid, documents[vid], held.get(vid, frozenset())) for vid in version_ids]
    work = functools.partial(
        _analyse, rules=rules, inputs=inputs, out_dir=out_dir, scenario=scenario
    )
    if workers < 2 or len(jobs) < PARALLEL_FROM:
        return iter([work(job) for job in jobs])
    return _pool(workers).map(work, jobs, chunksize=max(1, len(jobs) // (4 * workers)))


def _rejected(
    session: Session, version_ids: Sequence[int], rules: list[Rule], inputs: Inputs
) -> dict[int, frozenset[ChangeKey]]:
    """Version → the changes reviewers rejected that still hold: the procedure (this very
    version), the data-source registry, the rules version and the rule are unchanged."""
    current = {rule.code: rule.signature for rule in rules}
    return {
        version_id: frozenset(
            key
            for key, rule_signature, rules_version in found
            if rules_version.split(":", 1)[0] == str(RULES_VERSION)
            and current.get(key[0]) == rule_signature
        )
        for version_id, found in rejections(session, version_ids, inputs.sources_key).items()
    }


def _analyse(
    job: tuple[int, str, frozenset[ChangeKey]],
    rules: list[Rule],
    inputs: Inputs,
    out_dir: Path | None,
    scenario: str,
) -> Analysed:
    """Analyse one version, its graph given as the JSON text stored."""
    version_id, document, rejected = job
    context = replace(inputs.context, rejected=rejected) if rejected else inputs.context
    analysis = analyze(graph_from_json(json.loads(document)), rules, context)
    drawn = out_dir and write_diagrams(out_dir, analysis, scenario=scenario)
    files = drawn or diagram_files(analysis.code, analysis.header["essential"])
    encoded = EncodedAnalysis.of(AnalysisRow.of(analysis.result(inputs)), analysis.proposal())
    return Analysed(version_id, encoded, files, analysis.header)


@functools.cache
def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool of worker processes for the life of this process (started by forkserver:
    forking a process that runs Prefect's threads is not safe)."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
    atexit.register(pool.shutdown)
    return pool


def store_batch(
    session: Session,
    analysed: Sequence[Analysed],
    inputs: Inputs,
    reasons: dict[int, Outdated] | None = None,
) -> list[Reanalysed]:
    """Store a batch of analyses; the caller commits. Returns what changed for each."""
    reasons = reasons or {}
    items = [(a.version_id, a.encoded) for a in analysed]
    stored_all = store_analyses(session, items, inputs.key)
    whys = [reasons.get(a.version_id) for a in analysed]
    previous = previous_measures(session, [w.previous for w in whys if w and w.previous])
    done = []
    for item, stored, why in zip(analysed, stored_all, whys, strict=True):
        done.append(
            Reanalysed(
                code=item.header["code"],
                name=item.header["name"],
                reason=why.reason if why else "new",
                analysis_id=stored.id,
                previous=previous.get(why.previous) if why and why.previous else None,
                current=Measures.model_validate(stored.metrics_after),
                created=stored.created,
            )
        )
    return done
