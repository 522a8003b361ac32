"""A ticket's credit notes: the list, a draft's editor (partial refunds), posting, cancelling."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import Invoice, InvoiceState, PaymentState, Tracking
from aftersales_tui.services import credit_notes, refunds
from aftersales_tui.services.context import Context
from aftersales_tui.services.credit_notes import CreditNoteEdit, LineEdit
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.refunds import RefundMode, RefundScope

from . import factories as f
from .accounting_builders import (
    Line,
    Shop,
    ask,
    footprint,
    invoice_log,
    lines_of,
    load,
    lot,
    ticket_log,
)
from .conftest import TODAY


def refund(
    shop: Shop,
    ctx: Context,
    ticket_id: int,
    *invoice_ids: int,
    mode: RefundMode = RefundMode.REVERSE,
    **changes: Any,
) -> list[int]:
    """Credit notes made the agent's way: the Refund modal, defaults kept."""
    offer = refunds.defaults(shop.db, ctx, ticket_id, RefundScope())
    request = ask(offer, mode, invoice_ids=invoice_ids, **changes)
    return list(refunds.create_refund(shop.db, ctx, ticket_id, request).credit_note_ids)


def edit(*lines: tuple[int, str, str], post: bool = False) -> CreditNoteEdit:
    return CreditNoteEdit(tuple(LineEdit(i, q, p) for i, q, p in lines), post=post)


def refuse_save(
    db: Database, ctx: Context, credit_id: int, change: CreditNoteEdit, field: str | None
) -> AfterSalesError:
    before = footprint(db)
    with pytest.raises(AfterSalesError) as caught:
        credit_notes.save(db, ctx, credit_id, change)
    assert caught.value.field == field, caught.value.message
    assert footprint(db) == before
    return caught.value


# --- the list and the detail ----------------------------------------------------------------


def test_for_ticket_lists_the_ticket_credit_notes(shop: Shop, ctx: Context) -> None:
    first = shop.invoice(Line(shop.desk, "2", "100"))
    second = shop.invoice(Line(shop.chair, "1", "50"))
    third = shop.invoice(Line(shop.chair, "1", "60"))
    ticket_id = shop.ticket(7)
    other_ticket = shop.ticket(8)
    refund(shop, ctx, ticket_id, first)
    refund(shop, ctx, ticket_id, second, mode=RefundMode.FULL_REFUND)
    refund(
        shop,
        ctx,
        ticket_id,
        third,
        mode=RefundMode.FULL_REFUND,
        reversal_date=date(2026, 12, 1),
    )
    refund(shop, ctx, other_ticket, shop.invoice(Line(shop.desk, "1", "100")))

    rows = credit_notes.for_ticket(shop.db, ticket_id)

    assert [(r.name, r.invoice, r.invoice_date, r.state, r.amount, r.scheduled) for r in rows] == [
        ("RINV/2026/00003", "INV/2026/00003", date(2026, 12, 1), InvoiceState.DRAFT, 60, True),
        ("RINV/2026/00002", "INV/2026/00002", TODAY, InvoiceState.POSTED, 50, False),
        ("RINV/2026/00001", "INV/2026/00001", TODAY, InvoiceState.DRAFT, 200, False),
    ]
    assert [r.name for r in credit_notes.for_ticket(shop.db, other_ticket)] == ["RINV/2026/00004"]
    assert credit_notes.for_ticket(shop.db, shop.ticket(9)) == []


def test_detail_shows_lines_and_what_each_can_still_refund(shop: Shop, ctx: Context) -> None:
    printer = f.product(shop.db, "Printer", tracking=Tracking.SERIAL)
    sn = lot(shop.db, printer, "SN-1")
    invoice_id = shop.invoice(Line(shop.desk, "3", "100"), Line(printer, "1", "900", sn))
    ticket_id = shop.ticket(7)
    (earlier,) = refund(shop, ctx, ticket_id, invoice_id)
    desk_line, printer_line = lines_of_ids(shop.db, earlier)
    # The earlier draft keeps one desk only.
    credit_notes.save(
        shop.db, ctx, earlier, edit((desk_line, "1", "100"), (printer_line, "0", "9"))
    )
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)

    shown = credit_notes.detail(shop.db, credit_id)

    assert shown.name == "RINV/2026/00002"
    assert shown.invoice == "INV/2026/00001"
    assert shown.invoice_total == Decimal("1200.00")
    assert shown.refundable == Decimal("1100.00")  # the earlier draft holds 100.00
    assert shown.state == InvoiceState.DRAFT and shown.editable
    assert shown.ref == "Reversal of: INV/2026/00001, Helpdesk Ticket #7"
    assert shown.amount == Decimal("1100.00")
    assert not shown.scheduled
    assert [
        (line.description, line.quantity, line.price_unit, line.max_quantity, line.subtotal)
        for line in shown.lines
    ] == [
        (f"product {shop.desk}", 2, 100, 2, Decimal("200.00")),
        (f"product {printer} (SN-1)", 1, 900, 1, Decimal("900.00")),
    ]


def lines_of_ids(db: Database, credit_id: int) -> list[int]:
    return [line.id for line in credit_notes.detail(db, credit_id).lines]


# --- editing a draft: a partial refund --------------------------------------------------------


def test_save_changes_quantities_and_prices(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"), Line(shop.chair, "4", "50"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)
    desk, chair = lines_of_ids(shop.db, credit_id)
    messages = len(ticket_log(shop.db, ticket_id))

    saved = credit_notes.save(
        shop.db, ctx, credit_id, edit((desk, "1", "80.5"), (chair, " 0 ", "50"))
    )

    assert saved.amount == Decimal("80.50")
    assert saved.state == InvoiceState.DRAFT
    assert [(line.quantity, line.price_unit) for line in saved.lines] == [
        (1, Decimal("80.50")),
        (0, 50),
    ]
    assert load(shop.db, credit_id).amount_total == Decimal("80.50")
    assert lines_of(shop.db, credit_id) == [
        (shop.desk, None, Decimal(1), Decimal("80.50")),
        (shop.chair, None, Decimal(0), Decimal(50)),
    ]
    assert len(ticket_log(shop.db, ticket_id)) == messages  # a draft's edit logs nothing
    (choice,) = refunds.defaults(shop.db, ctx, ticket_id, RefundScope()).invoices
    assert choice.refundable == Decimal("319.50")


@pytest.mark.parametrize(
    ("quantity", "price", "suffix"),
    [
        ("-1", "100", "quantity"),
        ("3", "100", "quantity"),  # only 2 were invoiced
        ("abc", "100", "quantity"),
        ("", "100", "quantity"),
        ("NaN", "100", "quantity"),
        ("1", "-5", "price"),
        ("1", "abc", "price"),
        ("1", "inf", "price"),
    ],
)
def test_save_refuses_bad_lines(
    shop: Shop, ctx: Context, quantity: str, price: str, suffix: str
) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)
    (line_id,) = lines_of_ids(shop.db, credit_id)

    refuse_save(
        shop.db, ctx, credit_id, edit((line_id, quantity, price)), f"line-{line_id}-{suffix}"
    )


def test_save_refuses_more_than_is_left_for_the_product(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "3", "100"))
    ticket_id = shop.ticket()
    (first,) = refund(shop, ctx, ticket_id, invoice_id)
    (first_line,) = lines_of_ids(shop.db, first)
    credit_notes.save(shop.db, ctx, first, edit((first_line, "1", "100")))
    (second,) = refund(shop, ctx, ticket_id, invoice_id)
    (second_line,) = lines_of_ids(shop.db, second)
    assert credit_notes.detail(shop.db, second).lines[0].max_quantity == 2

    error = refuse_save(
        shop.db, ctx, second, edit((second_line, "3", "10")), f"line-{second_line}-quantity"
    )
    assert error.message == "At most 2 can be refunded on this line"


def test_save_counts_every_line_of_the_same_product(shop: Shop, ctx: Context) -> None:
    """Two invoice lines of one product: together the credit note holds at most their sum."""
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"), Line(shop.desk, "1", "10"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)
    a, b = lines_of_ids(shop.db, credit_id)
    assert [line.max_quantity for line in credit_notes.detail(shop.db, credit_id).lines] == [2, 1]

    error = refuse_save(
        shop.db, ctx, credit_id, edit((a, "3", "10"), (b, "3", "10")), f"line-{a}-quantity"
    )
    assert error.message == "At most 0 can be refunded on this line"  # b holds all 3
    refuse_save(shop.db, ctx, credit_id, edit((a, "3", "10")), f"line-{a}-quantity")
    saved = credit_notes.save(shop.db, ctx, credit_id, edit((a, "1", "10"), (b, "2", "10")))
    assert saved.amount == Decimal("30.00")
    assert [line.max_quantity for line in saved.lines] == [1, 2]


def test_save_refuses_all_lines_at_zero(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"), Line(shop.chair, "1", "50"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)
    desk, chair = lines_of_ids(shop.db, credit_id)

    error = refuse_save(shop.db, ctx, credit_id, edit((desk, "0", "100"), (chair, "0", "50")), None)
    assert error.message == "Keep at least one line with a quantity above zero"
    # One line at zero is fine while another keeps a quantity.
    assert credit_notes.save(shop.db, ctx, credit_id, edit((desk, "0", "100"))).amount == 50


def test_save_refuses_a_total_above_what_is_left_on_the_invoice(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    ticket_id = shop.ticket()
    (first,) = refund(shop, ctx, ticket_id, invoice_id)
    (first_line,) = lines_of_ids(shop.db, first)
    credit_notes.save(shop.db, ctx, first, edit((first_line, "1", "100")))
    (second,) = refund(shop, ctx, ticket_id, invoice_id)
    (second_line,) = lines_of_ids(shop.db, second)

    error = refuse_save(shop.db, ctx, second, edit((second_line, "1", "100.01")), "lines")

    assert "only 100.00 is left" in error.message
    assert credit_notes.save(shop.db, ctx, second, edit((second_line, "1", "100"))).amount == 100


def test_save_refuses_a_line_of_another_credit_note(shop: Shop, ctx: Context) -> None:
    ticket_id = shop.ticket()
    (one,) = refund(shop, ctx, ticket_id, shop.invoice(Line(shop.desk, "1", "100")))
    (other,) = refund(shop, ctx, ticket_id, shop.invoice(Line(shop.desk, "1", "100")))
    (foreign,) = lines_of_ids(shop.db, other)

    refuse_save(shop.db, ctx, one, edit((foreign, "1", "1")), None)


# --- posting ------------------------------------------------------------------------------


def test_save_and_post_reconciles_a_partial_refund(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)
    (line_id,) = lines_of_ids(shop.db, credit_id)

    shown = credit_notes.save(shop.db, ctx, credit_id, edit((line_id, "1", "80"), post=True))

    assert shown.state == InvoiceState.POSTED and not shown.editable
    credit = load(shop.db, credit_id)
    assert credit.state == InvoiceState.POSTED
    assert credit.payment_state == PaymentState.PAID
    assert credit.amount_total == Decimal("80.00")
    assert load(shop.db, invoice_id).payment_state == PaymentState.PARTIAL
    assert ticket_log(shop.db, ticket_id)[-1] == "Credit note RINV/2026/00001 posted (80.00)"
    assert invoice_log(shop.db, invoice_id)[-1] == "Reconciled with RINV/2026/00001"
    (choice,) = refunds.defaults(shop.db, ctx, ticket_id, RefundScope()).invoices
    assert choice.refundable == Decimal("120.00")


def test_post_reconciles_and_logs_on_the_ticket(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)

    credit_notes.post(shop.db, ctx, credit_id)

    credit = load(shop.db, credit_id)
    assert credit.state == InvoiceState.POSTED
    assert credit.payment_state == PaymentState.PAID
    assert load(shop.db, invoice_id).payment_state == PaymentState.REVERSED
    assert ticket_log(shop.db, ticket_id)[-1] == "Credit note RINV/2026/00001 posted (200.00)"

    before = footprint(shop.db)
    with pytest.raises(AfterSalesError) as caught:
        credit_notes.post(shop.db, ctx, credit_id)
    assert caught.value.field == "state"
    assert footprint(shop.db) == before


def test_posting_a_paid_invoice_credit_note_keeps_the_invoice_paid(
    shop: Shop, ctx: Context
) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"), payment=PaymentState.PAID)
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)

    credit_notes.post(shop.db, ctx, credit_id)

    assert load(shop.db, credit_id).state == InvoiceState.POSTED
    assert load(shop.db, invoice_id).payment_state == PaymentState.PAID


def test_posting_a_scheduled_draft_now_ends_its_schedule(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(
        shop,
        ctx,
        ticket_id,
        invoice_id,
        mode=RefundMode.FULL_REFUND,
        reversal_date=date(2026, 12, 1),
    )
    assert load(shop.db, credit_id).auto_post

    credit_notes.post(shop.db, ctx, credit_id)

    credit = load(shop.db, credit_id)
    assert credit.state == InvoiceState.POSTED and not credit.auto_post
    assert refunds.post_due(shop.db, ctx) == []


# --- cancelling and what can no longer change ------------------------------------------------


def test_cancel_a_draft_makes_the_invoice_refundable_again(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(shop, ctx, ticket_id, invoice_id)
    assert refunds.defaults(shop.db, ctx, ticket_id).invoices == ()

    credit_notes.cancel(shop.db, ctx, credit_id)

    assert load(shop.db, credit_id).state == InvoiceState.CANCELLED
    assert ticket_log(shop.db, ticket_id)[-1] == "Credit note RINV/2026/00001 cancelled"
    (choice,) = refunds.defaults(shop.db, ctx, ticket_id).invoices
    assert (choice.id, choice.refundable) == (invoice_id, Decimal("200.00"))
    (again,) = refund(shop, ctx, ticket_id, invoice_id)
    assert lines_of(shop.db, again) == [(shop.desk, None, Decimal(2), Decimal(100))]
    rows = credit_notes.for_ticket(shop.db, ticket_id)
    assert [(r.name, r.state) for r in rows] == [
        ("RINV/2026/00002", InvoiceState.DRAFT),
        ("RINV/2026/00001", InvoiceState.CANCELLED),
    ]


def test_a_cancelled_scheduled_draft_is_never_posted(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    (credit_id,) = refund(
        shop,
        ctx,
        ticket_id,
        invoice_id,
        mode=RefundMode.FULL_REFUND,
        reversal_date=date(2026, 11, 24),
    )

    credit_notes.cancel(shop.db, ctx, credit_id)

    assert not load(shop.db, credit_id).auto_post
    later = Context(user_id=None, clock=lambda: ctx.now().replace(day=25), tz=ctx.tz)
    assert refunds.post_due(shop.db, later) == []
    assert load(shop.db, credit_id).state == InvoiceState.CANCELLED


def test_only_a_draft_can_be_cancelled_edited_or_posted(shop: Shop, ctx: Context) -> None:
    ticket_id = shop.ticket()
    (posted,) = refund(
        shop, ctx, ticket_id, shop.invoice(Line(shop.desk, "1", "100")), mode=RefundMode.FULL_REFUND
    )
    (cancelled,) = refund(shop, ctx, ticket_id, shop.invoice(Line(shop.desk, "1", "100")))
    credit_notes.cancel(shop.db, ctx, cancelled)
    assert not credit_notes.detail(shop.db, posted).editable
    assert not credit_notes.detail(shop.db, cancelled).editable

    for credit_id in (posted, cancelled):
        (line_id,) = lines_of_ids(shop.db, credit_id)
        before = footprint(shop.db)
        with pytest.raises(AfterSalesError, match="only a draft can be cancelled"):
            credit_notes.cancel(shop.db, ctx, credit_id)
        with pytest.raises(AfterSalesError, match="only a draft can be changed"):
            credit_notes.save(shop.db, ctx, credit_id, edit((line_id, "1", "1")))
        with pytest.raises(AfterSalesError, match="not a draft"):
            credit_notes.post(shop.db, ctx, credit_id)
        assert footprint(shop.db) == before


def test_an_invoice_or_a_missing_id_is_not_a_credit_note(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    for wrong in (invoice_id, 999):
        with pytest.raises(AfterSalesError, match="no longer exists"):
            credit_notes.detail(shop.db, wrong)
        with pytest.raises(AfterSalesError, match="no longer exists"):
            credit_notes.post(shop.db, ctx, wrong)
        with pytest.raises(AfterSalesError, match="no longer exists"):
            credit_notes.cancel(shop.db, ctx, wrong)
    assert load(shop.db, invoice_id).state == InvoiceState.POSTED


# --- the demo -----------------------------------------------------------------------------


def test_demo_ticket_1042_draft_credit_note(demo_db: Database, ctx: Context) -> None:
    from .test_refunds import _demo_ticket

    ticket_id = _demo_ticket(demo_db, 1042)
    (row,) = credit_notes.for_ticket(demo_db, ticket_id)
    assert (row.name, row.invoice, row.state, row.amount) == (
        "RINV/2026/00002",
        "INV/2026/00034",
        InvoiceState.DRAFT,
        Decimal("1240.00"),
    )
    shown = credit_notes.detail(demo_db, row.id)
    assert [(line.description, line.max_quantity) for line in shown.lines] == [
        ("LaserJet X200 (SN-00042)", 1)
    ]
    (line,) = shown.lines

    saved = credit_notes.save(demo_db, ctx, row.id, edit((line.id, "1", "400"), post=True))

    assert saved.state == InvoiceState.POSTED and saved.amount == Decimal("400.00")
    with demo_db.read() as s:
        paid = s.exec(select(Invoice).where(Invoice.name == "INV/2026/00034")).one()
    assert paid.payment_state == PaymentState.PAID  # stays paid: money to pay back
    assert ticket_log(demo_db, ticket_id)[-1] == "Credit note RINV/2026/00002 posted (400.00)"
