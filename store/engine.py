"""The one place an engine is made: the store's URL in, an engine on an up-to-date schema out."""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy import exc, make_url
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from models.errors import StoreUnavailable
from store.migrate import upgrade

__all__ = ["make_engine", "shared_engine"]


def make_engine(url: str) -> Engine:
    """Return an engine for `url`, its schema upgraded to the newest migration (a new
    store is created; a SQLite file gets its folder). A URL that names no database this
    machine can reach raises `StoreUnavailable`, in one sentence."""
    try:
        connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
        engine = create_engine(url, connect_args=connect_args)
        database = engine.url.database
        if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        upgrade(engine)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise StoreUnavailable(
            f"TTHC_DATABASE_URL is not a database URL this tthc reads ({_shown(url)}): "
            "use sqlite:///path or postgresql+psycopg://user@host/db"
        ) from error
    except (exc.OperationalError, OSError) as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())[:200]
        raise StoreUnavailable(
            f"cannot open the store at {_shown(url)}: {reason}; "
            "check TTHC_DATABASE_URL and that the server is running"
        ) from error
    return engine


def _shown(url: str) -> str:
    """The URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "an unreadable URL"


@functools.lru_cache(maxsize=8)
def shared_engine(url: str) -> Engine:
    """One engine (and connection pool) per store for the life of the process, shared by
    every task of a flow run: a new engine per batch cost a tenth of a second."""
    return make_engine(url)
