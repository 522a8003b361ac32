"""Moving a desk to another database (`aftersales copy`): every row arrives, numbering goes on.

The source is the demo desk (a SQLite file, or a PostgreSQL database when the suite runs on
PostgreSQL); the target is a SQLite file or, when a server is given, a PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel, col, func

from aftersales_tui.copying import copy_database, plan
from aftersales_tui.db import Database, StorageError, open_database
from aftersales_tui.models import Team, Ticket
from aftersales_tui.services import Context, check, ticket_list, tickets

from . import pg_server
from .test_cli import run


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = open_database(str(tmp_path / "target.db"))
        yield database
        database.dispose()
        return
    pg_server.require_server()
    with pg_server.opened("empty") as database:
        yield database


def contents(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order."""
    found = {}
    with db.read() as session:
        for table in SQLModel.metadata.tables.values():
            query = select(table).order_by(*table.primary_key.columns)
            found[table.name] = [tuple(row) for row in session.execute(query)]
    return found


def test_every_row_arrives_with_its_ids(demo_db: Database, target: Database) -> None:
    stats = copy_database(demo_db, target)
    before, after = contents(demo_db), contents(target)
    assert after == before
    assert stats.rows == {name: len(rows) for name, rows in before.items()}
    assert stats.rows["ticket"] > 50 and stats.rows["invoice"] > 10


def test_the_copy_passes_every_check_and_its_filter_finds_words(
    demo_db: Database, target: Database, ctx: Context
) -> None:
    copy_database(demo_db, target)
    assert [r.label for r in check.run(target) if not r.ok] == []
    flt = ticket_list.TicketFilter(text="chair")
    sort = ticket_list.TicketSort()
    with demo_db.read() as session:
        expected = [r.number for r in ticket_list.fetch_page(session, ctx, flt, sort)]
    with target.read() as session:
        found = [r.number for r in ticket_list.fetch_page(session, ctx, flt, sort)]
    assert expected and found == expected


def test_numbering_and_ids_go_on_after_the_copied_rows(
    demo_db: Database, target: Database, ctx: Context
) -> None:
    copy_database(demo_db, target)
    with target.read() as session:
        last_number = session.exec(select(func.max(Ticket.number))).one()[0]
        last_team = session.exec(select(func.max(Team.id))).one()[0]
        team_id = session.exec(select(Team.id).order_by(col(Team.id))).first()[0]
    created = tickets.create(target, ctx, tickets.TicketFields(title="After", team_id=team_id))
    assert created.number == last_number + 1
    with target.write() as session:
        team = Team(name="New team")
        session.add(team)
        session.flush()
        assert team.id == last_team + 1


def test_a_target_that_is_not_empty_is_refused_and_left_alone(
    demo_db: Database, target: Database
) -> None:
    copy_database(demo_db, target)
    before = contents(target)
    with pytest.raises(StorageError, match=r"^The target database is not empty \(table "):
        copy_database(demo_db, target)
    assert contents(target) == before


def test_references_in_a_circle_wait_until_their_rows_are_there() -> None:
    layout = plan()
    order = [t.name for t in layout.tables]
    for table in layout.tables:
        for constraint in table.foreign_key_constraints:
            referred = constraint.referred_table.name
            columns = [c.name for c in constraint.columns]
            if order.index(referred) >= order.index(table.name):
                assert set(columns) <= set(layout.late[table.name]), (table.name, columns)
                assert all(c.nullable for c in constraint.columns)
    assert "ticket" in layout.late and "salesorder" in order


def test_the_command_copies_then_refuses_a_second_time(demo_db: Database, tmp_path: Path) -> None:
    source = demo_db.url.render_as_string(hide_password=False)
    target = str(tmp_path / "moved.db")
    first = run("copy", "--from", source, "--to", target)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Copied ")
    assert " rows of 28 tables in " in first.stdout
    second = run("copy", "--from", source, "--to", target)
    assert second.returncode == 2
    assert second.stdout == ""
    assert second.stderr.startswith("aftersales: The target database is not empty (table ")
    assert second.stderr.count("\n") == 1
