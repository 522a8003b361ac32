"""Flows driven with Textual's Pilot, as an agent would use the desk."""

from __future__ import annotations

import os

from sqlmodel import select
from textual.widgets import Static

from aftersales_tui.db import Database
from aftersales_tui.models import Stage, Team, Ticket, User
from aftersales_tui.screens.action_modal import ActionModal
from aftersales_tui.screens.home import HomeScreen
from aftersales_tui.screens.team_settings import TeamSettingsScreen
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, linked, tickets
from aftersales_tui.widgets.action_bar import ActionBar
from aftersales_tui.widgets.chatter_log import ChatterLog
from aftersales_tui.widgets.ticket_table import TicketTable

from .ui import make_app, press, settle, ticket_id, type_text


def rendered_text(renderable: object) -> str:
    from rich.console import Console

    console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def stage_of(db: Database, number: int) -> Stage:
    with db.read() as session:
        return Stage(session.exec(select(Ticket.stage).where(Ticket.number == number)).one())


async def test_filter_then_open(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "1042")
        table = app.screen.query_one(TicketTable)
        assert [row.number for row in table.loaded] == [1042]
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None
        assert app.screen.ticket.title == "Printer jams after firmware 2.1"
        await press(pilot, "q")
        assert isinstance(app.screen, HomeScreen)


async def test_filter_by_words_and_clear(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        assert table.total == 120
        await press(pilot, "slash")
        await type_text(pilot, "printer")
        assert 0 < table.total < 120
        assert all(
            "printer" in (row.title + row.customer).lower()
            or "printer" in tickets.load(demo_db, row.id).description.lower()
            for row in table.loaded
        )
        await press(pilot, "enter", "x")
        assert table.total == 120


async def test_change_stage_from_the_list(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        first = table.loaded[0]
        assert first.stage == Stage.NEW
        await press(pilot, "s")
        await type_text(pilot, "hold")
        await press(pilot, "enter")
        assert stage_of(demo_db, first.number) == Stage.ON_HOLD
        assert table.loaded[0].stage == Stage.ON_HOLD  # the list shows it at once
        entry = tickets.history(demo_db, first.id)[0]
        assert entry.body == "Stage: New → On Hold"
        assert entry.author == "Mia Lopez"


async def test_batch_assign_after_confirmation(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        marked = [table.loaded[0].id, table.loaded[1].id]
        await press(pilot, "space", "space")
        assert table.marked == set(marked)
        await press(pilot, "a")
        await type_text(pilot, "sam")
        await press(pilot, "enter")
        assert "2 tickets" in str(app.screen.query_one(".confirm-question").render())
        await press(pilot, "y")
        assert table.marked == set()
        with demo_db.read() as session:
            sam = session.exec(select(User).where(User.login == "sam")).one()
            owners = {session.get(Ticket, i).user_id for i in marked}  # type: ignore[union-attr]
        assert owners == {sam.id}


async def test_batch_change_refused_at_the_confirmation_writes_nothing(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        numbers = [table.loaded[0].number, table.loaded[1].number]
        await press(pilot, "space", "space", "s")
        await type_text(pilot, "solved")
        await press(pilot, "enter", "n")
        assert [stage_of(demo_db, n) for n in numbers] == [Stage.NEW, Stage.NEW]


async def test_closing_a_ticket_with_open_work_asks_first(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1042)))
        await settle(pilot)
        await press(pilot, "s")
        await type_text(pilot, "solved")
        await press(pilot, "enter")
        question = str(app.screen.query_one(".confirm-question").render())
        assert "RINV/2026/00002" in question and "RO/00004" in question
        await press(pilot, "n")
        assert stage_of(demo_db, 1042) == Stage.IN_PROGRESS
        await press(pilot, "s")
        await type_text(pilot, "solved")
        await press(pilot, "enter", "y")
        assert stage_of(demo_db, 1042) == Stage.SOLVED


async def test_log_a_note(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1042)))
        await settle(pilot)
        before = len(app.screen.query_one(ChatterLog).entries)
        await press(pilot, "l")
        await type_text(pilot, "Called the customer")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        chatter = app.screen.query_one(ChatterLog)
        assert len(chatter.entries) == before + 1
        assert chatter.entries[0].body == "Called the customer"  # newest first
        assert "Called the customer" in chatter.text.plain


async def test_an_empty_note_is_refused_next_to_the_field(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1042)))
        await settle(pilot)
        count = len(tickets.history(demo_db, ticket_id(demo_db, 1042)))
        await press(pilot, "l", "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        error = app.screen.query_one("#body-error")
        assert error.display and "Write the note first" in str(error.render())
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
        assert len(tickets.history(demo_db, ticket_id(demo_db, 1042))) == count


async def test_new_ticket_error_then_fix_keeps_what_was_typed(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "n", "tab", "tab")  # leave the title empty
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        assert "A ticket needs a title" in str(app.screen.query_one("#title-error").render())
        await type_text(pilot, "Wobbly chair")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None
        assert app.screen.ticket.title == "Wobbly chair"
        assert app.screen.ticket.number == 1121


async def test_escape_closes_a_form_without_writing(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "Never saved")
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)
        with demo_db.read() as session:
            assert session.exec(select(Ticket).where(Ticket.title == "Never saved")).first() is None


async def test_editing_over_a_newer_change_shows_a_conflict(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    target = ticket_id(demo_db, 1042)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(target))
        await settle(pilot)
        await press(pilot, "e")
        # Another agent saves the ticket while this form is open.
        other = tickets.load(demo_db, target)
        fields = tickets.fields_of(other)
        changed = fields.__class__(**{**fields.__dict__, "title": "Changed elsewhere"})
        tickets.update(demo_db, ctx, target, changed, other.version)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        assert "changed by someone else" in str(app.screen.query_one("#form-error").render())
        assert tickets.load(demo_db, target).title == "Changed elsewhere"


async def test_a_team_switch_changes_the_ticket_action_bar(demo_db: Database, ctx: Context) -> None:
    with demo_db.read() as session:
        pre_sales = session.exec(select(Team).where(Team.name == "Pre-Sales")).one()
        ticket = session.exec(select(Ticket).where(Ticket.team_id == pre_sales.id)).first()
    assert ticket is not None and ticket.id is not None
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket.id))
        await settle(pilot)
        assert app.screen.query_one(ActionBar).available == ()
        await press(pilot, "q", "t")
        assert isinstance(app.screen, TeamSettingsScreen)
        while app.screen.settings is None or app.screen.settings.name != "Pre-Sales":
            await press(pilot, "j")  # vim keys move as the arrows do
        await press(pilot, "1", "4")  # Refunds and Repairs on
        await press(pilot, "q")
        app.push_screen(TicketScreen(ticket.id))
        await settle(pilot)
        bar = app.screen.query_one(ActionBar)
        assert bar.available == (linked.Action.REFUND, linked.Action.REPAIR)


async def test_palette_and_help_offer_the_same_commands(demo_db: Database, ctx: Context) -> None:
    from aftersales_tui.keys import screen_keys

    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        palette = [c.title for c in app.get_system_commands(app.screen)]
        commands = [k.description for k in screen_keys(app.screen) if k.is_command]
        assert "Assign" in commands and "Filter" in commands
        assert palette[: len(commands)] == commands
        await press(pilot, "question_mark")
        shown = rendered_text(app.screen.query_one("#help-keys", Static).content)
        assert all(description in shown for description in commands)
