"""A real PostgreSQL server for the tests, when one is given.

``AFTERSALES_TEST_PG`` names a server the tests may create and drop databases on, e.g.
``postgresql+psycopg://postgres@127.0.0.1:55432`` (``.ci/run`` starts a throwaway one).
``AFTERSALES_TEST_BACKEND=postgresql`` makes the ``db`` and ``demo_db`` fixtures use it, so
that the same tests run on both backends.

Each test gets its own database, copied from a template that holds the desk's empty schema
(made once per test process): a copy takes a few milliseconds, a new schema much longer.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import URL, make_url

ENV_SERVER = "AFTERSALES_TEST_PG"
ENV_BACKEND = "AFTERSALES_TEST_BACKEND"

_counter = itertools.count()
_template: str | None = None


def server() -> URL | None:
    value = os.environ.get(ENV_SERVER)
    return make_url(value) if value else None


def on_postgres() -> bool:
    return os.environ.get(ENV_BACKEND, "sqlite") == "postgresql"


def require_server() -> URL:
    """The server's URL; the calling test is skipped when none is given."""
    url = server()
    if url is None:
        pytest.skip(f"no PostgreSQL server given ({ENV_SERVER})")
    return url


def _prefix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"aftersales_test_{worker}_{os.getpid()}"


def _admin(statement: str) -> None:
    import psycopg

    url = require_server()
    with psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _ensure_template() -> str:
    global _template
    if _template is None:
        from aftersales_tui.db import open_database

        name = f"{_prefix()}_template"
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(f"CREATE DATABASE {name}")
        open_database(require_server().set(database=name)).dispose()
        _template = name
    return _template


def new_database(empty: bool = False) -> URL:
    """A new database on the server: the desk's empty schema, or nothing at all."""
    name = f"{_prefix()}_{next(_counter)}"
    if empty:
        _admin(f"CREATE DATABASE {name}")
    else:
        _admin(f"CREATE DATABASE {name} TEMPLATE {_ensure_template()} STRATEGY FILE_COPY")
    return require_server().set(database=name)


def drop(url: URL) -> None:
    _admin(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")


@contextmanager
def database(empty: bool = False) -> Iterator[URL]:
    """A database for one test, dropped afterwards."""
    url = new_database(empty)
    try:
        yield url
    finally:
        drop(url)


def drop_template() -> None:
    global _template
    if _template is not None:
        _admin(f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)")
        _template = None
