"""Shared fixtures: a fresh database per test, a frozen clock, no user directories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aftersales_tui.db import Database, open_database
from aftersales_tui.services.context import Context, frozen_clock

from . import pg_server

if TYPE_CHECKING:
    from .accounting_builders import Shop

# Syrupy's unused-snapshot check and summary, across xdist workers.
pytest_plugins = ["tests.xdist_snapshots"]

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data, config or database."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("AFTERSALES_DB", raising=False)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def ctx() -> Context:
    return Context(user_id=None, clock=frozen_clock(NOW), tz=UTC)


# The tests that run on PostgreSQL too (AFTERSALES_TEST_BACKEND=postgresql): every service
# rule, the demo, concurrent and killed agents, stale screens, hostile input, copying. The
# screens' tests stay on SQLite: they read through the same services.
BOTH_BACKENDS = {
    "test_concurrency",
    "test_copy",
    "test_coupons",
    "test_crashes",
    "test_credit_notes",
    "test_demo",
    "test_export",
    "test_field_service",
    "test_hostile_input",
    "test_hostile_money",
    "test_import",
    "test_import_errors",
    "test_linked",
    "test_mail",
    "test_postgres",
    "test_refunds",
    "test_repairs",
    "test_returns",
    "test_stale",
    "test_teams",
    "test_ticket_search",
    "test_tickets",
    "test_triage",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not pg_server.on_postgres():
        return
    kept = [i for i in items if _short(getattr(i, "module", None)) in BOTH_BACKENDS]
    deselected = [i for i in items if _short(getattr(i, "module", None)) not in BOTH_BACKENDS]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _short(module: object) -> str:
    return str(getattr(module, "__name__", "")).rsplit(".", 1)[-1]


@pytest.fixture(scope="session", autouse=True)
def _postgres_template() -> Iterator[None]:
    yield
    if pg_server.server() is not None:
        pg_server.drop_templates()


@contextmanager
def fresh_database(sqlite_url: str) -> Iterator[Database]:
    """A new database with the desk's schema: SQLite, or PostgreSQL when the tests run there."""
    if pg_server.on_postgres():
        with pg_server.opened() as database:
            yield database
        return
    database = open_database(sqlite_url)
    try:
        yield database
    finally:
        database.dispose()


# The list at scale (tests/bulk_builders.py): enough tickets for windows, counts and plans.
BIG_COUNT = 20_000


@pytest.fixture
def big(tmp_path: Path) -> Iterator[Database]:
    """A database of BIG_COUNT tickets (a module may keep its own, e.g. shared by its tests)."""
    from .bulk_builders import many_tickets

    database = open_database(str(tmp_path / "big.db"))
    many_tickets(database, BIG_COUNT)
    yield database
    database.dispose()


@pytest.fixture
def db() -> Iterator[Database]:
    with fresh_database("sqlite://") as database:
        yield database


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, loaded once per test process (each xdist worker builds its own)."""
    from aftersales_tui.services.demo import load_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    database = open_database(str(path))
    load_demo(database, Context(user_id=None, clock=frozen_clock(NOW), tz=UTC), TODAY)
    database.dispose()  # the last connection closed: the WAL is checkpointed and removed
    assert not path.with_name("demo.db-wal").exists()
    return path


@pytest.fixture
def demo_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database holding the demo dataset, dated relative to the frozen today.

    A file (not memory) so that the app's worker threads each get their own connection,
    as they do for agents; a database of its own on the server when the tests run on
    PostgreSQL. Each test gets its own copy of a template loaded once per test process,
    as fresh as if the demo had been loaded for it.
    """
    if pg_server.on_postgres():
        with pg_server.opened("demo") as database:
            yield database
        return
    path = tmp_path / "demo.db"
    shutil.copy(request.getfixturevalue("_demo_template"), path)
    database = open_database(str(path))
    yield database
    database.dispose()


@pytest.fixture
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors that never blink, so that screenshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def shop(db: Database) -> Shop:
    """A small shop for accounting tests: a team with Refunds on, a customer, a journal."""
    from . import factories as f
    from .accounting_builders import Shop, journal

    return Shop(
        db=db,
        team_id=f.team(db, use_refunds=True),
        customer_id=f.partner(db, "Azure Interior"),
        journal_id=journal(db),
        desk=f.product(db, "Desk"),
        chair=f.product(db, "Chair"),
    )
