"""Snapshot tests of the Repair Reference modal, a repair opened from its smart button and the
Repairs list.

Same rules as test_snapshots.py: a fixed size and date, keys driven with `press` / `settle`,
and a snapshot is accepted only after someone looked at it (DESIGN.md section 6). Repairs
other than the one a modal makes are made with the services and opened from the smart
button, so that no notification (which times out) is on screen when the picture is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from aftersales_tui.db import Database
from aftersales_tui.services import Context, repairs
from aftersales_tui.services.linked import LinkKind

from .test_repair_flows import ONE_REPAIR, UNTRACKED, add_part
from .ui import is_link_button, make_app, press, show_ticket, tab_to, ticket_id, user_id

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)
DONE_REPAIR = 1024  # RO/00001, done, two parts under warranty

pytestmark = pytest.mark.usefixtures("steady_cursors")


def repair_modal(db: Database, number: int, *keys: str) -> RunBefore:
    """Open a ticket, press o (Repair), then ``keys``."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await press(pilot, "o", *keys)

    return run_before


def open_repairs_button(db: Database, number: int) -> RunBefore:
    """Open a ticket, tab to its Repairs smart button and press enter."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await tab_to(pilot, is_link_button(LinkKind.REPAIRS))
        await press(pilot, "enter")

    return run_before


def test_repair_modal_defaults(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """An untracked product: no Lot/Serial row."""
    run_before = repair_modal(demo_db, UNTRACKED)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_modal_tracked_product(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """A serial-tracked product: its Lot/Serial, and the ticket's return holding it."""
    run_before = repair_modal(demo_db, ONE_REPAIR)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_parts_under_warranty(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    open_modal = repair_modal(demo_db, UNTRACKED)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_modal(pilot)
        await add_part(pilot, "labour")
        await add_part(pilot, "keyboard")
        pilot.app.screen.query_one("#under_warranty").focus()
        await press(pilot, "space")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_missing_lot(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    open_modal = repair_modal(demo_db, ONE_REPAIR)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_modal(pilot)
        pilot.app.screen.query_one("#lot_id", Select).clear()
        await press(pilot, "ctrl+s")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_notes_tab(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = repair_modal(demo_db, ONE_REPAIR, "ctrl+t")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_opened_from_its_smart_button(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """One repair (confirmed, a quotation, under warranty): the smart button opens it."""
    agent = ctx.as_user(user_id(demo_db, "mia"))
    [row] = repairs.for_ticket(demo_db, ticket_id(demo_db, ONE_REPAIR))
    repairs.transition(demo_db, agent, row.id, repairs.Step.QUOTATION)
    run_before = open_repairs_button(demo_db, ONE_REPAIR)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_done_is_read_only(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    run_before = open_repairs_button(demo_db, DONE_REPAIR)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repairs_list(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    agent = ctx.as_user(user_id(demo_db, "mia"))
    ticket = ticket_id(demo_db, ONE_REPAIR)
    offer = repairs.defaults(demo_db, agent, ticket)
    second = repairs.create_repair(demo_db, agent, ticket, offer.initial)
    repairs.transition(demo_db, agent, second.id, repairs.Step.START)
    run_before = open_repairs_button(demo_db, ONE_REPAIR)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_repair_modal_80x24(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    open_modal = repair_modal(demo_db, ONE_REPAIR)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_modal(pilot)
        await add_part(pilot, "fuser")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=run_before)
