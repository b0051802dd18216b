"""The job in plain functions: load, store, analyse. Flows and the CLI compose these."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from models.costs import CostSettings, load_cost_settings
from models.errors import InvalidProcedure, Problem
from models.files import load_data_sources
from models.graph import ProcedureGraph, content_hash, graph_to_json, submitted_documents, to_graph
from models.measures import Measures, measures
from models.metrics import Metrics, measure
from models.procedure import DataSource, Procedure
from models.store import (
    Analysis,
    ProcedureVersion,
    VersionKind,
    get_or_create_procedure,
    latest_version,
    store_version,
)
from rules import RULES_VERSION, Rule, RuleContext
from rules.engine import Outcome, reengineer
from tthc.settings import Settings

__all__ = [
    "AnalysisRecord",
    "Inputs",
    "ProcedureAnalysis",
    "analysis_measures",
    "analyze",
    "import_procedures",
    "load_inputs",
    "rule_context",
    "signature",
    "store_analyses",
]


@dataclass(frozen=True)
class ProcedureAnalysis:
    """A procedure before and after re-engineering, with its measures."""

    before: ProcedureGraph
    outcome: Outcome
    rules_signature: str
    """The rules version and the codes of the rules applied."""

    @cached_property
    def metrics_before(self) -> Metrics:
        return measure(self.before)

    @cached_property
    def metrics_after(self) -> Metrics:
        return measure(self.outcome.after)

    @property
    def code(self) -> str:
        return str(self.before.graph["header"]["code"])

    @property
    def name(self) -> str:
        return str(self.before.graph["header"]["name"])

    def summary(self) -> dict[str, Any]:
        """The analysis as a JSON-ready document for scripts (`tthc analyze --json`)."""
        return {
            "code": self.code,
            "name": self.name,
            "before": self.metrics_before.model_dump(),
            "after": self.metrics_after.model_dump(),
            "changes": [asdict(change) for change in self.outcome.changes],
            "refused": [
                {**asdict(refusal.change), "guardrail": refusal.guardrail}
                for refusal in self.outcome.refused
            ],
            "dropped_documents": sorted(
                submitted_documents(self.before) - submitted_documents(self.outcome.after)
            ),
            "after_graph": graph_to_json(self.outcome.after),
        }


def rule_context(sources: Mapping[str, DataSource]) -> RuleContext:
    """The rules' view of the data-source registry."""
    return RuleContext(
        connected_sources=frozenset(s.id for s in sources.values() if s.connected),
        source_names={s.id: s.name for s in sources.values()},
    )


@dataclass(frozen=True)
class Inputs:
    """What an analysis rests on besides the graph and the rules: the data-source
    registry and the compliance-cost settings."""

    sources: Mapping[str, DataSource]
    costs: CostSettings

    @cached_property
    def context(self) -> RuleContext:
        return rule_context(self.sources)

    @cached_property
    def key(self) -> str:
        """A hash of the registry and the cost settings: a stored analysis made
        under another key is out of date."""
        document = {
            "sources": [self.sources[s].model_dump(mode="json") for s in sorted(self.sources)],
            "costs": self.costs.model_dump(mode="json"),
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def load_inputs(settings: Settings, connect: Collection[str] = ()) -> Inputs:
    """Read the registry and the cost settings named by `settings`; the sources in
    `connect` are taken as connected (a what-if)."""
    sources = load_data_sources(settings.data_sources_file)
    unknown = sorted(set(connect) - set(sources))
    if unknown:
        known = ", ".join(sorted(sources))
        problem = Problem(
            str(settings.data_sources_file), "data_sources", f"unknown {unknown}: use {known}"
        )
        raise InvalidProcedure([problem])
    sources = {
        key: source.model_copy(update={"connected": True}) if key in connect else source
        for key, source in sources.items()
    }
    return Inputs(sources, load_cost_settings(settings.cost_settings_file))


def analyze(G: ProcedureGraph, rules: list[Rule], context: RuleContext) -> ProcedureAnalysis:
    """Re-engineer procedure graph `G` and measure it before and after."""
    outcome = reengineer(G, rules, context)
    return ProcedureAnalysis(G, outcome, signature(rules))


def signature(rules: list[Rule]) -> str:
    """The rules version and the rules applied, with their non-default parameters."""
    return f"{RULES_VERSION}:" + ",".join(rule.signature for rule in rules)


def import_procedures(
    session: Session, procedures: Iterable[tuple[Path | str, Procedure]]
) -> list[tuple[ProcedureVersion, bool]]:
    """Store each procedure as an as-is version; an unchanged one stores nothing.

    Returns each procedure's current as-is version and whether it is new.
    The caller commits, so a batch lands whole or not at all.
    """
    results = []
    for source, procedure in procedures:
        record = get_or_create_procedure(
            session,
            code=procedure.code,
            name=procedure.name,
            level=procedure.level.value,
            essential=procedure.essential,
        )
        assert record.id is not None
        G = to_graph(procedure)
        digest = content_hash(G)
        latest = latest_version(session, record.id)
        if latest is not None and latest.content_hash == digest:
            results.append((latest, False))
            continue
        results.append(
            store_version(
                session,
                procedure_id=record.id,
                kind=VersionKind.as_is,
                graph=graph_to_json(G),
                content_hash=digest,
                parent_id=latest.id if latest else None,
                source=str(source),
            )
        )
    return results


def analysis_measures(G: ProcedureGraph, inputs: Inputs) -> Measures:
    """The report's measures of `G` under the cost settings and connected sources."""
    return measures(G, inputs.costs, inputs.context.connected_sources)


@dataclass(frozen=True)
class AnalysisRecord:
    """What the store keeps of an analysis: the proposal, the measures, the changes."""

    rules_signature: str
    after_graph: dict[str, Any]
    after_hash: str
    before: Measures
    after: Measures
    changes: list[dict[str, Any]]
    refused: list[dict[str, Any]]

    @classmethod
    def of(cls, analysis: ProcedureAnalysis, inputs: Inputs) -> AnalysisRecord:
        outcome = analysis.outcome
        return cls(
            rules_signature=analysis.rules_signature,
            after_graph=graph_to_json(outcome.after),
            after_hash=content_hash(outcome.after),
            before=analysis_measures(analysis.before, inputs),
            after=analysis_measures(outcome.after, inputs),
            changes=[asdict(change) for change in outcome.changes],
            refused=[{**asdict(r.change), "guardrail": r.guardrail} for r in outcome.refused],
        )


def store_analyses(
    session: Session,
    pairs: Sequence[tuple[ProcedureVersion, AnalysisRecord]],
    inputs_key: str,
) -> list[tuple[Analysis, bool]]:
    """Store the proposed version and the analysis of each version, unless already
    stored under the same rules and inputs (`Inputs.key`); return each analysis and
    whether it is new. A few statements a batch: what is stored already is found in one
    query each, and what is new is inserted together. The caller commits."""
    ids = [version.id for version, _ in pairs]
    existing: dict[tuple[int, str], Analysis] = {
        (a.before_version_id, a.rules_version): a
        for a in session.exec(
            select(Analysis).where(
                col(Analysis.before_version_id).in_(ids), Analysis.context_hash == inputs_key
            )
        )
    }
    proposals = {
        (v.parent_id, v.content_hash): v
        for v in session.exec(
            select(ProcedureVersion)
            .where(col(ProcedureVersion.parent_id).in_(ids))
            .where(ProcedureVersion.kind == VersionKind.proposed)
            .options(defer(ProcedureVersion.graph))  # type: ignore[arg-type]
        )
    }
    todo = [(v, r) for v, r in pairs if (v.id, r.rules_signature) not in existing]
    for version, record in todo:
        if (version.id, record.after_hash) not in proposals:
            proposals[version.id, record.after_hash] = ProcedureVersion(
                procedure_id=version.procedure_id,
                kind=VersionKind.proposed,
                graph=record.after_graph,
                content_hash=record.after_hash,
                parent_id=version.id,
                source=f"engine rules v{RULES_VERSION}",
            )
            session.add(proposals[version.id, record.after_hash])
    session.flush()
    created: dict[tuple[int, str], Analysis] = {}
    for version, record in todo:
        proposed = proposals[version.id, record.after_hash]
        assert version.id is not None and proposed.id is not None
        created[version.id, record.rules_signature] = Analysis(
            procedure_id=version.procedure_id,
            before_version_id=version.id,
            after_version_id=proposed.id,
            rules_version=record.rules_signature,
            context_hash=inputs_key,
            metrics_before=record.before.model_dump(),
            metrics_after=record.after.model_dump(),
            changes=record.changes,
            refused=record.refused,
        )
    session.add_all(created.values())
    session.flush()
    keys = [(v.id or 0, r.rules_signature) for v, r in pairs]
    return [(created[k], True) if k in created else (existing[k], False) for k in keys]
