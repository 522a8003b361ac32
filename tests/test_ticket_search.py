"""The ticket list at scale: full-text filter, windows by index, counts that stop, plans."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from aftersales_tui import db as storage
from aftersales_tui.db import Database, open_database
from aftersales_tui.models import Stage
from aftersales_tui.services import Context, tickets
from aftersales_tui.services import ticket_list as tl

from . import factories as f
from .bulk_builders import many_tickets
from .conftest import fresh_database

COUNT = 20_000
F = tl.TicketFilter
S = tl.TicketSort


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(str(tmp_path_factory.mktemp("big") / "big.db"))
    many_tickets(database, COUNT)
    yield database
    database.dispose()


def numbers(rows: list[tl.TicketRow]) -> list[int]:
    return [r.number for r in rows]


def test_a_word_of_the_description_finds_the_one_ticket(big: Database, ctx: Context) -> None:
    with big.read() as s:
        assert numbers(tl.fetch_page(s, ctx, F(text="zeppelin"), S())) == [7]
        assert numbers(tl.fetch_page(s, ctx, F(text="ZEPP"), S())) == [7]  # a prefix, any case
        assert tl.count(s, ctx, F(text="zeppelin")) == tl.ListCount(1)


def test_the_number_and_the_customer_are_found(big: Database, ctx: Context) -> None:
    with big.read() as s:
        assert numbers(tl.fetch_page(s, ctx, F(text="#12345"), S()))[0] == 12345
        found = tl.fetch_page(s, ctx, F(text="customer 179"), S(), limit=COUNT)
        theirs = [r.number for r in found if r.customer.endswith(" 179")]
        assert theirs == list(range(COUNT - 22, 0, -200))  # every ticket of customer 179
        assert all(" 179" in r.customer or str(r.number).startswith("179") for r in found)


def test_every_word_must_match(big: Database, ctx: Context) -> None:
    with big.read() as s:
        rows = tl.fetch_page(s, ctx, F(text="printer zeppelin"), S())
        assert rows == []


def test_windows_after_before_and_from_the_end_agree_with_offsets(
    big: Database, ctx: Context
) -> None:
    sorts = [S(), S(tl.SortKey.TITLE, False), S(tl.SortKey.AGE), S(tl.SortKey.PRIORITY)]
    sorts.append(S(tl.SortKey.STAGE, False))
    for flt in (F(), F(stage=Stage.NEW), F(text="printer")):
        for sort in sorts:
            with big.read() as s:
                page = tl.fetch_page(s, ctx, flt, sort, 300, 50)
                assert len(page) == 50
                after = tl.fetch_after(s, ctx, flt, sort, page[9], 20)
                assert numbers(after) == numbers(page[10:30]), (flt, sort)
                before = tl.fetch_before(s, ctx, flt, sort, page[40], 20)
                assert numbers(before) == numbers(page[20:40]), (flt, sort)
                total = tl.count(s, ctx, flt, cap=COUNT).total
                tail = tl.fetch_from_end(s, ctx, flt, sort, total - 350, 50)
                assert numbers(tail) == numbers(page), (flt, sort)


def test_counts_stop_at_the_cap_except_for_the_whole_list(big: Database, ctx: Context) -> None:
    with big.read() as s:
        assert tl.count(s, ctx, F()) == tl.ListCount(COUNT)
        assert tl.count(s, ctx, F(stage=Stage.NEW), cap=1000) == tl.ListCount(1000, capped=True)
        assert tl.count(s, ctx, F(stage=Stage.NEW), cap=COUNT) == tl.ListCount(COUNT // 5)


def test_position_of_a_ticket_in_the_list(big: Database, ctx: Context) -> None:
    with big.read() as s:
        assert tl.position(s, ctx, F(), S(), COUNT) == 0
        assert tl.position(s, ctx, F(), S(), 1) == COUNT - 1
        assert tl.position(s, ctx, F(stage=Stage.NEW), S(), COUNT - 5) == 1  # n % 5 == 0: new
        assert tl.position(s, ctx, F(stage=Stage.NEW), S(), COUNT - 1) is None


# --- no full scan of the tickets for any filter or sort the list offers -------------------


def _plan(database: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort) -> str:
    with database.read() as s:
        query = tl._row_query(ctx, flt, sort, tl._match(s, flt))  # noqa: SLF001
        query = tl._ordered(query, sort, tl._match(s, flt)).limit(64)  # noqa: SLF001
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        rows = s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(r[3]) for r in rows)


QUICK_FILTERS = [
    F(),
    F(mine=True),
    F(unassigned=True),
    F(team_id=2),
    F(stage=Stage.NEW),
    F(team_id=2, stage=Stage.NEW),
]


@pytest.mark.parametrize("sort_key", list(tl.SortKey))
@pytest.mark.parametrize("flt", QUICK_FILTERS, ids=repr)
def test_every_offered_filter_and_sort_reads_an_index_in_list_order(
    big: Database, ctx: Context, flt: tl.TicketFilter, sort_key: tl.SortKey
) -> None:
    me = ctx.as_user(1)
    for descending in (True, False):
        plan = _plan(big, me, flt, S(sort_key, descending))
        assert "TEMP B-TREE" not in plan, plan
        ticket_lines = [line for line in plan.splitlines() if " ticket" in f" {line}"]
        assert ticket_lines and all("INDEX" in line for line in ticket_lines), plan


def test_the_text_filter_in_number_order_walks_the_full_text_index(
    big: Database, ctx: Context
) -> None:
    for flt in (F(text="printer"), F(text="printer", stage=Stage.NEW, mine=True)):
        plan = _plan(big, ctx.as_user(1), flt, S())
        assert "TEMP B-TREE" not in plan, plan
        assert plan.splitlines()[0].startswith("SCAN ticket_fts VIRTUAL TABLE"), plan
        assert "SEARCH ticket USING INDEX" in plan, plan


# --- the index follows every change --------------------------------------------------------


def test_edits_and_renamed_customers_reach_the_index(db: Database, ctx: Context) -> None:
    team = f.team(db)
    customer = f.partner(db, "Azure Interior")
    ticket = f.ticket(db, team, 1, "Printer jams", customer)
    found = lambda words: numbers(tl.load_page(db, ctx, F(text=words), S()).rows)  # noqa: E731
    assert found("azure") == [1]
    detail = tickets.load(db, ticket)
    fields = tickets.TicketFields(title="Lamp flickers", team_id=team)
    tickets.update(db, ctx, ticket, fields, detail.version)
    assert found("printer") == []
    assert found("flickers") == [1]
    assert found("azure") == []  # the customer was cleared by the edit
    with db.write() as s:
        s.execute(text("UPDATE ticket SET partner_id = :c"), {"c": customer})
        s.execute(text("UPDATE partner SET name = 'Deco Addict' WHERE id = :c"), {"c": customer})
    assert found("deco") == [1]
    with db.write() as s:
        s.execute(text("DELETE FROM ticketfollower"))
        s.execute(text("DELETE FROM ticket"))
    assert found("deco") == []


def test_version_3_gains_the_full_text_index_with_its_tickets(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    database = open_database(str(path))
    team = f.team(database)
    f.ticket(database, team, 41, "Wobbly table", description="the leg snapped")
    database.dispose()
    with sqlite3.connect(path) as raw:
        raw.executescript(
            """
            DROP TABLE ticket_fts;
            DROP INDEX ix_ticket_stage_number;
            CREATE INDEX ix_ticket_stage_id ON ticket (stage, id);
            UPDATE schema_info SET version = 3;
            """
        )
    raw.close()
    upgraded = open_database(str(path))
    try:
        with upgraded.read() as s:
            indexes = {r[0] for r in s.execute(text("SELECT name FROM sqlite_master"))}
            assert "ix_ticket_stage_number" in indexes and "ix_ticket_stage_id" not in indexes
        ctx = Context(user_id=None)
        assert numbers(tl.load_page(upgraded, ctx, F(text="snapped"), S()).rows) == [41]
        assert storage.upgrade(upgraded.engine) == storage.SCHEMA_VERSION
    finally:
        upgraded.dispose()


def test_one_letter_does_not_filter_yet_and_one_digit_is_a_number(
    big: Database, ctx: Context
) -> None:
    with big.read() as s:
        assert tl.count(s, ctx, F(text="z"), cap=COUNT) == tl.ListCount(COUNT)
        for typed in ("7", "#7 z"):
            found = tl.fetch_page(s, ctx, F(text=typed), S(), limit=COUNT)
            assert 7 in numbers(found)  # the ticket, and the tickets of "Customer … 7"
            assert all(r.number == 7 or r.customer.endswith(" 7") for r in found)


def test_a_cancelled_read_stops_its_query(tmp_path: Path) -> None:
    import threading
    import time

    from aftersales_tui.db import Cancel, ReadCancelled

    cancel = Cancel()
    outcome: list[str] = []

    def endless() -> None:
        endless_count = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        )
        try:
            with database.read(cancel) as s:
                s.execute(text(endless_count)).all()
            outcome.append("finished")
        except ReadCancelled:
            outcome.append("cancelled")

    with fresh_database(str(tmp_path / "cancel.db")) as database:
        worker = threading.Thread(target=endless)
        worker.start()
        time.sleep(0.2)
        cancel.cancel()
        worker.join(timeout=10)
        assert outcome == ["cancelled"]
        with database.read() as s:  # the connection is fine for the next read
            assert s.execute(text("SELECT 1")).scalar_one() == 1


def _count_plan(database: Database, ctx: Context, flt: tl.TicketFilter) -> str:
    with database.read() as s:
        query = tl._counted(ctx, flt, tl._match(s, flt)).limit(tl.COUNT_CAP + 1)  # noqa: SLF001
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        rows = s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(r[3]) for r in rows)


@pytest.mark.parametrize("flt", [F(text="printer"), *QUICK_FILTERS[1:]], ids=repr)
def test_a_count_reads_the_index_alone_or_the_ticket_by_an_index(
    big: Database, ctx: Context, flt: tl.TicketFilter
) -> None:
    plan = _count_plan(big, ctx.as_user(1), flt)
    tables = {line.split()[1] for line in plan.splitlines() if line.startswith(("SCAN", "SEARCH"))}
    assert tables <= {"ticket", "ticket_fts"}, plan  # none of the joins of the rows
    ticket_lines = [line for line in plan.splitlines() if " ticket " in f" {line} "]
    assert all("INDEX" in line for line in ticket_lines), plan
    if flt.text:
        assert plan.startswith("SCAN ticket_fts VIRTUAL TABLE") and "ticket " not in plan, plan


def test_a_text_count_with_quick_filters_reads_the_ticket_by_an_index(
    big: Database, ctx: Context
) -> None:
    flt = F(text="printer", mine=True)
    plan = _count_plan(big, ctx.as_user(1), flt)
    assert "ticket_fts VIRTUAL TABLE" in plan, plan
    assert "SEARCH ticket USING" in plan and "SCAN ticket " not in f"{plan} ", plan
    with big.read() as s:
        counted = tl.count(s, ctx.as_user(1), flt, cap=COUNT)
        listed = tl.fetch_page(s, ctx.as_user(1), flt, S(), limit=COUNT)
    assert counted == tl.ListCount(len(listed)) and listed
