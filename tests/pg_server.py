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
from datetime import UTC
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import URL, make_url

if TYPE_CHECKING:
    from aftersales_tui.db import Database

ENV_SERVER = "AFTERSALES_TEST_PG"
ENV_BACKEND = "AFTERSALES_TEST_BACKEND"

_counter = itertools.count()
# The template databases made so far in this test process, by kind (see ``database``).
_templates: dict[str, str] = {}


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


def _template(kind: str) -> str:
    """A database holding the desk's empty schema ("schema"), or the demo ("demo")."""
    if kind not in _templates:
        from aftersales_tui.db import open_database

        name = f"{_prefix()}_template_{kind}"
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(f"CREATE DATABASE {name}")
        database = open_database(require_server().set(database=name))
        try:
            if kind == "demo":
                from aftersales_tui.services.context import Context, frozen_clock
                from aftersales_tui.services.demo import load_demo

                from .conftest import NOW, TODAY

                frozen = Context(user_id=None, clock=frozen_clock(NOW), tz=UTC)
                load_demo(database, frozen, TODAY)
        finally:
            database.dispose()
        _templates[kind] = name
    return _templates[kind]


def new_database(kind: str = "schema") -> URL:
    """A new database on the server: a copy of the ``schema`` or ``demo`` template, or
    an ``empty`` one."""
    name = f"{_prefix()}_{next(_counter)}"
    if kind == "empty":
        _admin(f"CREATE DATABASE {name}")
    else:
        _admin(f"CREATE DATABASE {name} TEMPLATE {_template(kind)} STRATEGY FILE_COPY")
    return require_server().set(database=name)


def drop(url: URL) -> None:
    _admin(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")


@contextmanager
def database(kind: str = "schema") -> Iterator[URL]:
    """A database for one test (see ``new_database``), dropped afterwards."""
    url = new_database(kind)
    try:
        yield url
    finally:
        drop(url)


@contextmanager
def opened(kind: str = "schema") -> Iterator[Database]:
    """A database for one test (see ``new_database``), opened by the desk; closed and
    dropped afterwards."""
    from aftersales_tui.db import open_database

    with database(kind) as url:
        opened_database = open_database(url)
        try:
            yield opened_database
        finally:
            opened_database.dispose()


def drop_templates() -> None:
    for name in _templates.values():
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _templates.clear()
