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

from aftersales_tui.db import Database
from aftersales_tui.services import Context, repairs
from aftersales_tui.widgets.record_picker import RecordPicker

from .repair_builders import another_repair
from .test_repair_flows import ONE_REPAIR, UNTRACKED, add_part, open_repairs_button
from .ui import make_app, press, show_ticket, ticket_id, user_id

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)
DONE_REPAIR = 1024  # RO/00001, done, two parts under warranty

pytestmark = pytest.mark.usefixtures("steady_cursors")


def shot(snap_compare: SnapCompare, db: Database, ctx: Context, run_before: RunBefore) -> bool:
    return bool(snap_compare(make_app(db, ctx), terminal_size=WIDE, run_before=run_before))


def repair_modal(db: Database, number: int, *keys: str) -> RunBefore:
    """Open a ticket, press o (Repair), then ``keys``."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await press(pilot, "o", *keys)

    return run_before


def repairs_button(db: Database, number: int) -> RunBefore:
    """Open a ticket, tab to its Repairs smart button and press enter."""

    async def run_before(pilot: Pilot[None]) -> None:
        await open_repairs_button(pilot, db, number)

    return run_before


def test_repair_modal_defaults(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """An untracked product: no Lot/Serial row."""
    assert shot(snap_compare, demo_db, ctx, repair_modal(demo_db, UNTRACKED))


def test_repair_modal_tracked_product(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """A serial-tracked product: its Lot/Serial, and the ticket's return holding it."""
    assert shot(snap_compare, demo_db, ctx, repair_modal(demo_db, ONE_REPAIR))


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

    assert shot(snap_compare, demo_db, ctx, run_before)


def test_repair_missing_lot(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    open_modal = repair_modal(demo_db, ONE_REPAIR)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_modal(pilot)
        pilot.app.screen.query_one("#lot_id", RecordPicker).choose(None)
        await press(pilot, "ctrl+s")

    assert shot(snap_compare, demo_db, ctx, run_before)


def test_repair_notes_tab(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    assert shot(snap_compare, demo_db, ctx, repair_modal(demo_db, ONE_REPAIR, "ctrl+t"))


def test_repair_opened_from_its_smart_button(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """One repair (confirmed, a quotation, under warranty): the smart button opens it."""
    agent = ctx.as_user(user_id(demo_db, "mia"))
    [row] = repairs.for_ticket(demo_db, ticket_id(demo_db, ONE_REPAIR))
    repairs.transition(demo_db, agent, row.id, repairs.Step.QUOTATION)
    assert shot(snap_compare, demo_db, ctx, repairs_button(demo_db, ONE_REPAIR))


def test_repair_done_is_read_only(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    assert shot(snap_compare, demo_db, ctx, repairs_button(demo_db, DONE_REPAIR))


def test_repairs_list(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    ticket = ticket_id(demo_db, ONE_REPAIR)
    second = another_repair(demo_db, ctx, ticket)
    repairs.transition(demo_db, ctx.as_user(user_id(demo_db, "mia")), second.id, repairs.Step.START)
    assert shot(snap_compare, demo_db, ctx, repairs_button(demo_db, ONE_REPAIR))


def test_repair_modal_80x24(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    open_modal = repair_modal(demo_db, ONE_REPAIR)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_modal(pilot)
        await add_part(pilot, "fuser")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=run_before)


def test_repair_customer_search_80x24(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """The customer picker's search open over the form: what was typed, the first matches."""
    run_before = repair_modal(demo_db, ONE_REPAIR, "a")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=run_before)


def test_repair_lot_search(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """The lot picker's search: only the product's serial numbers starting with what was typed."""

    async def run_before(pilot: Pilot[None]) -> None:
        await repair_modal(demo_db, ONE_REPAIR)(pilot)
        pilot.app.screen.query_one("#lot_id", RecordPicker).focus()
        await press(pilot, "s", "n", "minus", "0", "0", "0")

    assert shot(snap_compare, demo_db, ctx, run_before)
