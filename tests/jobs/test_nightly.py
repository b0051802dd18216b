"""The nightly re-analysis's plain functions: what is out of date, and why."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from analysis.result import Inputs, signature
from inputs.registry import load_cost_settings, load_data_sources
from jobs.batches import analyse_versions, store_batch
from models.procedure import Procedure
from rules import get_rules
from store.engine import make_engine
from store.queries import current_results, import_procedures, outdated, previous_measures
from store.tables import Analysis
from tests.conftest import CATALOG, minimal_procedure

SOURCES = load_data_sources(CATALOG / "data_sources.yaml")
COSTS = load_cost_settings(CATALOG / "cost_settings.yaml")
INPUTS = Inputs(SOURCES, COSTS)
SIGNATURE = signature(get_rules())


def _import(session: Session, *documents: dict[str, object]) -> None:
    procedures = [(f"{i}.yaml", Procedure.model_validate(d)) for i, d in enumerate(documents)]
    import_procedures(session, procedures)
    session.commit()


def _night(
    session: Session, inputs: Inputs = INPUTS, rules_signature: str = SIGNATURE
) -> dict[str, str]:
    """One night's work: code → why it was re-analysed."""
    todo = outdated(session, rules_signature, inputs.key)
    analyses = list(analyse_versions(session, [t.version_id for t in todo], get_rules(), inputs))
    done = store_batch(session, analyses, inputs, {t.version_id: t for t in todo})
    session.commit()
    return {d.code: d.reason for d in done}


def test_a_second_night_with_nothing_changed_skips_everything(database_url: str) -> None:
    with Session(make_engine(database_url)) as session:
        _import(session, minimal_procedure(), minimal_procedure(code="9.000002"))
        assert _night(session) == {"9.999999": "new", "9.000002": "new"}
        assert _night(session) == {}
        assert len(current_results(session, SIGNATURE, INPUTS.key)) == 2


def test_a_changed_procedure_is_the_only_one_reanalysed(database_url: str) -> None:
    with Session(make_engine(database_url)) as session:
        _import(session, minimal_procedure(), minimal_procedure(code="9.000002"))
        _night(session)
        _import(session, minimal_procedure(code="9.000002", statutory_days=5))
        assert _night(session) == {"9.000002": "content"}
        assert _night(session) == {}


def test_new_rules_registry_or_cost_settings_reanalyse_everything(database_url: str) -> None:
    with Session(make_engine(database_url)) as session:
        _import(session, minimal_procedure(), minimal_procedure(code="9.000002"))
        _night(session)
        assert set(_night(session, rules_signature="5:all").values()) == {"rules"}
        cheaper = Inputs(SOURCES, COSTS.model_copy(update={"travel_vnd": 10_000}))
        assert set(_night(session, cheaper).values()) == {"inputs"}
        renamed = dict(SOURCES)
        renamed["land_db"] = SOURCES["land_db"].model_copy(update={"connected": True})
        assert set(_night(session, Inputs(renamed, COSTS)).values()) == {"inputs"}


def test_the_stored_measures_carry_cost_and_readiness(database_url: str) -> None:
    with Session(make_engine(database_url)) as session:
        _import(session, minimal_procedure())
        _night(session)
        [result] = current_results(session, SIGNATURE, INPUTS.key)
        assert result.code == "9.999999"
        before, after = result.before, result.after
        assert after.cost_per_dossier_vnd < before.cost_per_dossier_vnd
        assert after.full_online and not before.full_online
        assert after.critical_path
        assert result.changes and all(change.edits for change in result.changes)
        [dropped] = result.dropped_documents  # the ID card: the population database has it
        assert (dropped.document, dropped.source) == ("id_card", "population_db")
        assert dropped.name == "Bản sao CCCD" and dropped.source_name


def test_measures_stored_by_an_older_engine_do_not_stop_the_night(database_url: str) -> None:
    """Analyses stored before the measures had cost and readiness (fewer fields) are
    re-analysed; the summary just has no earlier figures for them."""
    with Session(make_engine(database_url)) as session:
        _import(session, minimal_procedure())
        _night(session)
        [analysis] = session.exec(select(Analysis)).all()
        old_shape = {k: analysis.metrics_after[k] for k in ("steps", "visits", "documents")}
        session.execute(
            update(Analysis)
            .where(col(Analysis.id) == analysis.id)
            .values(metrics_after=old_shape, context_hash="older inputs")
        )
        session.commit()
        assert previous_measures(session, [analysis.id or 0]) == {}
        assert _night(session) == {"9.999999": "inputs"}
