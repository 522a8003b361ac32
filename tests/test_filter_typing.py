"""Typing into the list's filter on 20,000 tickets: rows first, the count after, one read per
wish, the panel on the highlighted row, and ``x`` back to the whole list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.style import Style
from rich.text import Text
from textual import events

from aftersales_tui.db import Database
from aftersales_tui.models import Priority, Stage
from aftersales_tui.services import Context
from aftersales_tui.services import ticket_list as tl
from aftersales_tui.widgets import ticket_columns as columns
from aftersales_tui.widgets.ticket_summary import TicketSummary
from aftersales_tui.widgets.ticket_table import TicketTable

from .conftest import BIG_COUNT, NOW
from .ui import make_app, press, settle, type_text

COUNT = BIG_COUNT


def expected_count(db: Database, ctx: Context, text: str) -> tl.ListCount:
    with db.read() as session:
        return tl.count(session, ctx, tl.TicketFilter(text=text))


async def test_typing_a_word_shows_its_tickets_then_their_count(
    big: Database, ctx: Context
) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await press(pilot, "slash")
        await type_text(pilot, "printer")
        expected = expected_count(big, ctx.as_user(1), "printer")
        assert not table.counting
        assert table.total == expected.total and table.capped == expected.capped
        with big.read() as session:
            first = tl.fetch_page(session, ctx, tl.TicketFilter(text="printer"), tl.TicketSort())
        assert (
            [table.row_at(i).number for i in range(10)]
            == [  # type: ignore[union-attr]
                r.number for r in first[:10]
            ]
        )
        await type_text(pilot, " zeppel")  # "printer zeppel": no ticket has both
        assert table.total == 0 and not table.capped and table.current_id is None


async def test_a_capped_count_is_shown_as_such(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await press(pilot, "m")  # mine: a quick filter counted through the ticket table
        await press(pilot, "slash")
        await type_text(pilot, "cu")  # "customer": in every ticket
        me = ctx.as_user(1)
        with big.read() as session:
            flt = tl.TicketFilter(text="cu", mine=True)
            assert tl.count(session, me, flt, cap=1000) == tl.ListCount(1000, capped=True)
            assert table.total == tl.count(session, me, flt).total
        assert table.capped == (table.total == tl.COUNT_CAP)
        await press(pilot, "enter", "m")  # back to the list; all tickets again
        assert table.total == tl.COUNT_CAP and table.capped  # 20,000 tickets: "10,000+"


async def test_a_burst_of_keys_ends_on_the_last_wish(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        reads: list[tl.TicketFilter] = []
        loaded = table._loaded  # noqa: SLF001

        def counting(generation: int, first: object) -> None:
            reads.append(table.ticket_filter)
            loaded(generation, first)  # type: ignore[arg-type]

        table._loaded = counting  # type: ignore[method-assign]  # noqa: SLF001
        for key in ["slash", *"printer", "backspace", "backspace", "backspace", *"zeppel"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert table.ticket_filter.text == "prinzeppel"
        assert table.total == 0
        assert reads and reads[-1].text == "prinzeppel"
        assert len(reads) < len("printer") + 3 + len("zeppel")  # stale wishes were not read
        await press(pilot, "backspace", "backspace", "backspace", "backspace", "backspace")
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "zeppel")
        assert table.total == 1 and table.row_at(0).number == 7  # type: ignore[union-attr]


async def test_the_panel_agrees_with_the_highlighted_row(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        summary = app.screen.query_one(TicketSummary)
        for word in ("printer", "zeppel"):
            await press(pilot, "slash")
            await press(pilot, "ctrl+a", "ctrl+k")
            await type_text(pilot, word)
            await press(pilot, "enter", "down")
            row = table.row_at(table.cursor)
            assert row is not None and summary.ticket is not None
            assert summary.ticket.id == row.id == table.current_id


async def test_x_clears_the_filter_with_one_read(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await press(pilot, "slash")
        await type_text(pilot, "zeppel")
        await press(pilot, "enter", "space")
        assert table.total == 1 and table.marked
        generation = table._generation  # noqa: SLF001
        await press(pilot, "x")
        assert table._generation == generation + 1  # noqa: SLF001
        assert table.ticket_filter == tl.TicketFilter() and not table.marked
        assert table.total == COUNT and not table.capped
        assert table.row_at(0).number == COUNT  # type: ignore[union-attr]


def _as_rich_text(cols: tuple[columns.Column, ...], row: tl.TicketRow, marked: bool) -> str:
    """The line as Rich's ``Text.truncate`` cuts each cell (what the list drew before)."""
    values = {
        "number": Text.assemble(("●", "bold"), str(row.number))
        if marked
        else Text(f" {row.number}"),
        "title": Text(" ".join(row.title.split())),
        "customer": Text(row.customer),
        "team": Text(row.team),
        "stage": Text("In Progress"),
        "priority": Text("★★"),
        "assignee": Text(row.assignee),
        "age": Text("3h"),
    }
    return columns.line(cols, [values[key] for key, _l, _w in cols]).plain


@pytest.mark.parametrize("marked", [False, True])
@pytest.mark.parametrize(
    "title",
    ["Lamp", "A title far too long for the column it is shown in, cut", "車の修理が必要です " * 4],
)
def test_a_row_is_drawn_as_rich_cuts_its_cells(marked: bool, title: str, ctx: Context) -> None:
    row = tl.TicketRow(
        id=1,
        number=123,
        title=title,
        customer="Customer 車 wide",
        team="Team 1",
        stage=Stage.IN_PROGRESS,
        priority=Priority("2"),
        assignee="Agent 1",
        created_at=NOW,
    )
    three_hours_on = Context(user_id=1, clock=lambda: NOW + timedelta(hours=3))
    for width in (60, 100, 140):
        cols = columns.layout(width, 4)
        strip = columns.row_strip(cols, row, marked, three_hours_on, Style(), width)
        drawn = "".join(segment.text for segment in strip)
        assert drawn == _as_rich_text(cols, row, marked)
        assert strip.cell_length == width
        bold = [s.text for s in strip if s.style and s.style.bold]
        assert bold == (["●"] if marked else [])
