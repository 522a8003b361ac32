"""Refunds from a ticket: what the Refund modal offers, and the credit notes it writes."""

from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from aftersales_tui.db import Database, open_database
from aftersales_tui.models import (
    InvoiceState,
    JournalType,
    MoveType,
    OrderState,
    PaymentState,
    Product,
    Ticket,
    Tracking,
)
from aftersales_tui.services import directory, ledger, refunds
from aftersales_tui.services.context import Context, frozen_clock
from aftersales_tui.services.directory import Choice
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.refunds import (
    RefundMode,
    RefundRequest,
    RefundScope,
)

from . import factories as f
from .accounting_builders import (
    Line,
    Shop,
    ask,
    at,
    contact,
    credit_note,
    credit_notes_of,
    invoice_log,
    journal,
    lines_of,
    load,
    lot,
    refuse,
    sale_order,
    ticket_log,
)
from .conftest import NOW, TODAY

# --- defaults: the order, the product, the lot -------------------------------------------


def test_the_ticket_order_is_proposed_even_when_a_later_one_exists(
    shop: Shop, ctx: Context
) -> None:
    old = sale_order(shop.db, shop.customer_id, "S00001", shop.desk, day=date(2026, 9, 1))
    new = sale_order(shop.db, shop.customer_id, "S00002", shop.desk, day=date(2026, 11, 1))
    old_invoice = shop.invoice(Line(shop.desk, "1", "100"), order_id=old, day=date(2026, 9, 2))
    shop.invoice(Line(shop.desk, "1", "100"), order_id=new)
    ticket_id = shop.ticket(sale_order_id=old)

    offer = refunds.defaults(shop.db, ctx, ticket_id)

    assert offer.scope.sale_order_id == old
    assert [o.label for o in offer.orders] == ["S00002", "S00001"]
    assert [i.id for i in offer.invoices] == [old_invoice]
    assert offer.invoice_ids == (old_invoice,)


def test_without_an_order_the_latest_confirmed_order_with_a_posted_invoice(
    shop: Shop, ctx: Context
) -> None:
    c = shop.customer_id
    older = sale_order(shop.db, c, "S00001", shop.desk, day=date(2026, 9, 1))
    latest = sale_order(shop.db, c, "S00002", shop.desk, day=date(2026, 10, 1))
    draft_only = sale_order(shop.db, c, "S00003", shop.desk, day=date(2026, 11, 1))
    quotation = sale_order(
        shop.db, c, "S00004", shop.desk, day=date(2026, 11, 5), state=OrderState.QUOTATION
    )
    cancelled = sale_order(
        shop.db, c, "S00005", shop.desk, day=date(2026, 11, 6), state=OrderState.CANCELLED
    )
    shop.invoice(Line(shop.desk, "1", "100"), order_id=older, day=date(2026, 9, 2))
    wanted = shop.invoice(Line(shop.desk, "2", "100"), order_id=latest, day=date(2026, 10, 2))
    shop.invoice(Line(shop.desk, "1", "100"), order_id=draft_only, state=InvoiceState.DRAFT)
    shop.invoice(Line(shop.desk, "1", "100"), order_id=quotation, day=date(2026, 11, 6))
    shop.invoice(Line(shop.desk, "1", "100"), order_id=cancelled, day=date(2026, 11, 7))
    ticket_id = shop.ticket()

    offer = refunds.defaults(shop.db, ctx, ticket_id)

    assert [o.label for o in offer.orders] == ["S00002", "S00001"]
    assert offer.scope.sale_order_id == latest
    assert offer.invoice_ids == (wanted,)
    assert [i.id for i in offer.invoices] == [wanted]


def test_the_product_narrows_orders_and_invoices(shop: Shop, ctx: Context) -> None:
    with_desk = sale_order(shop.db, shop.customer_id, "S00001", shop.desk, day=date(2026, 9, 1))
    chairs_only = sale_order(shop.db, shop.customer_id, "S00002", shop.chair)
    desk_invoice = shop.invoice(
        Line(shop.desk, "1", "100"), Line(shop.chair, "1", "50"), order_id=with_desk
    )
    shop.invoice(Line(shop.chair, "4", "50"), order_id=chairs_only)
    ticket_id = shop.ticket(product_id=shop.desk)

    offer = refunds.defaults(shop.db, ctx, ticket_id)
    assert [o.id for o in offer.orders] == [with_desk]
    assert offer.scope == RefundScope(with_desk, shop.desk, None)
    assert offer.invoice_ids == (desk_invoice,)

    any_order = refunds.defaults(shop.db, ctx, ticket_id, RefundScope(None, shop.desk, None))
    assert [i.id for i in any_order.invoices] == [desk_invoice]
    assert any_order.invoice_ids == ()  # no order, nothing chosen for the agent

    no_product = refunds.defaults(shop.db, ctx, ticket_id, RefundScope(None, None, None))
    assert len(no_product.invoices) == 2
    assert [o.label for o in no_product.orders] == ["S00002", "S00001"]


def test_lot_is_shown_only_for_a_tracked_product(shop: Shop, ctx: Context) -> None:
    printer = f.product(shop.db, "Printer", tracking=Tracking.SERIAL)
    sn1 = lot(shop.db, printer, "SN-1")
    sn2 = lot(shop.db, printer, "SN-2")
    lot(shop.db, shop.desk, "unrelated lot of another product")
    shop.invoice(Line(printer, "1", "900", sn1), Line(shop.desk, "1", "100"))

    tracked = refunds.defaults(shop.db, ctx, shop.ticket(1, product_id=printer, lot_id=sn1))
    assert tracked.lot_visible
    assert tracked.scope.lot_id == sn1
    assert tracked.lot == Choice(sn1, "SN-1")  # the others are searched for, not offered
    assert directory.find_lots(shop.db, printer, "sn") == [Choice(sn1, "SN-1"), Choice(sn2, "SN-2")]

    # An untracked product hides the field and forgets a lot left in the scope.
    untracked = refunds.defaults(shop.db, ctx, tracked.ticket_id, RefundScope(None, shop.desk, sn1))
    assert not untracked.lot_visible
    assert untracked.scope.lot_id is None
    assert len(untracked.invoices) == 1

    nothing = refunds.defaults(shop.db, ctx, shop.ticket(2))
    assert not nothing.lot_visible
    assert nothing.lot is None


def test_a_lot_leaves_out_invoices_naming_another_lot(shop: Shop, ctx: Context) -> None:
    printer = f.product(shop.db, "Printer", tracking=Tracking.LOT)
    l1 = lot(shop.db, printer, "L1")
    l2 = lot(shop.db, printer, "L2")
    same_lot = shop.invoice(Line(printer, "1", "900", l1))
    other_lot = shop.invoice(Line(printer, "1", "900", l2))
    no_lot = shop.invoice(Line(printer, "1", "900"))
    ticket_id = shop.ticket(product_id=printer, lot_id=l1)

    offer = refunds.defaults(shop.db, ctx, ticket_id)
    offered = {i.id for i in offer.invoices}
    assert offered == {same_lot, no_lot}
    assert other_lot not in offered

    l2_offer = refunds.defaults(shop.db, ctx, ticket_id, RefundScope(None, printer, l2))
    assert {i.id for i in l2_offer.invoices} == {other_lot, no_lot}


def test_a_lot_of_another_product_is_refused(shop: Shop, ctx: Context) -> None:
    printer = f.product(shop.db, "Printer", tracking=Tracking.SERIAL)
    scanner = f.product(shop.db, "Scanner", tracking=Tracking.SERIAL)
    sn1 = lot(shop.db, printer, "SN-1")
    scanners = lot(shop.db, scanner, "SC-1")
    shop.invoice(Line(printer, "1", "900", sn1))
    ticket_id = shop.ticket(product_id=printer, lot_id=sn1)
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    invoice_ids = tuple(i.id for i in offer.invoices)
    assert invoice_ids

    foreign = RefundScope(offer.scope.sale_order_id, printer, scanners)
    request = ask(offer, invoice_ids=invoice_ids, scope=foreign)
    error = refuse(shop.db, ctx, ticket_id, request, "lot_id")
    assert error.message == "This lot/serial number is not one of Printer"
    # The modal, asked for that scope, forgets the lot instead of offering it.
    assert refunds.defaults(shop.db, ctx, ticket_id, foreign).lot is None


# --- defaults: which invoices are offered --------------------------------------------------


def test_posted_invoices_of_the_customer_its_company_and_colleagues(
    shop: Shop, ctx: Context
) -> None:
    company = contact(shop.db, "Azure Interior (company)")
    asker = contact(shop.db, "Brandon Freeman", company_id=company)
    colleague = contact(shop.db, "Colleen Diaz", company_id=company)
    stranger = contact(shop.db, "Deco Addict")
    desk = Line(shop.desk, "1", "100")
    own = shop.invoice(desk, partner_id=asker)
    companys = shop.invoice(desk, partner_id=company)
    colleagues = shop.invoice(desk, partner_id=colleague)
    shop.invoice(desk, partner_id=asker, state=InvoiceState.DRAFT)
    shop.invoice(desk, partner_id=asker, state=InvoiceState.CANCELLED)
    shop.invoice(desk, partner_id=stranger)
    with shop.db.read() as s:
        assert ledger.commercial_ids(s, asker) == sorted([company, asker, colleague])
        assert ledger.commercial_ids(s, company) == sorted([company, asker, colleague])
        assert ledger.commercial_ids(s, stranger) == [stranger]

    for number, partner_id in enumerate((asker, company), start=1):
        offer = refunds.defaults(shop.db, ctx, shop.ticket(number, partner_id=partner_id))
        assert {i.id for i in offer.invoices} == {own, companys, colleagues}
        assert offer.empty_reason is None


def test_each_invoice_shows_what_is_left_to_refund(shop: Shop, ctx: Context) -> None:
    order = sale_order(shop.db, shop.customer_id, "S00001", shop.desk)
    partly = shop.invoice(Line(shop.desk, "3", "100"), order_id=order)
    credit_note(shop.db, partly, Line(shop.desk, "1", "100"))  # draft: counts
    credit_note(shop.db, partly, Line(shop.desk, "1", "40"), state=InvoiceState.POSTED)
    credit_note(shop.db, partly, Line(shop.desk, "1", "100"), state=InvoiceState.CANCELLED)
    whole = shop.invoice(Line(shop.desk, "2", "100"), order_id=order)
    covered = shop.invoice(Line(shop.desk, "1", "100"), order_id=order)
    credit_note(shop.db, covered, Line(shop.desk, "1", "100"))  # a draft covering it all

    offer = refunds.defaults(shop.db, ctx, shop.ticket())

    by_id = {i.id: i for i in offer.invoices}
    assert set(by_id) == {partly, whole}  # the fully reversed one is not offered again
    assert by_id[partly].total == Decimal("300.00")
    assert by_id[partly].refundable == Decimal("160.00")
    assert by_id[whole].refundable == Decimal("200.00")
    assert "refundable 160.00" in by_id[partly].label
    assert set(offer.invoice_ids) == {partly, whole}


def test_defaults_choose_the_order_invoices_still_refundable(shop: Shop, ctx: Context) -> None:
    order = sale_order(shop.db, shop.customer_id, "S00001", shop.desk)
    other = sale_order(shop.db, shop.customer_id, "S00002", shop.desk, day=date(2026, 10, 1))
    first = shop.invoice(Line(shop.desk, "1", "100"), order_id=order, day=date(2026, 11, 2))
    second = shop.invoice(Line(shop.desk, "1", "100"), order_id=order, day=date(2026, 11, 3))
    done = shop.invoice(Line(shop.desk, "1", "100"), order_id=order)
    credit_note(shop.db, done, Line(shop.desk, "1", "100"), state=InvoiceState.POSTED)
    shop.invoice(Line(shop.desk, "1", "100"), order_id=other, day=date(2026, 10, 2))

    offer = refunds.defaults(shop.db, ctx, shop.ticket(sale_order_id=order))

    assert offer.invoice_ids == (second, first)  # newest first, the reversed one left out
    assert [i.id for i in offer.invoices] == [second, first]


def test_reason_journal_and_date_defaults(shop: Shop, ctx: Context) -> None:
    journal(shop.db, "BILL", "", JournalType.PURCHASE)
    shop_journal = journal(shop.db, "SHOP", "RSHOP")
    order = sale_order(shop.db, shop.customer_id, "S00001", shop.desk)
    online = shop.invoice(Line(shop.desk, "1", "100"), order_id=order, journal_id=shop_journal)
    classic = shop.invoice(Line(shop.desk, "1", "100"), order_id=order, day=date(2026, 11, 1))

    offer = refunds.defaults(shop.db, ctx, shop.ticket(1042))

    assert offer.reason == "Helpdesk Ticket #1042"
    assert offer.ticket_ref == "#1042"
    assert offer.customer == "Azure Interior"
    assert offer.reversal_date == TODAY
    assert [j.id for j in offer.journals] == [shop.journal_id, shop_journal]  # sales only
    assert offer.invoice_ids == (online, classic)
    assert offer.journal_id == shop_journal  # the first chosen invoice's journal
    assert offer.journal_for((classic,)) == shop.journal_id
    assert offer.journal_for((online, classic)) == shop_journal


def test_without_invoices_the_journal_is_the_first_sales_journal(shop: Shop, ctx: Context) -> None:
    offer = refunds.defaults(shop.db, ctx, shop.ticket())
    assert offer.invoices == ()
    assert offer.journal_id == shop.journal_id


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("no customer", "This ticket has no customer: set one to refund them."),
        ("drafts only", "No posted invoices for this customer."),
        ("other customer", "No posted invoices for this customer."),
        ("other product", "No invoice contains this product."),
        ("other lot", "No invoice contains this product with this lot/serial number."),
        ("all refunded", "Everything invoiced here is already refunded (drafts included)."),
    ],
)
def test_an_empty_offer_says_why(shop: Shop, ctx: Context, case: str, reason: str) -> None:
    printer = f.product(shop.db, "Printer", tracking=Tracking.SERIAL)
    sn1 = lot(shop.db, printer, "SN-1")
    sn2 = lot(shop.db, printer, "SN-2")
    ticket_fields: dict[str, Any] = {}
    if case == "no customer":
        shop.invoice(Line(shop.desk, "1", "100"))
        ticket_fields["partner_id"] = None
    elif case == "drafts only":
        shop.invoice(Line(shop.desk, "1", "100"), state=InvoiceState.DRAFT)
    elif case == "other customer":
        shop.invoice(Line(shop.desk, "1", "100"), partner_id=contact(shop.db, "Deco Addict"))
    elif case == "other product":
        shop.invoice(Line(shop.chair, "1", "50"))
        ticket_fields["product_id"] = shop.desk
    elif case == "other lot":
        shop.invoice(Line(printer, "1", "900", sn2))
        ticket_fields.update(product_id=printer, lot_id=sn1)
    else:
        done = shop.invoice(Line(shop.desk, "1", "100"))
        credit_note(shop.db, done, Line(shop.desk, "1", "100"))
    offer = refunds.defaults(shop.db, ctx, shop.ticket(**ticket_fields))

    assert offer.invoices == ()
    assert offer.invoice_ids == ()
    assert offer.empty_reason == reason


# --- create_refund: Reverse ----------------------------------------------------------------


def test_reverse_writes_one_draft_credit_note_per_invoice(shop: Shop, ctx: Context) -> None:
    order = sale_order(shop.db, shop.customer_id, "S00001", shop.desk, shop.chair)
    first = shop.invoice(
        Line(shop.desk, "2", "100"), Line(shop.chair, "3", "49.50"), order_id=order
    )
    second = shop.invoice(Line(shop.desk, "1", "120"), order_id=order, day=date(2026, 11, 1))
    ticket_id = shop.ticket(7, sale_order_id=order)
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    assert offer.invoice_ids == (first, second)

    result = refunds.create_refund(shop.db, ctx, ticket_id, ask(offer))

    assert result.credit_note_names == ("RINV/2026/00001", "RINV/2026/00002")
    assert not result.posted and not result.scheduled and result.new_invoice_id is None
    for credit_id, invoice_id in zip(result.credit_note_ids, (first, second), strict=True):
        credit = load(shop.db, credit_id)
        original = load(shop.db, invoice_id)
        assert credit.move_type == MoveType.CREDIT_NOTE
        assert credit.state == InvoiceState.DRAFT
        assert credit.payment_state == PaymentState.NOT_PAID
        assert not credit.auto_post
        assert credit.reversed_entry_id == invoice_id
        assert credit.ticket_id == ticket_id
        assert credit.partner_id == shop.customer_id
        assert credit.journal_id == shop.journal_id
        assert credit.invoice_date == TODAY
        assert credit.amount_total == original.amount_total
        assert credit.ref == f"Reversal of: {original.name}, Helpdesk Ticket #7"
        assert lines_of(shop.db, credit_id) == lines_of(shop.db, invoice_id)
        assert original.payment_state == PaymentState.NOT_PAID  # a draft reconciles nothing
        assert invoice_log(shop.db, invoice_id) == [
            f"Reversed by {credit.name} (Helpdesk Ticket #7)"
        ]
    assert load(shop.db, result.credit_note_ids[0]).amount_total == Decimal("348.50")
    assert ticket_log(shop.db, ticket_id) == [
        "Refund RINV/2026/00001 created (draft) for INV/2026/00001",
        "Refund RINV/2026/00002 created (draft) for INV/2026/00002",
    ]
    with shop.db.read() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None and ticket.updated_at == NOW


def test_reverse_with_a_product_keeps_only_its_lines(shop: Shop, ctx: Context) -> None:
    order = sale_order(shop.db, shop.customer_id, "S00001", shop.desk, shop.chair)
    shop.invoice(Line(shop.chair, "1", "50"), Line(shop.desk, "2", "100"), order_id=order)
    ticket_id = shop.ticket(sale_order_id=order, product_id=shop.desk)

    result = refunds.create_refund(
        shop.db, ctx, ticket_id, ask(refunds.defaults(shop.db, ctx, ticket_id))
    )

    (credit_id,) = result.credit_note_ids
    assert lines_of(shop.db, credit_id) == [(shop.desk, None, Decimal(2), Decimal(100))]
    assert load(shop.db, credit_id).amount_total == Decimal("200.00")


def test_reverse_with_a_lot_keeps_only_that_lot_and_lines_without_one(
    shop: Shop, ctx: Context
) -> None:
    printer = f.product(shop.db, "Printer", tracking=Tracking.LOT)
    l1 = lot(shop.db, printer, "L1")
    l2 = lot(shop.db, printer, "L2")
    invoice_id = shop.invoice(
        Line(printer, "1", "900", l1), Line(printer, "1", "800", l2), Line(printer, "1", "700")
    )
    ticket_id = shop.ticket(product_id=printer, lot_id=l1)
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    result = refunds.create_refund(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,)))

    assert lines_of(shop.db, result.credit_note_ids[0]) == [
        (printer, l1, Decimal(1), Decimal(900)),
        (printer, None, Decimal(1), Decimal(700)),
    ]


def test_names_follow_each_journal_and_the_reversal_year(shop: Shop, ctx: Context) -> None:
    online = journal(shop.db, "SHOP", "RSHOP")
    misc = journal(shop.db, "MISC", "")  # no refund code: R + code
    ticket_id = shop.ticket()
    invoices = [shop.invoice(Line(shop.desk, "1", "100"), day=date(2025, 12, 20)) for _ in "1234"]
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    def reverse(invoice_id: int, journal_id: int, day: date) -> str:
        request = ask(offer, invoice_ids=(invoice_id,), journal_id=journal_id, reversal_date=day)
        return refunds.create_refund(shop.db, ctx, ticket_id, request).credit_note_names[0]

    assert reverse(invoices[0], shop.journal_id, date(2025, 12, 31)) == "RINV/2025/00001"
    assert reverse(invoices[1], shop.journal_id, TODAY) == "RINV/2026/00001"
    assert reverse(invoices[2], online, TODAY) == "RSHOP/2026/00001"
    assert reverse(invoices[3], misc, TODAY) == "RMISC/2026/00001"


# --- create_refund: Full Refund, Reverse and Create Invoice -------------------------------


def test_full_refund_posts_and_reconciles(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    result = refunds.create_refund(
        shop.db, ctx, ticket_id, ask(offer, RefundMode.FULL_REFUND, invoice_ids=(invoice_id,))
    )

    assert result.posted and not result.scheduled and result.new_invoice_id is None
    credit = load(shop.db, result.credit_note_ids[0])
    assert credit.state == InvoiceState.POSTED
    assert credit.payment_state == PaymentState.PAID
    assert not credit.auto_post
    assert load(shop.db, invoice_id).payment_state == PaymentState.REVERSED
    assert ticket_log(shop.db, ticket_id) == [
        "Refund RINV/2026/00001 created (posted) for INV/2026/00001"
    ]
    assert invoice_log(shop.db, invoice_id) == [
        "Reversed by RINV/2026/00001 (Helpdesk Ticket #7)",
        "Reconciled with RINV/2026/00001",
    ]
    # Fully reversed: no longer offered.
    assert invoice_id not in {i.id for i in refunds.defaults(shop.db, ctx, ticket_id).invoices}


def test_full_refund_of_one_product_leaves_the_invoice_partial(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"), Line(shop.chair, "1", "50"))
    ticket_id = shop.ticket(product_id=shop.desk)
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    result = refunds.create_refund(
        shop.db, ctx, ticket_id, ask(offer, RefundMode.FULL_REFUND, invoice_ids=(invoice_id,))
    )

    credit = load(shop.db, result.credit_note_ids[0])
    assert credit.state == InvoiceState.POSTED
    assert credit.amount_total == Decimal("200.00")
    assert credit.payment_state == PaymentState.PAID
    assert load(shop.db, invoice_id).payment_state == PaymentState.PARTIAL
    (left,) = refunds.defaults(shop.db, ctx, ticket_id, RefundScope()).invoices
    assert left.refundable == Decimal("50.00")


def test_reverse_and_create_invoice_adds_a_draft_copy(shop: Shop, ctx: Context) -> None:
    order = sale_order(shop.db, shop.customer_id, "S00001", shop.desk, shop.chair)
    invoice_id = shop.invoice(
        Line(shop.desk, "2", "100"), Line(shop.chair, "1", "50"), order_id=order
    )
    ticket_id = shop.ticket(sale_order_id=order)
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    result = refunds.create_refund(
        shop.db, ctx, ticket_id, ask(offer, RefundMode.REVERSE_AND_INVOICE)
    )

    assert result.posted
    credit = load(shop.db, result.credit_note_ids[0])
    assert credit.state == InvoiceState.POSTED
    assert credit.payment_state == PaymentState.PAID
    assert load(shop.db, invoice_id).payment_state == PaymentState.REVERSED
    assert result.new_invoice_id is not None
    copy = load(shop.db, result.new_invoice_id)
    assert copy.move_type == MoveType.INVOICE
    assert copy.state == InvoiceState.DRAFT
    assert copy.payment_state == PaymentState.NOT_PAID
    assert copy.ticket_id == ticket_id
    assert copy.partner_id == shop.customer_id
    assert copy.sale_order_id == order
    assert copy.journal_id == shop.journal_id
    assert copy.reversed_entry_id is None
    assert copy.amount_total == Decimal("250.00")
    assert lines_of(shop.db, copy.id or 0) == lines_of(shop.db, invoice_id)
    assert ticket_log(shop.db, ticket_id) == [
        "Refund RINV/2026/00001 created (posted) for INV/2026/00001",
        "Draft invoice created to replace INV/2026/00001",
    ]


def test_a_paid_invoice_can_only_be_reversed(shop: Shop, ctx: Context) -> None:
    paid = shop.invoice(Line(shop.desk, "1", "100"), payment=PaymentState.PAID)
    unpaid = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    only_reverse = "INV/2026/00001 is paid: only Reverse is possible."

    assert refunds.refused_modes(offer.invoices, (unpaid,)) == {}
    assert refunds.refused_modes(offer.invoices, (unpaid, paid)) == {
        RefundMode.FULL_REFUND: only_reverse,
        RefundMode.REVERSE_AND_INVOICE: only_reverse,
    }
    for mode in (RefundMode.FULL_REFUND, RefundMode.REVERSE_AND_INVOICE):
        error = refuse(
            shop.db, ctx, ticket_id, ask(offer, mode, invoice_ids=(paid,)), "invoice_ids"
        )
        assert error.message == only_reverse

    result = refunds.create_refund(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(paid,)))
    credit = load(shop.db, result.credit_note_ids[0])
    assert credit.state == InvoiceState.DRAFT
    assert load(shop.db, paid).payment_state == PaymentState.PAID


# --- create_refund: refusals (each writes nothing) ----------------------------------------


def test_a_reversal_date_before_the_invoice_is_refused(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"), day=date(2026, 11, 10))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    request = ask(offer, invoice_ids=(invoice_id,), reversal_date=date(2026, 11, 9))

    error = refuse(shop.db, ctx, ticket_id, request, "reversal_date")

    assert "2026-11-10" in error.message
    same_day = dataclasses.replace(request, reversal_date=date(2026, 11, 10))
    assert refunds.create_refund(shop.db, ctx, ticket_id, same_day).credit_note_ids


def test_a_reversal_date_years_ahead_is_refused(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    request = ask(offer, invoice_ids=(invoice_id,), reversal_date=date(2028, 1, 1))
    refuse(shop.db, ctx, ticket_id, request, "reversal_date")


def test_the_journal_must_be_a_sales_journal(shop: Shop, ctx: Context) -> None:
    bills = journal(shop.db, "BILL", "RBILL", JournalType.PURCHASE)
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    messages = {}
    for wrong in (bills, None, 999):
        request = ask(offer, invoice_ids=(invoice_id,), journal_id=wrong)
        messages[wrong] = refuse(shop.db, ctx, ticket_id, request, "journal_id").message
    assert messages[bills] == "Journal BILL is not a sales journal"
    assert messages[None] == messages[999] == "Choose a journal"


def test_an_invoice_and_a_reason_are_required(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    refuse(shop.db, ctx, ticket_id, ask(offer, invoice_ids=()), "invoice_ids")
    for blank in ("", "   \n"):
        refuse(
            shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,), reason=blank), "reason"
        )
    refuse(
        shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,), reason="x" * 401), "reason"
    )


def test_an_invoice_not_offered_is_refused(shop: Shop, ctx: Context) -> None:
    theirs = shop.invoice(Line(shop.desk, "1", "100"), partner_id=contact(shop.db, "Deco Addict"))
    draft = shop.invoice(Line(shop.desk, "1", "100"), state=InvoiceState.DRAFT)
    done = shop.invoice(Line(shop.desk, "1", "100"))
    credit_note(shop.db, done, Line(shop.desk, "1", "100"))
    mine = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    assert [i.id for i in offer.invoices] == [mine]

    for stranger in (theirs, draft, done, 999):
        refuse(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(mine, stranger)), "invoice_ids")


def test_a_ticket_without_customer_cannot_refund(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket(partner_id=None)
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    error = refuse(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,)), "invoice_ids")
    assert error.message == offer.empty_reason


# --- over-refund is never possible --------------------------------------------------------


def test_a_second_reverse_copies_only_what_is_not_credited_yet(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "3", "100"), Line(shop.chair, "2", "50"))
    credit_note(shop.db, invoice_id, Line(shop.desk, "1", "100"))  # an earlier partial refund
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    (choice,) = offer.invoices
    assert choice.refundable == Decimal("300.00")

    result = refunds.create_refund(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,)))

    assert lines_of(shop.db, result.credit_note_ids[0]) == [
        (shop.desk, None, Decimal(2), Decimal(100)),
        (shop.chair, None, Decimal(2), Decimal(50)),
    ]
    assert load(shop.db, result.credit_note_ids[0]).amount_total == Decimal("300.00")
    assert refunds.defaults(shop.db, ctx, ticket_id).invoices == ()
    refuse(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,)), "invoice_ids")
    total = sum((c.amount_total for c in credit_notes_of(shop.db, invoice_id)), Decimal(0))
    assert total == load(shop.db, invoice_id).amount_total


def test_quantities_all_credited_at_a_lower_price_leave_nothing_to_reverse(
    shop: Shop, ctx: Context
) -> None:
    """A price-only refund credited every unit: money is left, but no unit to reverse."""
    invoice_id = shop.invoice(Line(shop.desk, "2", "100"))
    credit_note(shop.db, invoice_id, Line(shop.desk, "2", "30"), state=InvoiceState.POSTED)
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    # Offered (its credit notes total less than it: DESIGN 3.1), but no unit is left to copy.
    assert [i.refundable for i in offer.invoices] == [Decimal("140.00")]
    error = refuse(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,)), "invoice_ids")
    assert error.message.startswith("Nothing is left to refund on INV/2026/00001")


def test_a_reverse_never_takes_the_credit_notes_past_the_invoice_total(
    shop: Shop, ctx: Context
) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "3", "100"))
    credit_note(shop.db, invoice_id, Line(shop.desk, "1", "250"))  # one desk, credited high
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    assert [i.refundable for i in offer.invoices] == [Decimal("50.00")]

    error = refuse(shop.db, ctx, ticket_id, ask(offer, invoice_ids=(invoice_id,)), "invoice_ids")
    assert error.message == "Only 50.00 is left to refund on INV/2026/00001"


def test_a_product_already_credited_is_not_offered_for_that_product(
    shop: Shop, ctx: Context
) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"), Line(shop.chair, "1", "50"))
    credit_note(shop.db, invoice_id, Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket(product_id=shop.desk)

    desk_offer = refunds.defaults(shop.db, ctx, ticket_id)
    assert desk_offer.invoices == ()
    assert desk_offer.empty_reason == (
        "Everything invoiced here is already refunded (drafts included)."
    )
    chair_offer = refunds.defaults(shop.db, ctx, ticket_id, RefundScope(None, shop.chair, None))
    assert [(i.id, i.refundable) for i in chair_offer.invoices] == [(invoice_id, Decimal(50))]
    stale = ask(desk_offer, invoice_ids=(invoice_id,))
    refuse(shop.db, ctx, ticket_id, stale, "invoice_ids")


# --- scheduled credit notes ----------------------------------------------------------------


def test_a_future_full_refund_waits_for_its_date(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    later = date(2026, 11, 30)

    result = refunds.create_refund(
        shop.db,
        ctx,
        ticket_id,
        ask(offer, RefundMode.FULL_REFUND, invoice_ids=(invoice_id,), reversal_date=later),
    )

    assert result.scheduled and not result.posted
    credit_id = result.credit_note_ids[0]
    credit = load(shop.db, credit_id)
    assert credit.state == InvoiceState.DRAFT
    assert credit.auto_post
    assert credit.invoice_date == later
    assert load(shop.db, invoice_id).payment_state == PaymentState.NOT_PAID
    assert ticket_log(shop.db, ticket_id) == [
        "Refund RINV/2026/00001 created (draft, posts on 2026-11-30) for INV/2026/00001"
    ]

    assert refunds.post_due(shop.db, ctx) == []
    assert refunds.post_due(shop.db, at(date(2026, 11, 29))) == []
    assert load(shop.db, credit_id).state == InvoiceState.DRAFT

    assert refunds.post_due(shop.db, at(later)) == ["RINV/2026/00001"]
    credit = load(shop.db, credit_id)
    assert credit.state == InvoiceState.POSTED
    assert not credit.auto_post
    assert credit.payment_state == PaymentState.PAID
    assert load(shop.db, invoice_id).payment_state == PaymentState.REVERSED
    assert ticket_log(shop.db, ticket_id)[-1].startswith("Credit note RINV/2026/00001 posted (")
    assert refunds.post_due(shop.db, at(date(2026, 12, 1))) == []  # posted once only


def test_a_future_reverse_stays_draft_and_is_never_posted_by_itself(
    shop: Shop, ctx: Context
) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)

    result = refunds.create_refund(
        shop.db,
        ctx,
        ticket_id,
        ask(offer, invoice_ids=(invoice_id,), reversal_date=date(2026, 11, 30)),
    )

    assert result.scheduled and not result.posted
    assert not load(shop.db, result.credit_note_ids[0]).auto_post
    assert refunds.post_due(shop.db, at(date(2026, 12, 5))) == []
    assert load(shop.db, result.credit_note_ids[0]).state == InvoiceState.DRAFT


def test_a_future_reverse_and_create_invoice_is_scheduled_too(shop: Shop, ctx: Context) -> None:
    invoice_id = shop.invoice(Line(shop.desk, "1", "100"))
    ticket_id = shop.ticket()
    offer = refunds.defaults(shop.db, ctx, ticket_id)
    request = ask(
        offer,
        RefundMode.REVERSE_AND_INVOICE,
        invoice_ids=(invoice_id,),
        reversal_date=date(2026, 11, 25),
    )

    result = refunds.create_refund(shop.db, ctx, ticket_id, request)

    credit = load(shop.db, result.credit_note_ids[0])
    assert credit.state == InvoiceState.DRAFT and credit.auto_post
    assert result.new_invoice_id is not None
    assert refunds.post_due(shop.db, at(date(2026, 11, 25))) == [credit.name]


def test_schedule_note_for_each_mode() -> None:
    later = date(2026, 11, 30)
    for mode in RefundMode:
        assert refunds.schedule_note(TODAY, TODAY, mode) is None
        assert refunds.schedule_note(date(2026, 11, 1), TODAY, mode) is None
    assert refunds.schedule_note(later, TODAY, RefundMode.REVERSE) == (
        "Dated 2026-11-30: the credit note stays in draft."
    )
    posted_later = "Dated 2026-11-30: the credit note stays in draft and is posted on that date."
    assert refunds.schedule_note(later, TODAY, RefundMode.FULL_REFUND) == posted_later
    assert refunds.schedule_note(later, TODAY, RefundMode.REVERSE_AND_INVOICE) == posted_later
    assert [refunds.mode_label(m) for m in RefundMode] == [
        "Reverse",
        "Full Refund",
        "Reverse and Create Invoice",
    ]


# --- the demo's ticket #1042 ----------------------------------------------------------------


def _demo_ticket(db: Database, number: int) -> int:
    with db.read() as s:
        return s.exec(select(Ticket.id).where(Ticket.number == number)).one() or 0


def _demo_product(db: Database, name: str) -> int:
    with db.read() as s:
        return s.exec(select(Product.id).where(Product.name == name)).one() or 0


def test_demo_ticket_1042_offer(demo_db: Database, ctx: Context) -> None:
    ticket_id = _demo_ticket(demo_db, 1042)

    offer = refunds.defaults(demo_db, ctx, ticket_id)

    assert offer.customer == "Azure Interior"
    assert [o.label for o in offer.orders] == ["S00042"]
    assert offer.scope.sale_order_id == offer.orders[0].id
    assert offer.lot_visible
    assert offer.lot is not None and offer.lot.label == "SN-00042"
    assert offer.lot.id == offer.scope.lot_id
    assert offer.reason == "Helpdesk Ticket #1042"
    assert offer.reversal_date == TODAY
    # The LaserJet SN-00042 is already in draft credit note RINV/2026/00002.
    assert offer.invoices == ()
    assert offer.empty_reason == "Everything invoiced here is already refunded (drafts included)."

    whole = refunds.defaults(
        demo_db, ctx, ticket_id, RefundScope(offer.scope.sale_order_id, None, None)
    )
    (choice,) = whole.invoices
    assert choice.name == "INV/2026/00034"
    assert (choice.total, choice.refundable, choice.paid) == (
        Decimal("1716.00"),
        Decimal("476.00"),
        True,
    )
    assert whole.invoice_ids == (choice.id,)
    assert [j.label for j in whole.journals] == ["Customer Invoices", "Online Sales"]
    assert whole.journal_id == choice.journal_id
    assert set(refunds.refused_modes(whole.invoices, whole.invoice_ids)) == {
        RefundMode.FULL_REFUND,
        RefundMode.REVERSE_AND_INVOICE,
    }


def test_demo_ticket_1042_refund_of_the_toner(demo_db: Database, ctx: Context) -> None:
    ticket_id = _demo_ticket(demo_db, 1042)
    offer = refunds.defaults(demo_db, ctx, ticket_id)
    toner = refunds.defaults(
        demo_db,
        ctx,
        ticket_id,
        RefundScope(
            offer.scope.sale_order_id, _demo_product(demo_db, "Toner Cartridge X200"), None
        ),
    )

    result = refunds.create_refund(demo_db, ctx, ticket_id, ask(toner))

    assert result.credit_note_names == ("RINV/2026/00003",)  # after the demo's two
    credit = load(demo_db, result.credit_note_ids[0])
    assert credit.amount_total == Decimal("356.00")
    assert credit.ref == "Reversal of: INV/2026/00034, Helpdesk Ticket #1042"
    assert ticket_log(demo_db, ticket_id)[-1] == (
        "Refund RINV/2026/00003 created (draft) for INV/2026/00034"
    )
    (left,) = refunds.defaults(
        demo_db, ctx, ticket_id, RefundScope(offer.scope.sale_order_id, None, None)
    ).invoices
    assert left.refundable == Decimal("120.00")


# --- two agents at once ----------------------------------------------------------------------


def _refund_in_another_process(
    path: str, ticket_id: int, request: RefundRequest, start: Any, results: Any
) -> None:
    database = open_database(path)
    context = Context(user_id=None, clock=frozen_clock(NOW), tz=UTC)
    try:
        start.wait(timeout=60)
        try:
            result = refunds.create_refund(database, context, ticket_id, request)
            results.put(("created", result.credit_note_names))
        except AfterSalesError as exc:
            results.put(("refused", exc.field))
        except Exception as exc:  # "database is locked" and the like: report, never hang
            results.put(("crashed", repr(exc)))
    finally:
        database.dispose()


def _race(path: Path, ticket_id: int, requests: list[RefundRequest]) -> list[tuple[str, Any]]:
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(len(requests))
    results = spawn.Queue()
    workers = [
        spawn.Process(
            target=_refund_in_another_process,
            args=(str(path), ticket_id, request, start, results),
        )
        for request in requests
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return outcomes


def test_two_agents_reversing_at_once_get_distinct_names(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "shared.db"
    db = open_database(str(path))
    try:
        s = Shop(db, f.team(db), f.partner(db), journal(db), f.product(db), f.product(db, "Chair"))
        first = s.invoice(Line(s.desk, "1", "100"))
        second = s.invoice(Line(s.chair, "1", "50"))
        ticket_id = s.ticket()
        offer = refunds.defaults(db, ctx, ticket_id)

        outcomes = _race(
            path,
            ticket_id,
            [ask(offer, invoice_ids=(first,)), ask(offer, invoice_ids=(second,))],
        )

        assert sorted(outcomes) == [
            ("created", ("RINV/2026/00001",)),
            ("created", ("RINV/2026/00002",)),
        ]
        assert {c.name for c in credit_notes_of(db, first) + credit_notes_of(db, second)} == {
            "RINV/2026/00001",
            "RINV/2026/00002",
        }
    finally:
        db.dispose()


def test_two_agents_fully_refunding_one_invoice_at_once(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "shared.db"
    db = open_database(str(path))
    try:
        s = Shop(db, f.team(db), f.partner(db), journal(db), f.product(db), f.product(db, "Chair"))
        invoice_id = s.invoice(Line(s.desk, "2", "100"))
        ticket_id = s.ticket()
        request = ask(
            refunds.defaults(db, ctx, ticket_id), RefundMode.FULL_REFUND, invoice_ids=(invoice_id,)
        )

        outcomes = _race(path, ticket_id, [request, request])

        assert sorted(outcomes) == [
            ("created", ("RINV/2026/00001",)),
            ("refused", "invoice_ids"),
        ]
        notes = credit_notes_of(db, invoice_id)
        assert len(notes) == 1
        assert sum((c.amount_total for c in notes), Decimal(0)) <= Decimal("200.00")
        assert load(db, invoice_id).payment_state == PaymentState.REVERSED
    finally:
        db.dispose()
