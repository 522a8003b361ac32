"""Snapshot tests: every screen and modal state at a fixed size and a fixed date.

A snapshot is accepted only after someone looked at it (DESIGN.md section 6). Each test
drives the app with `press` / `settle` (never snap_compare's `press=`), so that background
workers are awaited before the picture is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from aftersales_tui.db import Database
from aftersales_tui.models import Team
from aftersales_tui.services import Context
from aftersales_tui.services import tickets as ticket_service
from aftersales_tui.services.tickets import TicketFields

from .ui import keys_for, make_app, press, settle, team_id, user_id

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)

# The demo ticket with the most chatter messages in data/tickets.json. Several tickets hold
# six; #1017 has the longest text of them (and #1042 already has its own snapshots).
LONG_CHATTER = 1017

HOSTILE_TITLE = "[bold]x[/] [link=http://e.vil]y\x1b[31m red"
HOSTILE_DESCRIPTION = "[red]not red[/red]"

pytestmark = pytest.mark.usefixtures("steady_cursors")


def open_ticket(number: int) -> RunBefore:
    """Filter the list by the ticket's number, go back to the list and open the ticket."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "slash", *keys_for(str(number)), "enter", "enter")

    return run_before


def team_names(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.exec(select(Team.name).order_by(Team.name)).all())


# --- home -----------------------------------------------------------------------------


def test_home(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_home_80x24(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=run_before)


def test_home_filtered(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "slash", *keys_for("printer"), "enter")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_home_two_marked(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "space", "space")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_home_help(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "question_mark")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_home_stage_picker(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "s")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_home_ansi_dark(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.theme = "ansi-dark"
        await settle(pilot)

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- ticket ---------------------------------------------------------------------------


def test_ticket_1042(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=open_ticket(1042))


def test_ticket_1042_80x24(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=open_ticket(1042))


def test_ticket_long_chatter(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    assert snap_compare(
        make_app(demo_db, ctx), terminal_size=WIDE, run_before=open_ticket(LONG_CHATTER)
    )


def test_ticket_literal_markup(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """Markup and an escape byte in a title are shown literally (ESC as a visible stand-in)."""
    ticket_service.create(
        demo_db,
        ctx.as_user(user_id(demo_db, "mia")),
        TicketFields(
            title=HOSTILE_TITLE,
            team_id=team_id(demo_db, "Support EU"),
            description=HOSTILE_DESCRIPTION,
        ),
    )

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "enter")  # the newest ticket is the first row

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_ticket_log_note(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_ticket(1042)(pilot)
        await press(pilot, "l", *keys_for("Called the customer"))

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- forms and settings ---------------------------------------------------------------


def test_new_ticket_empty_title(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "n", "ctrl+s")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_team_settings(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    downs = ["down"] * team_names(demo_db).index("Support EU")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "t", *downs)

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)
