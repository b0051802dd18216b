"""The store on SQLite and on the real PostgreSQL server: immutable, never duplicated."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Text, cast, func
from sqlmodel import Session, select

from analysis.result import Inputs, analyze
from inputs.registry import load_cost_settings, load_data_sources
from models.errors import ImmutableVersion
from models.graph import graph_from_json, to_graph
from models.procedure import Procedure
from rules import get_rules
from store.analyses import EncodedAnalysis, store_analyses
from store.engine import make_engine
from store.queries import AnalysisRow, import_procedures
from store.tables import Analysis, ProcedureRecord, ProcedureVersion, VersionKind
from tests.conftest import CATALOG, minimal_procedure

COSTS = load_cost_settings(CATALOG / "cost_settings.yaml")


def _count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_reimport_stores_nothing_and_a_change_makes_a_child_version(database_url: str) -> None:
    engine = make_engine(database_url)
    original = Procedure.model_validate(minimal_procedure())
    changed = Procedure.model_validate(minimal_procedure(name="Thủ tục mẫu (sửa đổi)"))
    with Session(engine) as session:
        [(first, new)] = import_procedures(session, [("a.yaml", original)])
        session.commit()
        assert new
        [(again, new)] = import_procedures(session, [("a.yaml", original)])
        assert not new and again.id == first.id
        [(second, new)] = import_procedures(session, [("a.yaml", changed)])
        session.commit()
        assert new and second.parent_id == first.id
        assert _count(session, ProcedureRecord) == 1
        assert _count(session, ProcedureVersion) == 2
        record = session.exec(select(ProcedureRecord)).one()
        assert record.name == "Thủ tục mẫu (sửa đổi)"
        assert graph_from_json(first.graph).graph["header"]["name"] == "Thủ tục mẫu"


def test_versions_are_immutable(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        procedure = Procedure.model_validate(minimal_procedure())
        [(version, _)] = import_procedures(session, [("a.yaml", procedure)])
        session.commit()
        version.source = "tampered"
        with pytest.raises(ImmutableVersion, match="immutable"):
            session.commit()
        session.rollback()
        session.delete(version)
        with pytest.raises(ImmutableVersion):
            session.commit()
        session.rollback()
        assert session.get_one(ProcedureVersion, version.id).source == "a.yaml"


def test_analysis_stored_once_with_its_proposed_version(database_url: str) -> None:
    engine = make_engine(database_url)
    inputs = Inputs(load_data_sources(CATALOG / "data_sources.yaml"), COSTS)
    procedure = Procedure.model_validate(minimal_procedure())
    analysis = analyze(to_graph(procedure), get_rules(), inputs.context)
    with Session(engine) as session:
        [(version, _)] = import_procedures(session, [("a.yaml", procedure)])
        assert version.id is not None
        row = AnalysisRow.of(analysis.result(inputs))
        item = (version.id, EncodedAnalysis.of(row, analysis.proposal()))
        [first] = store_analyses(session, [item], inputs.key)
        session.commit()
        assert first.created
        [again] = store_analyses(session, [item], inputs.key)
        assert not again.created
        assert (again.id, again.after_version_id) == (first.id, first.after_version_id)
        assert again.metrics_after == first.metrics_after
        assert _count(session, Analysis) == 1
        stored = session.get_one(Analysis, first.id)
        assert stored.after_version_id == first.after_version_id
        assert stored.metrics_after == first.metrics_after == row.metrics_after
        assert (stored.metrics_before, stored.changes, stored.refused) == (
            row.metrics_before,
            row.changes,
            row.refused,
        )
        assert stored.dropped_documents == row.dropped_documents
        proposed = session.get_one(ProcedureVersion, stored.after_version_id)
        assert proposed.graph == analysis.proposal().graph
        assert proposed.kind == VersionKind.proposed and proposed.parent_id == version.id
        assert stored.metrics_after["steps"] < stored.metrics_before["steps"]
        assert [c["rule"] for c in stored.changes] == [c.rule for c in analysis.outcome.changes]
        unicode_name = session.get_one(ProcedureVersion, version.id).graph["name"]
        assert unicode_name == "Thủ tục mẫu"
        # the texts are what the JSON columns write themselves
        changes = select(cast(Analysis.changes, Text)).where(Analysis.id == stored.id)
        graph = select(cast(ProcedureVersion.graph, Text)).where(ProcedureVersion.id == proposed.id)
        assert session.exec(changes).one() == json.dumps(row.changes)
        assert session.exec(graph).one() == json.dumps(proposed.graph)
