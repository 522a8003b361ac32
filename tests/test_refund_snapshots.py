"""Snapshot tests of the Refund modal, the Credit Notes list and the credit note editor.

Same rules as test_snapshots.py: a fixed size and date, keys driven with `press` / `settle`,
and a snapshot is accepted only after someone looked at it (DESIGN.md section 6).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from aftersales_tui.db import Database
from aftersales_tui.models import Team, User
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, directory, ledger, refunds
from aftersales_tui.services import tickets as ticket_service
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.services.refunds import RefundMode, RefundRequest
from aftersales_tui.services.tickets import TicketFields
from aftersales_tui.widgets.smart_buttons import SmartButtonBox

from .ui import make_app, press, settle, ticket_id

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)

UNPAID_INVOICE = 1038  # Desk lamp (untracked), open invoice INV/2026/00032
TRACKED_PRODUCT = 1045  # lot/serial-tracked product, open invoice INV/2026/00003
PAID_INVOICE = 1120  # paid invoice INV/2026/00033: only Reverse
ONE_DRAFT = 1041  # one draft credit note RSHOP/2026/00001 on a paid invoice

# Enough tabs to go once round any of these screens' focus chains.
MAX_TABS = 20

pytestmark = pytest.mark.usefixtures("steady_cursors")


def keys_for(text: str) -> list[str]:
    """The key names that type `text` one character at a time."""
    return ["space" if char == " " else char for char in text]


def user_id(db: Database, login: str) -> int:
    with db.read() as session:
        return session.exec(select(User.id).where(User.login == login)).one() or 0


def team_id(db: Database, name: str) -> int:
    with db.read() as session:
        return session.exec(select(Team.id).where(Team.name == name)).one() or 0


async def open_ticket(pilot: Pilot[None], ticket: int) -> None:
    """Show the ticket screen of a ticket (by id) directly, its loads finished."""
    await settle(pilot)
    pilot.app.push_screen(TicketScreen(ticket))
    await settle(pilot)


async def tab_to(pilot: Pilot[None], wanted: Callable[[Widget | None], bool]) -> None:
    """Press tab until the focused widget is the wanted one."""
    for _ in range(MAX_TABS):
        if wanted(pilot.app.focused):
            return
        await press(pilot, "tab")
    assert wanted(pilot.app.focused), f"tab never reached it; focused: {pilot.app.focused!r}"


def has_id(widget_id: str) -> Callable[[Widget | None], bool]:
    return lambda widget: widget is not None and widget.id == widget_id


def is_credit_notes_button(widget: Widget | None) -> bool:
    return isinstance(widget, SmartButtonBox) and widget.button.kind == LinkKind.CREDIT_NOTES


async def type_into_focused(pilot: Pilot[None], text: str) -> None:
    """Replace the focused input's text with `text`, typed."""
    assert isinstance(pilot.app.focused, Input)
    await press(pilot, "end", "ctrl+u", *keys_for(text))


def refund_modal(db: Database, ticket_number: int) -> RunBefore:
    """Open a ticket and press f (Refund)."""
    ticket = ticket_id(db, ticket_number)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_ticket(pilot, ticket)
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
        await open_ticket(pilot, ticket)
        await tab_to(pilot, is_credit_notes_button)
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
