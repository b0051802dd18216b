"""The analysis of one procedure: re-engineer it, measure it, and the one typed result
every output reads (the store, the diagrams, the review site, the report, the UI)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from analysis.approval import Approval, ApprovalLevel, approval
from models.costs import CostSettings
from models.graph import (
    Header,
    ProcedureGraph,
    copy_graph,
    document_hash,
    documents_of,
    graph_to_json,
    header_of,
    step_of,
    submitted_documents,
)
from models.measures import ChannelMix, Measures, measures
from models.metrics import Metrics, measure
from models.procedure import DataSource
from rules import RULES_VERSION, Change, Effect, Rule, RuleContext
from rules.edits import DropDocument, MergeSteps, SwitchChannel, edit_from_json, edit_to_json
from rules.engine import Outcome, Refusal, reengineer

__all__ = [
    "AnalysisResult",
    "DroppedDocument",
    "Inputs",
    "ProcedureAnalysis",
    "ProposedVersion",
    "ResultView",
    "analyze",
    "approval_from_json",
    "approval_to_json",
    "change_from_json",
    "change_to_json",
    "channel_variants",
    "dropped_documents",
    "refusal_from_json",
    "refusal_to_json",
    "rule_context",
    "signature",
]


def rule_context(sources: Mapping[str, DataSource]) -> RuleContext:
    """The rules' view of the data-source registry."""
    return RuleContext(
        connected_sources=frozenset(s.id for s in sources.values() if s.connected),
        source_names={s.id: s.name for s in sources.values()},
        hit_rates={s.id: s.hit_rate for s in sources.values()},
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
    def sources_key(self) -> str:
        """A hash of the data-source registry alone: a rejected change holds until it
        changes."""
        document = [self.sources[s].model_dump(mode="json") for s in sorted(self.sources)]
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()

    @cached_property
    def key(self) -> str:
        """A hash of the registry and the cost settings: a stored analysis made
        under another key is out of date."""
        document = {
            "sources": [self.sources[s].model_dump(mode="json") for s in sorted(self.sources)],
            "costs": self.costs.model_dump(mode="json"),
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class DroppedDocument:
    """A dossier component the applicant no longer submits: the rule whose change drops
    it and, when a connected data source holds it, that source's id."""

    document: str
    name: str
    rule: str
    source: str | None
    source_name: str | None = None


def dropped_documents(
    before: ProcedureGraph, outcome: Outcome, source_names: Mapping[str, str] | None = None
) -> tuple[DroppedDocument, ...]:
    """The documents `before` asks for and `outcome.after` no longer does, by document id:
    dropped by an edit (with the source that replaces it), or gone with the steps that
    asked for them (a never-run branch, a removed check). `source_names` names the
    sources (the registry's names)."""
    documents = documents_of(before)
    still_asked = submitted_documents(outcome.after)
    why: dict[str, tuple[str, str | None]] = {}
    for change in outcome.changes:
        for edit in change.edits:
            if isinstance(edit, DropDocument):
                why.setdefault(edit.document, (change.rule, edit.source))
        for node in change.removed_steps:
            for doc in step_of(before, node)["documents"] if node in before else ():
                why.setdefault(doc, (change.rule, documents[doc]["held_by"]))
    names = source_names or {}
    return tuple(
        DroppedDocument(doc, documents[doc]["name"], rule, source, names.get(source or ""))
        for doc, (rule, source) in sorted(why.items())
        if doc not in still_asked
    )


@dataclass(frozen=True)
class AnalysisResult:
    """What every output shows of an analysis: the procedure, its measures before and
    after, the changes made (with their edits), the proposals refused and the documents
    no longer asked for."""

    code: str
    name: str
    essential: int | None
    rules_signature: str
    before: Measures
    after: Measures
    changes: tuple[Change, ...]
    refused: tuple[Refusal, ...] = ()
    dropped_documents: tuple[DroppedDocument, ...] = ()
    code_status: str | None = None
    """`unconfirmed` or `not_tthc` when the code is not a confirmed national code."""
    approvals: tuple[Approval | None, ...] = ()
    """Who can approve each change, in the order of `changes` (None: stored by an engine
    that did not say)."""

    @property
    def proposals(self) -> tuple[tuple[Change, Approval | None], ...]:
        """Each change with who can approve it."""
        approvals = self.approvals or (None,) * len(self.changes)
        return tuple(zip(self.changes, approvals, strict=True))


class ResultView:
    """What a publication's entry (a site page, a report row) shows of its `result`."""

    result: AnalysisResult

    @property
    def code(self) -> str:
        return self.result.code

    @property
    def name(self) -> str:
        return self.result.name

    @property
    def essential(self) -> int | None:
        return self.result.essential

    @property
    def code_status(self) -> str | None:
        return self.result.code_status

    @property
    def before(self) -> Measures:
        return self.result.before

    @property
    def after(self) -> Measures:
        return self.result.after

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.result.changes

    @property
    def proposals(self) -> tuple[tuple[Change, Approval | None], ...]:
        return self.result.proposals

    @property
    def refused(self) -> tuple[Refusal, ...]:
        return self.result.refused


@dataclass(frozen=True)
class ProposedVersion:
    """The proposed procedure as the store keeps it: its graph (format v1) and hash."""

    graph: dict[str, Any] = field(compare=False)
    content_hash: str


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
    def header(self) -> Header:
        return header_of(self.before)

    @property
    def code(self) -> str:
        return self.header["code"]

    @property
    def name(self) -> str:
        return self.header["name"]

    def result(self, inputs: Inputs) -> AnalysisResult:
        """The typed result, measured under the cost settings and connected sources."""
        connected = inputs.context.connected_sources
        share = inputs.costs.online_share(self.code)
        before_online, after_offline = channel_variants(self.before, self.outcome)
        before_mix = ChannelMix(before_online, self.before, share.today)
        after_mix = ChannelMix(self.outcome.after, after_offline, share.target)
        return AnalysisResult(
            code=self.code,
            name=self.name,
            essential=self.header["essential"],
            rules_signature=self.rules_signature,
            before=measures(self.before, inputs.costs, connected, before_mix),
            after=measures(self.outcome.after, inputs.costs, connected, after_mix),
            changes=self.outcome.changes,
            refused=self.outcome.refused,
            dropped_documents=dropped_documents(
                self.before, self.outcome, inputs.context.source_names
            ),
            code_status=self.header["code_status"],
            approvals=tuple(approval(c, self.before) for c in self.outcome.changes),
        )

    def proposal(self) -> ProposedVersion:
        """The proposed procedure, ready to store."""
        document = graph_to_json(self.outcome.after)
        return ProposedVersion(document, document_hash(document))

    def summary(self, inputs: Inputs) -> dict[str, Any]:
        """The analysis as a JSON-ready document for scripts (`tthc analyze --json`): the
        step metrics, the report's measures (compliance cost, online readiness, value-added
        share, critical path) under `inputs`, the changes with their edits, the refusals,
        the documents no longer asked for, and the proposed procedure."""
        result = self.result(inputs)
        return {
            "code": self.code,
            "name": self.name,
            "before": self.metrics_before.model_dump(),
            "after": self.metrics_after.model_dump(),
            "measures": {"before": result.before.model_dump(), "after": result.after.model_dump()},
            "changes": [
                {**change_to_json(change), "approval": approval_to_json(decided)}
                for change, decided in result.proposals
            ],
            "refused": [refusal_to_json(r) for r in self.outcome.refused],
            "dropped_documents": sorted(
                submitted_documents(self.before) - submitted_documents(self.outcome.after)
            ),
            "after_graph": graph_to_json(self.outcome.after),
        }


def channel_variants(
    before: ProcedureGraph, outcome: Outcome
) -> tuple[ProcedureGraph, ProcedureGraph]:
    """The procedure as today's online applicants go through it (`before` with the channel
    switches of `outcome` only), and the proposal as those who still come in person go
    through it (`outcome.after` with those switches undone). A graph no switch changes
    is returned itself, not a copy."""
    switches = [
        edit
        for change in outcome.changes
        for edit in change.edits
        if isinstance(edit, SwitchChannel)
    ]
    merged_into = {
        edit.step: edit.into
        for change in outcome.changes
        for edit in change.edits
        if isinstance(edit, MergeSteps)
    }

    def now(step: str) -> str:
        while step in merged_into:
            step = merged_into[step]
        return step

    online, offline = before, outcome.after  # each copied before its first switch
    for edit in switches:
        if edit.step in online:
            if online is before:
                online = copy_graph(before)
            step_of(online, edit.step)["channel"] = edit.new.value
        if now(edit.step) in offline:
            if offline is outcome.after:
                offline = copy_graph(outcome.after)
            step_of(offline, now(edit.step))["channel"] = edit.old.value
    return online, offline


def analyze(G: ProcedureGraph, rules: list[Rule], context: RuleContext) -> ProcedureAnalysis:
    """Re-engineer procedure graph `G` and measure it before and after."""
    outcome = reengineer(G, rules, context)
    return ProcedureAnalysis(G, outcome, signature(rules))


def signature(rules: list[Rule]) -> str:
    """The rules version and the rules applied, with their non-default parameters."""
    return f"{RULES_VERSION}:" + ",".join(rule.signature for rule in rules)


def change_to_json(change: Change, *, edits: bool = True) -> dict[str, Any]:
    """A change as a JSON-ready document (as stored), its edits included unless not wanted."""
    document: dict[str, Any] = {
        "rule": change.rule,
        "steps": list(change.steps),
        "reason": change.reason,
        "reason_en": change.reason_en,
        "documents": list(change.documents),
        "removed_steps": list(change.removed_steps),
        "added_steps": list(change.added_steps),
        "effect": {
            "steps": change.effect.steps,
            "visits": change.effect.visits,
            "documents": change.effect.documents,
            "hours": change.effect.hours,
        },
    }
    if edits:
        document["edits"] = [edit_to_json(edit) for edit in change.edits]
    return document


def approval_to_json(decided: Approval | None) -> dict[str, Any] | None:
    """Who can approve a change, as stored beside it."""
    if decided is None:
        return None
    return {"level": decided.level.value, "legal_text": decided.legal_text}


def approval_from_json(document: Mapping[str, Any] | None) -> Approval | None:
    if document is None:
        return None
    return Approval(ApprovalLevel(document["level"]), document.get("legal_text"))


def change_from_json(document: Mapping[str, Any]) -> Change:
    """The change a stored document describes (stores written before edits existed
    give none)."""
    return Change(
        rule=document["rule"],
        steps=tuple(document["steps"]),
        reason=document["reason"],
        reason_en=document["reason_en"],
        documents=tuple(document.get("documents", ())),
        removed_steps=tuple(document.get("removed_steps", ())),
        added_steps=tuple(document.get("added_steps", ())),
        effect=Effect(**document.get("effect", {})),
        edits=tuple(edit_from_json(e) for e in document.get("edits", ())),
    )


def refusal_to_json(refusal: Refusal, *, edits: bool = True) -> dict[str, Any]:
    """A refused proposal as a JSON-ready document: its change and the guardrail."""
    return {**change_to_json(refusal.change, edits=edits), "guardrail": refusal.guardrail}


def refusal_from_json(document: Mapping[str, Any]) -> Refusal:
    """The refusal a stored document describes."""
    return Refusal(change_from_json(document), document["guardrail"])
