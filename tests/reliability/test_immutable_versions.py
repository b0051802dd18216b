"""Versions are immutable in the database (issue 13): plain SQL, past the ORM, can
neither change nor delete one, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text
from sqlmodel import Session

from models.procedure import Procedure
from store.engine import make_engine
from store.queries import import_procedures
from tests.conftest import minimal_procedure

STATEMENTS = [
    "UPDATE procedure_version SET source = 'tampered'",
    "UPDATE procedure_version SET graph = '{}'",
    "DELETE FROM procedure_version",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_plain_sql_cannot_change_or_delete_a_version(database_url: str, statement: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        import_procedures(session, [("p.yaml", Procedure.model_validate(minimal_procedure()))])
        session.commit()
    with pytest.raises(exc.DatabaseError, match="immutable"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT source FROM procedure_version")).all()
    assert rows == [("p.yaml",)]
    engine.dispose()


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("TRUNCATE is PostgreSQL's")
    engine = make_engine(database_url)
    with pytest.raises(exc.DatabaseError, match="immutable"), engine.begin() as connection:
        connection.execute(text("TRUNCATE procedure_version CASCADE"))
    engine.dispose()
