"""The home list on 20,000 tickets: it holds a window of rows, and every key still works."""

from __future__ import annotations

from textual import events

from aftersales_tui.db import Database
from aftersales_tui.models import Stage
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, tickets, triage
from aftersales_tui.services import ticket_list as tl
from aftersales_tui.widgets.row_window import BLOCK, KEEP_BLOCKS
from aftersales_tui.widgets.ticket_summary import TicketSummary
from aftersales_tui.widgets.ticket_table import TicketTable

from .conftest import BIG_COUNT
from .ui import make_app, press, settle, type_text

COUNT = BIG_COUNT


def held(table: TicketTable) -> int:
    return len(table.loaded)


async def test_end_home_and_pages_hold_only_a_window(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        assert table.total == COUNT
        assert table.row_at(0) is not None and table.row_at(0).number == COUNT  # type: ignore[union-attr]
        assert held(table) <= BLOCK
        await press(pilot, "end")
        assert table.cursor == COUNT - 1
        assert table.current_id is not None
        assert table.row_at(COUNT - 1).number == 1  # type: ignore[union-attr]
        await press(pilot, "pageup", "pageup", "up")
        assert table.cursor == COUNT - 1 - 2 * table.page_height - 1
        assert table.row_at(table.cursor).number == 2 + 2 * table.page_height  # type: ignore[union-attr]
        await press(pilot, "home")
        assert table.current_id == table.row_at(0).id  # type: ignore[union-attr]
        for _ in range(40):
            await pilot.press("pagedown")
        await settle(pilot)
        assert table.row_at(table.cursor).number == COUNT - table.cursor  # type: ignore[union-attr]
        assert held(table) <= KEEP_BLOCKS * BLOCK


async def test_go_to_a_ticket_number(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await press(pilot, "number_sign")
        await type_text(pilot, "#12345")
        await press(pilot, "enter")
        assert table.cursor == COUNT - 12345
        row = table.row_at(table.cursor)
        assert row is not None and row.number == 12345
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None and app.screen.ticket.number == 12345


async def test_a_word_of_a_description_filters_as_you_type(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await press(pilot, "slash")
        await type_text(pilot, "zeppel")
        assert table.total == 1 and not table.capped
        assert table.row_at(0).number == 7  # type: ignore[union-attr]
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "printer")
        with big.read() as session:
            expected = tl.count(session, ctx.as_user(1), tl.TicketFilter(text="printer"))
        assert 1_000 < table.total == expected.total and table.capped == expected.capped


async def test_the_list_and_the_panel_follow_a_change(big: Database, ctx: Context) -> None:
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        await press(pilot, "down", "down")
        row = table.row_at(2)
        assert row is not None and row.number == COUNT - 2
        triage.set_stage(big, ctx, [row.id], Stage.ON_HOLD)
        await press(pilot, "ctrl+r")
        assert table.cursor == 2
        assert table.row_at(2).stage == Stage.ON_HOLD  # type: ignore[union-attr]
        assert tickets.load(big, row.id).stage == Stage.ON_HOLD
        summary = app.screen.query_one(TicketSummary)
        assert summary.ticket is not None and summary.ticket.stage == Stage.ON_HOLD


async def test_filter_and_open_typed_in_one_burst(big: Database, ctx: Context) -> None:
    """``/zeppel`` enter enter without waiting: the ticket found is opened, not the old top."""
    app = make_app(big, ctx, login="agent1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Posted at once, as a burst reaches the app over a slow link (pilot.press would wait
        # for each key to be handled).
        burst = [("slash", "/"), *((c, c) for c in "zeppel"), ("enter", "\r"), ("enter", "\r")]
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None and app.screen.ticket.number == 7
