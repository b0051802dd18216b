"""A decision stored: the approved version with its audit fields, once per proposal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session, func, select

from analysis.result import Inputs, signature
from analysis.review import Decision, ReviewDecision, Verdict
from flows.tasks import publish_site
from inputs.files import load_procedure
from inputs.registry import load_cost_settings, load_data_sources, load_plan_settings
from jobs.batches import analyse_versions, store_batch
from jobs.plans import write_plans
from jobs.review import decide, reviewed_results, version_diffs
from rules import get_rules
from store.engine import make_engine
from store.queries import (
    analysed_since,
    current_results,
    import_procedures,
    outdated,
    version_graph,
)
from store.reviews import current_versions, reviews_of
from store.tables import ProcedureVersion, VersionKind
from tests.conftest import CATALOG

INPUTS = Inputs(
    load_data_sources(CATALOG / "data_sources.yaml"),
    load_cost_settings(CATALOG / "cost_settings.yaml"),
)
BIRTH = CATALOG / "essential" / "09-dang-ky-khai-sinh.yaml"


def _proposed(session: Session) -> tuple[int, list[Decision]]:
    """Import and analyse the birth registration; return its as-is version and a review
    that rejects the removal of the transfers and accepts the rest."""
    ((version, _),) = import_procedures(session, [("b.yaml", load_procedure(BIRTH))])
    session.commit()
    assert version.id is not None
    version_id = version.id
    analysed = list(analyse_versions(session, [version_id], get_rules(), INPUTS))
    store_batch(session, analysed, INPUTS)
    session.commit()
    (result,) = current_results(session, analysed[0].row.rules_signature, INPUTS.key)
    decisions = [
        Decision(c.key, Verdict.reject if c.rule == "ST01" else Verdict.accept, "cần bước này")
        for c in result.changes
    ]
    return version_id, decisions


def test_a_decision_stores_the_approved_version_with_its_audit(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        version_id, decisions = _proposed(session)
        review = ReviewDecision("Trần Thị B", "đồng ý phần còn lại", datetime.now(UTC),
                                tuple(decisions))  # fmt: skip
        outcome = decide(session, version_id, review, get_rules(), INPUTS, tmp_path)
        assert outcome.created and outcome.rejected == 2 and outcome.not_applied == ()
        assert outcome.diagrams is not None
        assert (tmp_path / "approved" / outcome.diagrams.after_svg).is_file()
        graph = version_graph(session, "1.001193", outcome.approved_version_id)
        assert graph is not None
        steps = {step["id"] for step in graph["steps"]}
        assert {"transfer", "transfer_back"} <= steps  # rejected: kept
        submit = next(step for step in graph["steps"] if step["id"] == "submit")
        assert submit["channel"] == "online"  # accepted: made
        (record,) = reviews_of(session, "1.001193")
        assert (record.reviewer, record.comment) == ("Trần Thị B", "đồng ý phần còn lại")
        assert record.as_is_version_id == version_id
        assert [d["verdict"] for d in record.decisions].count("reject") == 2
        assert all(d["applied"] for d in record.decisions if d["verdict"] == "accept")
        assert record.sources_hash == INPUTS.sources_key

        count = select(func.count()).select_from(ProcedureVersion)
        before = session.exec(count).one()
        again = ReviewDecision("Người khác", "", datetime.now(UTC), tuple(
            Decision(d.key, Verdict.accept) for d in decisions))  # fmt: skip
        second = decide(session, version_id, again, get_rules(), INPUTS, tmp_path)
        assert not second.created and second.approved_version_id == outcome.approved_version_id
        assert session.exec(count).one() == before
        assert len(reviews_of(session, "1.001193")) == 1
        kinds = session.exec(select(ProcedureVersion.kind)).all()
        assert sorted(kinds) == sorted([VersionKind.as_is, VersionKind.proposed,
                                        VersionKind.approved])  # fmt: skip
    engine.dispose()


def _night(session: Session, inputs: Inputs) -> set[str]:
    """One night's re-analysis under `inputs`; the rules of the changes it proposes."""
    signature_ = signature(get_rules())
    todo = outdated(session, signature_, inputs.key)
    analysed = list(analyse_versions(session, [t.version_id for t in todo], get_rules(), inputs))
    store_batch(session, analysed, inputs, {t.version_id: t for t in todo})
    session.commit()
    (result,) = current_results(session, signature_, inputs.key)
    return {change.rule for change in result.changes}


def test_a_rejected_change_is_not_proposed_again_until_the_registry_changes(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        version_id, decisions = _proposed(session)
        review = ReviewDecision("Trần Thị B", "", datetime.now(UTC), tuple(decisions))
        decide(session, version_id, review, get_rules(), INPUTS)
        costs = INPUTS.costs.model_copy(update={"hourly_income_vnd": 50_000})
        other_costs = Inputs(INPUTS.sources, costs)  # re-analysed: the registry is the same
        rules = _night(session, other_costs)
        assert "ST01" not in rules and "DO01" in rules
        sources = {
            key: source.model_copy(update={"hit_rate": 0.9}) if key == "population_db" else source
            for key, source in INPUTS.sources.items()
        }
        other_registry = Inputs(sources, costs)
        assert "ST01" in _night(session, other_registry)
    engine.dispose()


@pytest.mark.dot
def test_the_plans_state_the_approved_version_and_say_so(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        version_id, decisions = _proposed(session)
        review = ReviewDecision("Trần Thị B", "", datetime.now(UTC), tuple(decisions))
        decide(session, version_id, review, get_rules(), INPUTS, tmp_path)
        ((result, decided, _),) = reviewed_results(
            session, [version_id], get_rules(), INPUTS
        ).values()
        assert decided.reviewer == "Trần Thị B"
        assert {c.rule for c in result.changes} >= {"CH01"} and "ST01" not in {
            c.rule for c in result.changes
        }
        settings = load_plan_settings(CATALOG / "plan_settings.yaml")
        files = write_plans(session, tmp_path, get_rules(), INPUTS, settings)
    engine.dispose()
    assert files is not None
    text = "\n".join(p.text for p in Document(str(tmp_path / files.simplification)).paragraphs)
    assert "Căn cứ: phương án đã được rà soát (Trần Thị B" in text
    assert "Bỏ bước chuyển hồ sơ trung gian" not in text  # ST01, rejected
    assert "Chuyển nộp hồ sơ trực tiếp sang nộp trực tuyến" in text  # CH01, accepted
    restructuring = Document(str(tmp_path / files.restructuring["1.001193"]))
    steps = [row.cells[1].text for row in restructuring.tables[0].rows]
    assert "Chuyển hồ sơ cho công chức tư pháp - hộ tịch" in steps  # the rejected removal


def test_the_procedures_analysed_last_night_are_found(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        started = datetime.now(UTC) - timedelta(seconds=1)
        _proposed(session)
        assert analysed_since(session, started) == ["1.001193"]
        assert analysed_since(session, datetime.now(UTC) + timedelta(hours=1)) == []
    engine.dispose()


def test_the_site_s_diffs_are_read_in_batches(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jobs.review._DIFF_BATCH", 1)
    engine = make_engine(database_url)
    with Session(engine) as session:
        files = [BIRTH, CATALOG / "essential" / "10-dang-ky-khai-tu.yaml"]
        imported = import_procedures(session, [(str(f), load_procedure(f)) for f in files])
        session.commit()
        ids = [version.id for version, _ in imported if version.id is not None]
        store_batch(session, list(analyse_versions(session, ids, get_rules(), INPUTS)), INPUTS)
        session.commit()
        rules_signature = signature(get_rules())
        versions = current_versions(session, rules_signature, INPUTS.key)
        diffs = version_diffs(session, versions)
    engine.dispose()
    assert set(diffs) == {"1.001193", "1.000656"}
    assert all(any(line.startswith("- Bỏ bước") for line in d) for d in diffs.values())


@pytest.mark.dot
def test_the_site_shows_the_approved_version_once_decided(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        version_id, decisions = _proposed(session)
        (proposal,) = current_results(session, signature(get_rules()), INPUTS.key)
        review = ReviewDecision("Trần Thị B", "", datetime.now(UTC), tuple(decisions))
        decide(session, version_id, review, get_rules(), INPUTS, tmp_path)
        ((approved, _, drawn),) = reviewed_results(
            session, [version_id], get_rules(), INPUTS
        ).values()
    assert approved.after.steps > proposal.after.steps  # the transfers stay
    publish_site.fn(database_url, str(tmp_path), None, INPUTS)
    page = (tmp_path / "procedures" / "1.001193.html").read_text(encoding="utf-8")
    assert "<th>Được duyệt</th>" in page and "<th>Đề xuất</th>" not in page
    assert f'src="../{drawn.after_svg}"' in page and drawn.after_svg.startswith("approved/")
    assert 'id="proposal-diagram" href="../diagrams/1.001193-after.svg"' in page
    assert "Không đồng ý: cần bước này" in page  # the rejected change is still listed
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f"{approved.before.steps} → {approved.after.steps}</td>" in index
    svg = (tmp_path / drawn.after_svg).read_text(encoding="utf-8")
    assert "được duyệt" in svg and "— đề xuất" not in svg

    # drawn once: the next run finds the same sources and draws nothing
    png = tmp_path / drawn.after_svg
    stamp = png.stat().st_mtime_ns
    publish_site.fn(database_url, str(tmp_path), None, INPUTS)
    assert png.stat().st_mtime_ns == stamp
    # a lost or stale drawing is drawn again
    png.with_suffix(".dot").write_text("digraph stale {}", encoding="utf-8")
    publish_site.fn(database_url, str(tmp_path), None, INPUTS)
    assert png.stat().st_mtime_ns != stamp
    assert "được duyệt" in png.with_suffix(".dot").read_text(encoding="utf-8")
    engine.dispose()
