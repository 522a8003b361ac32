"""The quick first page: the list's first rows read with sqlite3 before the desk is opened."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import UTC
from pathlib import Path

import pytest
from sqlmodel import select

from aftersales_tui.app import AfterSalesApp
from aftersales_tui.db import Database, StorageError
from aftersales_tui.desk import Desk, DeskOpening
from aftersales_tui.models import User
from aftersales_tui.schema_version import SCHEMA_VERSION
from aftersales_tui.services import Context, first_page, setup
from aftersales_tui.services import ticket_list as tl
from aftersales_tui.services.context import frozen_clock
from aftersales_tui.widgets.row_window import BLOCK
from aftersales_tui.widgets.smart_buttons import SmartButtonPanel
from aftersales_tui.widgets.ticket_summary import TicketSummary
from aftersales_tui.widgets.ticket_table import TicketTable

from .conftest import NOW
from .ui import settle

FIXTURES = Path(__file__).parent / "schema_fixtures"


def _file(database: Database) -> Path:
    return Path(database.url.database or "")


def _read(database: Database, login: str | None = "mia", *, demo: bool = False) -> object:
    ctx = Context(clock=frozen_clock(NOW), tz=UTC)
    return first_page.read(_file(database), ctx, login, "nobody", demo=demo, limit=BLOCK)


def test_the_first_rows_are_the_lists_own(demo_db: Database, ctx: Context) -> None:
    """Row for row what the list reads for its first block, and the same count."""
    first = _read(demo_db)
    assert isinstance(first, first_page.FirstPage)
    with demo_db.read() as session:
        rows = tl.fetch_page(session, ctx, tl.TicketFilter(), tl.TicketSort(), 0, BLOCK)
        total = tl.count(session, ctx, tl.TicketFilter()).total
    assert first.rows == rows
    assert first.count == total
    assert all(row.created_at.tzinfo is not None for row in first.rows)


def test_the_agent_is_the_one_signing_in_finds(demo_db: Database, ctx: Context) -> None:
    for login, demo in (("kim", False), (None, True)):
        first = _read(demo_db, login, demo=demo)
        assert isinstance(first, first_page.FirstPage)
        agent = setup.sign_in(demo_db, ctx, login, "nobody", demo=demo)
        assert (first.ctx.user_id, first.agent_name) == (agent.id, agent.name)


@pytest.mark.parametrize("case", ["unknown login", "new agent", "no team", "old version"])
def test_the_ordinary_way_when_signing_in_or_the_schema_would_change_something(
    demo_db: Database, case: str
) -> None:
    """Signing in would refuse, create an agent or a team; migrations would run: the quick
    page steps aside, and the desk opens the ordinary way, with its checks."""
    path = _file(demo_db)
    login: str | None = "mia"
    if case == "unknown login":
        login = "nobody-here"
    elif case == "new agent":
        login = None  # "nobody" is no agent, and this is no demo
    elif case == "no team":
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute("DELETE FROM team")
    else:
        with sqlite3.connect(path) as raw:
            raw.execute("UPDATE schema_info SET version = ?", (SCHEMA_VERSION - 1,))
    assert _read(demo_db, login) is None


def test_not_a_database_missing_or_a_url(tmp_path: Path) -> None:
    ctx = Context()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    for path in (tmp_path / "missing.db", junk, tmp_path):
        assert first_page.read(path, ctx, "mia", "x", demo=False, limit=BLOCK) is None
    assert not (tmp_path / "missing.db").exists()  # nothing is created


def test_an_old_file_takes_the_ordinary_way(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    shutil.copy(FIXTURES / "v5.db", path)
    assert first_page.read(path, Context(), None, "x", demo=True, limit=BLOCK) is None


def _opening(database: Database, ctx: Context, opened: list[str]) -> DeskOpening:
    first = _read(database)
    assert isinstance(first, first_page.FirstPage)

    def open_desk() -> Desk:
        opened.append("opened")
        with database.read() as session:
            user = session.exec(select(User).where(User.login == "mia")).one()
        return Desk(db=database, ctx=ctx.as_user(user.id), agent_name=user.name)

    return DeskOpening(first, open_desk)


async def test_the_rows_are_painted_then_the_desk_opens(demo_db: Database, ctx: Context) -> None:
    opened: list[str] = []
    opening = _opening(demo_db, ctx, opened)
    app = AfterSalesApp(opening)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(TicketTable)
        assert [r.number for r in table.loaded[:3]] == [r.number for r in opening.first.rows[:3]]
        await settle(pilot)
        assert opened == ["opened"]  # once, after the first paint
        assert app.desk.db is demo_db
        summary = app.screen.query_one(TicketSummary)
        assert summary.ticket is not None and summary.ticket.id == table.current_id
        assert app.screen.query_one(SmartButtonPanel).buttons is not None
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TicketScreen"


async def test_a_desk_that_cannot_open_ends_the_app(demo_db: Database, ctx: Context) -> None:
    first = _read(demo_db)
    assert isinstance(first, first_page.FirstPage)

    def refused() -> Desk:
        raise StorageError("The database is busy (another agent is saving): try again")

    app = AfterSalesApp(DeskOpening(first, refused))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    assert app.return_code == 2
    assert isinstance(app.failure, StorageError)


def test_the_first_paint_loads_no_sqlalchemy(demo_db: Database, tmp_path: Path) -> None:
    """Started the quick way, the desk paints its first rows before SQLAlchemy, SQLModel and
    the records are imported; they load afterwards, in the background."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from textual.app import App
        from aftersales_tui import cli
        from aftersales_tui.app import AfterSalesApp
        from aftersales_tui.screens import home

        seen = {{}}
        painted = home.HomeScreen._first_painted

        def first_painted(self):
            seen["at_paint"] = sorted(
                m for m in ("sqlalchemy", "sqlmodel", "pydantic", "aftersales_tui.models")
                if m in sys.modules
            )
            seen["rows"] = len(self.table.loaded)
            painted(self)
            self.app.desk  # waits for the desk opening in the background
            self.app.exit()

        home.HomeScreen._first_painted = first_painted
        AfterSalesApp.run = lambda self, **kw: App.run(self, headless=True, size=(120, 40))
        code = cli.main(["--db", {str(_file(demo_db))!r}, "--user", "mia"])
        seen["code"] = code
        seen["after"] = "sqlmodel" in sys.modules
        print(json.dumps(seen))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    with demo_db.read() as session:
        shown = min(BLOCK, tl.count(session, Context(), tl.TicketFilter()).total)
    assert seen == {"at_paint": [], "rows": shown, "code": 0, "after": True}


def test_a_background_thread_waits_for_the_opening_without_starting_it(db: Database) -> None:
    """A read of the list asks for the desk at once; only the paint (or the main thread)
    starts the opening, so that nothing competes with the first paint."""
    opened: list[int] = []

    def open_desk() -> Desk:
        opened.append(1)
        return Desk(db=db, ctx=Context())

    opening = DeskOpening(first_page.FirstPage(Context(), "Mia", 0, []), open_desk)
    waiting = threading.Thread(target=opening.wait)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and not opening.started and opened == []
    opening.start()
    waiting.join(10)
    assert not waiting.is_alive() and opened == [1] and opening.wait().db is db
