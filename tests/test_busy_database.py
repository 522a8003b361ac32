"""A busy database: the write lock is tried again a few times, then one clear message.

Another agent's write lock is played by a raw SQLite connection holding ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import func, select
from textual.widgets import Input, Label, Select

from aftersales_tui.db import Database, DatabaseBusy, StorageError, open_database
from aftersales_tui.models import Coupon, Team
from aftersales_tui.screens.coupon_card import CouponCard
from aftersales_tui.screens.coupon_modal import CouponModal
from aftersales_tui.services import AfterSalesError, Context

from .ui import make_app, press, show_ticket, ticket_id

BUSY = "The database is busy (another agent is saving): try again"
NO_COUPON = 1038  # a demo ticket without a coupon


def impatient(path: Path, retries: int = 2) -> Database:
    """A handle on ``path`` that waits 50 ms for the lock, ``retries`` times more."""
    return open_database(str(path), busy_timeout_s=0.05, write_retries=retries, retry_pause_s=0.01)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    open_database(str(path)).dispose()
    return path


class OtherAgent:
    """Another agent's connection: ``save_in_progress`` holds the write lock until released."""

    def __init__(self, path: Path) -> None:
        self.raw = sqlite3.connect(path, isolation_level=None)

    def save_in_progress(self) -> None:
        self.raw.execute("BEGIN IMMEDIATE")

    def done(self) -> None:
        if self.raw.in_transaction:
            self.raw.rollback()


@pytest.fixture
def other_agent(path: Path) -> Iterator[OtherAgent]:
    agent = OtherAgent(path)
    yield agent
    agent.done()
    agent.raw.close()


def count_begins(database: Database) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    return seen


def teams(database: Database) -> int:
    with database.read() as s:
        return s.exec(select(func.count()).select_from(Team)).one()


def test_a_held_lock_gives_one_clear_message_after_the_retries_and_writes_nothing(
    path: Path, other_agent: OtherAgent
) -> None:
    database = impatient(path, retries=2)
    other_agent.save_in_progress()
    begins = count_begins(database)
    bodies: list[str] = []
    try:
        with pytest.raises(DatabaseBusy) as refused:
            with database.write() as s:
                bodies.append("ran")
                s.add(Team(name="Support"))
        assert str(refused.value) == BUSY
        assert refused.value.message == BUSY and refused.value.field is None
        assert isinstance(refused.value, AfterSalesError)  # modals reopen with the input
        assert isinstance(refused.value, StorageError)
        assert len(begins) == 3  # the first attempt and two retries
        assert bodies == []  # the transaction's body never ran
        other_agent.done()
        assert teams(database) == 0
    finally:
        database.dispose()


def test_the_write_succeeds_when_the_lock_is_released_during_the_retries(
    path: Path, other_agent: OtherAgent
) -> None:
    database = impatient(path, retries=2)
    other_agent.save_in_progress()
    begins = count_begins(database)

    def release_after_the_first_refusal(_context: Any) -> None:
        other_agent.done()

    event.listen(database.engine, "handle_error", release_after_the_first_refusal)
    bodies: list[str] = []
    try:
        with database.write() as s:
            bodies.append("ran")
            s.add(Team(name="Support"))
        assert len(begins) == 2  # refused once, then the lock was free
        assert bodies == ["ran"]  # the body ran exactly once
        assert teams(database) == 1
    finally:
        database.dispose()


def test_without_retries_the_first_refusal_is_the_clear_message(
    path: Path, other_agent: OtherAgent
) -> None:
    database = impatient(path, retries=0)
    other_agent.save_in_progress()
    begins = count_begins(database)
    try:
        with pytest.raises(DatabaseBusy, match=r"^The database is busy"):
            with database.write() as s:
                s.add(Team(name="Support"))
        assert len(begins) == 1
    finally:
        database.dispose()


def test_opening_a_database_that_stays_locked_is_the_same_clear_message(
    path: Path, other_agent: OtherAgent
) -> None:
    other_agent.save_in_progress()
    with pytest.raises(StorageError) as refused:
        impatient(path, retries=1)
    assert str(refused.value) == BUSY


def test_the_defaults_wait_about_thirty_seconds_in_all() -> None:
    from aftersales_tui import db as storage

    assert (storage.BUSY_TIMEOUT_S, storage.WRITE_RETRIES) == (10, 2)


async def test_a_busy_save_reopens_the_modal_with_what_was_typed_and_the_message(
    demo_db: Database, ctx: Context, tmp_path: Path
) -> None:
    database = impatient(tmp_path / "demo.db", retries=1)
    ticket = ticket_id(database, NO_COUPON)
    app = make_app(database, ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await show_ticket(pilot, ticket)
            await press(pilot, "c")
            modal = app.screen
            assert isinstance(modal, CouponModal)
            program = modal.offer.programs[0].id
            modal.query_one("#program_id", Select).value = program
            modal.query_one("#valid_until", Input).value = "+30d"
            other = OtherAgent(tmp_path / "demo.db")
            other.save_in_progress()
            try:
                await press(pilot, "ctrl+s")
                reopened = app.screen
                assert isinstance(reopened, CouponModal)
                assert str(reopened.query_one("#form-error", Label).render()) == BUSY
                assert reopened.query_one("#program_id", Select).value == program
                assert reopened.query_one("#valid_until", Input).value == "2026-12-23"
            finally:
                other.done()
                other.raw.close()
            await press(pilot, "ctrl+s")  # the other save is done: this one goes through
            assert isinstance(app.screen, CouponCard)
        with database.read() as s:
            made = s.exec(select(Coupon).where(Coupon.ticket_id == ticket)).all()
        assert [c.program_id for c in made] == [program]
    finally:
        database.dispose()
