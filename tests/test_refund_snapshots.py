"""Snapshot tests of the Refund modal, the Credit Notes list and the credit note editor.

Same rules as test_snapshots.py: a fixed size and date, keys driven with `press` / `settle`,
and a snapshot is accepted only after someone looked at it (DESIGN.md section 6).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from aftersales_tui.db import Database
from aftersales_tui.services import Context, directory, ledger, refunds
from aftersales_tui.services import tickets as ticket_service
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.services.refunds import RefundMode, RefundRequest
from aftersales_tui.services.tickets import TicketFields

from .ui import (
    is_link_button,
    keys_for,
    make_app,
    press,
    show_ticket,
    tab_to,
    team_id,
    ticket_id,
    user_id,
)

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)

UNPAID_INVOICE = 1038  # Desk lamp (untracked), open invoice INV/2026/00032
TRACKED_PRODUCT = 1045  # lot/serial-tracked product, open invoice INV/2026/00003
PAID_INVOICE = 1120  # paid invoice INV/2026/00033: only Reverse
ONE_DRAFT = 1041  # one draft credit note RSHOP/2026/00001 on a paid invoice


pytestmark = pytest.mark.usefixtures("steady_cursors")


def has_id(widget_id: str) -> Callable[[Widget | None], bool]:
    return lambda widget: widget is not None and widget.id == widget_id


async def type_into_focused(pilot: Pilot[None], text: str) -> None:
    """Replace the focused input's text with `text`, typed."""
    assert isinstance(pilot.app.focused, Input)
    await press(pilot, "end", "ctrl+u", *keys_for(text))


def refund_modal(db: Database, ticket_number: int) -> RunBefore:
    """Open a ticket and press f (Refund)."""
    ticket = ticket_id(db, ticket_number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await press(pilot, "f")

    return run_before


def customer_without_invoices(db: Database) -> int:
    """The first customer, by name, with no posted invoice at all."""
    with db.read() as session:
        for customer in directory.customers(session, limit=1000):
            customer_ids = ledger.commercial_ids(session, customer.id)
            if not ledger.refundable_invoices(
                session, customer_ids, None, None, None, with_refunded=True
            ):
                return customer.id
    raise AssertionError("the demo has no customer without posted invoices")


def second_credit_note(db: Database, ctx: Context, ticket: int) -> None:
    """A second draft credit note on the ticket, made as the Refund modal's Reverse makes it."""
    offer = refunds.defaults(db, ctx, ticket)
    refunds.create_refund(
        db,
        ctx.as_user(user_id(db, "mia")),
        ticket,
        RefundRequest(
            offer.invoice_ids,
            offer.reason,
            offer.journal_id,
            offer.reversal_date,
            RefundMode.REVERSE,
            offer.scope,
        ),
    )


# --- the Refund modal --------------------------------------------------------------------


def test_refund_prefilled(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = refund_modal(demo_db, UNPAID_INVOICE)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_refund_lot_serial(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = refund_modal(demo_db, TRACKED_PRODUCT)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_refund_paid_invoice(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = refund_modal(demo_db, PAID_INVOICE)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_refund_no_posted_invoice(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    detail = ticket_service.create(
        demo_db,
        ctx.as_user(user_id(demo_db, "mia")),
        TicketFields(
            title="Broken hinge",
            team_id=team_id(demo_db, "Support EU"),
            partner_id=customer_without_invoices(demo_db),
        ),
    )
    run_before = refund_modal(demo_db, detail.number)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_refund_future_date(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    open_refund = refund_modal(demo_db, UNPAID_INVOICE)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_refund(pilot)
        await tab_to(pilot, has_id("reversal_date"))
        await type_into_focused(pilot, "+3d")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_refund_unreadable_date(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    open_refund = refund_modal(demo_db, UNPAID_INVOICE)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_refund(pilot)
        await tab_to(pilot, has_id("reversal_date"))
        await type_into_focused(pilot, "soon")
        await press(pilot, "ctrl+s")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- credit notes --------------------------------------------------------------------------


def open_credit_notes_button(db: Database, ticket_number: int) -> RunBefore:
    """Open a ticket, tab to its Credit Notes smart button and press enter."""
    ticket = ticket_id(db, ticket_number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await tab_to(pilot, is_link_button(LinkKind.CREDIT_NOTES))
        await press(pilot, "enter")

    return run_before


def test_credit_notes_list(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    second_credit_note(demo_db, ctx, ticket_id(demo_db, ONE_DRAFT))
    run_before = open_credit_notes_button(demo_db, ONE_DRAFT)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_credit_note_editor(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = open_credit_notes_button(demo_db, ONE_DRAFT)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_credit_note_quantity_too_high(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    open_editor = open_credit_notes_button(demo_db, ONE_DRAFT)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_editor(pilot)
        await type_into_focused(pilot, "99")
        await press(pilot, "ctrl+s")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- small terminal -------------------------------------------------------------------


def test_refund_80x24(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = refund_modal(demo_db, UNPAID_INVOICE)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=run_before)
