"""Shared fixtures: a fresh database per test, a frozen clock, no user directories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aftersales_tui.db import Database, open_database
from aftersales_tui.services.context import Context, frozen_clock

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


@pytest.fixture
def db() -> Iterator[Database]:
    database = open_database("sqlite://")
    yield database
    database.dispose()


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
def demo_db(tmp_path: Path, _demo_template: Path) -> Iterator[Database]:
    """A database file holding the demo dataset, dated relative to the frozen today.

    A file (not memory) so that the app's worker threads each get their own connection,
    as they do for agents. Each test gets its own copy of the template, as fresh as if
    the demo had been loaded for it.
    """
    path = tmp_path / "demo.db"
    shutil.copy(_demo_template, path)
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
