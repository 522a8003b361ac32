"""Refund flows driven with Pilot, from the home screen to the smart button and back."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import col, select
from textual.widgets import Button, Input

from aftersales_tui.db import Database
from aftersales_tui.models import Invoice, InvoiceState, MoveType, PaymentState
from aftersales_tui.screens.credit_note_editor import CreditNoteEditor
from aftersales_tui.screens.credit_notes import CreditNotesScreen
from aftersales_tui.screens.refund_modal import RefundModal
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, tickets

from .ui import make_app, press, settle, smart_buttons, ticket_id, type_text


def credit_notes_of(db: Database, number: int) -> list[Invoice]:
    with db.read() as session:
        return list(
            session.exec(
                select(Invoice)
                .where(
                    Invoice.ticket_id == ticket_id(db, number),
                    Invoice.move_type == MoveType.CREDIT_NOTE,
                )
                .order_by(col(Invoice.id))
            ).all()
        )


async def test_home_open_refund_reverse_and_the_panel_counts_it(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "1120")
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, TicketScreen)
        assert "credit_notes" not in smart_buttons(app)
        await press(pilot, "f")
        assert isinstance(app.screen, RefundModal)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["credit_notes"] == "1 1 draft"
        [credit] = credit_notes_of(demo_db, 1120)
        assert credit.state == InvoiceState.DRAFT
        assert credit.ref == "Reversal of: INV/2026/00033, Helpdesk Ticket #1120"
        history = tickets.history(demo_db, ticket_id(demo_db, 1120))
        assert history[0].body.startswith(f"Refund {credit.name} created (draft)")


async def test_paid_invoice_allows_only_reverse(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1120)))
        await settle(pilot)
        await press(pilot, "f")
        modal = app.screen
        assert isinstance(modal, RefundModal)
        assert modal.query_one("#mode-refund", Button).disabled
        assert modal.query_one("#mode-modify", Button).disabled
        assert not modal.query_one("#mode-reverse", Button).disabled
        notes = str(modal.query_one("#refund-notes").render())
        assert "INV/2026/00033 is paid: only Reverse is possible." in notes


async def test_full_refund_posts_and_reconciles(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1038)))
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, RefundModal)
        app.screen.query_one("#mode-refund", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["credit_notes"] == "1 1 posted"
    [credit] = credit_notes_of(demo_db, 1038)
    with demo_db.read() as session:
        invoice = session.get(Invoice, credit.reversed_entry_id)
        assert invoice is not None
        assert credit.state == InvoiceState.POSTED
        assert invoice.payment_state in (PaymentState.REVERSED, PaymentState.PARTIAL)


async def test_unreadable_date_then_a_future_one(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1038)))
        await settle(pilot)
        await press(pilot, "f")
        date_box = app.screen.query_one("#reversal_date", Input)
        date_box.value = "soon"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RefundModal)
        error = str(app.screen.query_one("#reversal_date-error").render())
        assert "Not a date: soon" in error
        assert credit_notes_of(demo_db, 1038) == []
        app.screen.query_one("#reversal_date", Input).value = "+3d"
        await settle(pilot)
        notes = str(app.screen.query_one("#refund-notes").render())
        assert "is posted on that date" in notes
        app.screen.query_one("#mode-refund", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    [credit] = credit_notes_of(demo_db, 1038)
    assert (credit.state, credit.auto_post, str(credit.invoice_date)) == (
        InvoiceState.DRAFT,
        True,
        "2026-11-26",
    )


async def test_escape_writes_nothing(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1038)))
        await settle(pilot)
        await press(pilot, "f", "escape")
        assert isinstance(app.screen, TicketScreen)
    assert credit_notes_of(demo_db, 1038) == []


async def test_partial_refund_in_the_draft_editor(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1041)))
        await settle(pilot)
        await press(pilot, "tab", "enter")  # the one credit note opens directly
        editor = app.screen
        assert isinstance(editor, CreditNoteEditor)
        line = editor.detail.lines[0]
        editor.query_one(f"#line-{line.id}-quantity", Input).value = "0"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CreditNoteEditor)  # reopened with the error
        assert "at least one line" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one(f"#line-{line.id}-quantity", Input).value = "1"
        app.screen.query_one(f"#line-{line.id}-price", Input).value = "100"
        app.screen.query_one("#save-post", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["credit_notes"] == "1 1 posted"
    [credit] = credit_notes_of(demo_db, 1041)
    assert (credit.state, credit.amount_total) == (InvoiceState.POSTED, Decimal("100.00"))


async def test_cancel_a_draft_from_the_list(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1041)))
        await settle(pilot)
        await press(pilot, "f", "ctrl+s")  # a second credit note: the button opens the list
        await press(pilot, "tab", "enter")
        assert isinstance(app.screen, CreditNotesScreen)
        assert len(app.screen.rows) == 2
        await press(pilot, "c", "y")
        assert app.screen.rows[0].state == InvoiceState.CANCELLED
        await press(pilot, "q")
        assert smart_buttons(app)["credit_notes"] == "2 1 draft · 1 cancelled"


async def test_refund_only_where_the_team_has_it(demo_db: Database, ctx: Context) -> None:
    from aftersales_tui.keys import screen_keys

    with demo_db.read() as session:
        from aftersales_tui.models import Team, Ticket

        pre_sales = session.exec(select(Team).where(Team.name == "Pre-Sales")).one()
        other = session.exec(select(Ticket).where(Ticket.team_id == pre_sales.id)).first()
    assert other is not None and other.id is not None
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(TicketScreen(ticket_id(demo_db, 1038)))
        await settle(pilot)
        palette = [c.title for c in app.get_system_commands(app.screen)]
        assert "Refund" in palette
        assert any(k.key == "f" and k.description == "Refund" for k in screen_keys(app.screen))
        await press(pilot, "q")
        app.push_screen(TicketScreen(other.id))
        await settle(pilot)
        assert "Refund" not in [c.title for c in app.get_system_commands(app.screen)]
        await press(pilot, "f")
        assert isinstance(app.screen, TicketScreen)  # the key does nothing here
