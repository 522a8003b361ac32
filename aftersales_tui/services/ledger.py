"""Accounting mechanics behind refunds: what is left to refund, reversing, posting, reconciling.

One invariant holds everywhere: the credit notes of an invoice (drafts and posted ones, not the
cancelled) never total more than the invoice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, exists, func, or_
from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..i18n import _
from ..models import (
    Invoice,
    InvoiceLine,
    InvoiceState,
    Journal,
    MoveType,
    Partner,
    PaymentState,
)
from . import chatter, sequences
from .context import Context
from .errors import AfterSalesError

MODEL = "invoice"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class InvoiceChoice:
    """A posted customer invoice that can still be refunded, and how much is left."""

    id: int
    name: str
    invoice_date: date | None
    total: Decimal
    refundable: Decimal
    paid: bool
    journal_id: int
    sale_order_id: int | None

    @property
    def label(self) -> str:
        return _("{name}  {total}  refundable {left}").format(
            name=self.name, total=fmt.money(self.total), left=fmt.money(self.refundable)
        )


def commercial_ids(session: Session, partner_id: int | None) -> list[int]:
    """The customer, its company and the company's contacts: whose invoices count."""
    if partner_id is None:
        return []
    partner = session.get(Partner, partner_id)
    if partner is None:
        return []
    head = partner.company_id or partner.id or 0
    contacts = session.exec(select(Partner.id).where(Partner.company_id == head)).all()
    return sorted({head, partner_id, *(c for c in contacts if c is not None)})


def lot_matches(lot_id: int) -> ColumnElement[bool]:
    return or_(col(InvoiceLine.lot_id) == lot_id, col(InvoiceLine.lot_id).is_(None))


def line_total(quantity: Decimal, price: Decimal) -> Decimal:
    return (quantity * price).quantize(CENT)


def amount_of(lines: list[InvoiceLine]) -> Decimal:
    return sum((line_total(line.quantity, line.price_unit) for line in lines), Decimal(0))


def credited(session: Session, invoice_id: int, excluding: int | None = None) -> Decimal:
    """What the invoice's credit notes (not cancelled) already total."""
    query = select(func.coalesce(func.sum(Invoice.amount_total), 0)).where(
        Invoice.reversed_entry_id == invoice_id,
        Invoice.move_type == MoveType.CREDIT_NOTE,
        Invoice.state != InvoiceState.CANCELLED,
    )
    if excluding is not None:
        query = query.where(Invoice.id != excluding)
    return Decimal(str(session.exec(query).one())).quantize(CENT)


def refundable_invoices(
    session: Session,
    customer_ids: list[int],
    sale_order_id: int | None,
    product_id: int | None,
    lot_id: int | None,
    *,
    with_refunded: bool = False,
) -> list[InvoiceChoice]:
    """Posted customer invoices with something left to refund (or all), newest first.

    A lot/serial number leaves out the invoices whose line of the product names another
    one; an invoice line that records no lot may hold any.
    """
    if not customer_ids:
        return []
    query = select(Invoice).where(
        col(Invoice.partner_id).in_(customer_ids),
        Invoice.move_type == MoveType.INVOICE,
        Invoice.state == InvoiceState.POSTED,
    )
    if sale_order_id is not None:
        query = query.where(Invoice.sale_order_id == sale_order_id)
    if product_id is not None:
        # EXISTS, so that each of the customer's invoices is looked up by index (its lines of
        # the product), never every invoice line of the product in the database.
        lines = exists().where(
            col(InvoiceLine.invoice_id) == Invoice.id, col(InvoiceLine.product_id) == product_id
        )
        if lot_id is not None:
            lines = lines.where(lot_matches(lot_id))
        query = query.where(lines)
    invoices = session.exec(
        query.order_by(col(Invoice.invoice_date).desc(), col(Invoice.id).desc())
    ).all()
    found = []
    for invoice in invoices:
        left = invoice.amount_total - credited(session, invoice.id or 0)
        if product_id is not None:
            product_left = amount_of(refundable_lines(session, invoice, product_id, lot_id))
            left = min(left, product_left)
        if left <= 0 and not with_refunded:
            continue
        found.append(
            InvoiceChoice(
                id=invoice.id or 0,
                name=invoice.name or "",
                invoice_date=invoice.invoice_date,
                total=invoice.amount_total,
                refundable=left,
                paid=invoice.payment_state == PaymentState.PAID,
                journal_id=invoice.journal_id,
                sale_order_id=invoice.sale_order_id,
            )
        )
    return found


LineKey = tuple[int | None, int | None]  # (product, lot)


def _credited_quantities(session: Session, invoice_id: int) -> dict[LineKey, Decimal]:
    """Per product and lot, the quantities the invoice's credit notes already hold."""
    rows = session.exec(
        select(col(InvoiceLine.product_id), col(InvoiceLine.lot_id), col(InvoiceLine.quantity))
        .join(Invoice, col(Invoice.id) == InvoiceLine.invoice_id)
        .where(
            Invoice.reversed_entry_id == invoice_id,
            Invoice.move_type == MoveType.CREDIT_NOTE,
            Invoice.state != InvoiceState.CANCELLED,
        )
    ).all()
    done: dict[LineKey, Decimal] = defaultdict(Decimal)
    for product_id, lot_id, quantity in rows:
        done[(product_id, lot_id)] += quantity
    return done


def refundable_lines(
    session: Session, invoice: Invoice, product_id: int | None, lot_id: int | None
) -> list[InvoiceLine]:
    """The invoice's lines (only the product's and lot's, when set) for the quantities its
    credit notes do not hold yet: what a new credit note would copy (unsaved rows)."""
    credited_qty = _credited_quantities(session, invoice.id or 0)
    lines = session.exec(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id == invoice.id)
        .order_by(col(InvoiceLine.id))
    ).all()
    copies: list[InvoiceLine] = []
    for line in lines:
        key = (line.product_id, line.lot_id)
        already = min(credited_qty[key], line.quantity)
        credited_qty[key] -= already
        if product_id is not None and line.product_id != product_id:
            continue
        if lot_id is not None and line.lot_id not in (lot_id, None):
            continue
        quantity = line.quantity - already
        if quantity > 0:
            copies.append(
                InvoiceLine(
                    invoice_id=0,
                    product_id=line.product_id,
                    lot_id=line.lot_id,
                    label=line.label,
                    quantity=quantity,
                    price_unit=line.price_unit,
                )
            )
    return copies


def reverse(
    session: Session,
    ctx: Context,
    invoice: Invoice,
    journal: Journal,
    reversal_date: date,
    reason: str,
    product_id: int | None,
    lot_id: int | None,
    ticket_id: int | None,
) -> Invoice:
    """A draft credit note copying the invoice's lines still refundable (only the
    product's, when one is set)."""
    copies = refundable_lines(session, invoice, product_id, lot_id)
    if not copies:
        message = (
            _("Nothing is left to refund on {invoice} for this product")
            if product_id is not None
            else _("Nothing is left to refund on {invoice}: its credit notes hold every quantity")
        )
        raise AfterSalesError(message.format(invoice=invoice.name), field="invoice_ids")
    total = amount_of(copies)
    left = invoice.amount_total - credited(session, invoice.id or 0)
    if total > left:
        raise AfterSalesError(
            _("Only {left} is left to refund on {invoice}").format(
                left=fmt.money(left), invoice=invoice.name
            ),
            field="invoice_ids",
        )
    prefix = f"{journal.refund_code or 'R' + journal.code}/{reversal_date.year}/"
    credit = Invoice(
        name=sequences.next_name(session, prefix),
        move_type=MoveType.CREDIT_NOTE,
        partner_id=invoice.partner_id,
        journal_id=journal.id or 0,
        sale_order_id=invoice.sale_order_id,
        invoice_date=reversal_date,
        state=InvoiceState.DRAFT,
        payment_state=PaymentState.NOT_PAID,
        reversed_entry_id=invoice.id,
        ref=_("Reversal of: {invoice}, {reason}").format(invoice=invoice.name, reason=reason),
        amount_total=total,
        ticket_id=ticket_id,
        created_at=ctx.now(),
    )
    session.add(credit)
    session.flush()
    for copy in copies:
        copy.invoice_id = credit.id or 0
        session.add(copy)
    chatter.post(
        session,
        ctx,
        MODEL,
        invoice.id or 0,
        _("Reversed by {credit} ({reason})").format(credit=credit.name, reason=reason),
    )
    session.flush()
    return credit


def post_credit_note(session: Session, ctx: Context, credit: Invoice) -> None:
    """Post a draft credit note and reconcile it with its invoice.

    A paid invoice keeps its state (the credit note is money to pay back); otherwise the
    invoice becomes reversed when its posted credit notes cover it, partial before that.
    """
    if credit.state != InvoiceState.DRAFT:
        raise AfterSalesError(
            _("{name} is not a draft any more").format(name=credit.name), field="state"
        )
    invoice = session.get(Invoice, credit.reversed_entry_id) if credit.reversed_entry_id else None
    if invoice is not None:
        check_within(session, invoice, credit.amount_total, credit.id)
    credit.state = InvoiceState.POSTED
    credit.auto_post = False
    credit.updated_at = ctx.now()
    if invoice is None or invoice.payment_state == PaymentState.PAID:
        return
    session.flush()
    covered = Decimal(
        str(
            session.exec(
                select(func.coalesce(func.sum(Invoice.amount_total), 0)).where(
                    Invoice.reversed_entry_id == invoice.id,
                    Invoice.move_type == MoveType.CREDIT_NOTE,
                    Invoice.state == InvoiceState.POSTED,
                )
            ).one()
        )
    )
    invoice.payment_state = (
        PaymentState.REVERSED if covered >= invoice.amount_total else PaymentState.PARTIAL
    )
    credit.payment_state = PaymentState.PAID
    chatter.post(
        session,
        ctx,
        MODEL,
        invoice.id or 0,
        _("Reconciled with {credit}").format(credit=credit.name),
    )


def check_within(
    session: Session, invoice: Invoice, amount: Decimal, credit_id: int | None
) -> None:
    """Refuse a credit note amount that would make the invoice's credit notes exceed it."""
    left = invoice.amount_total - credited(session, invoice.id or 0, excluding=credit_id)
    if amount > left:
        raise AfterSalesError(
            _("Credit notes cannot exceed {invoice}: only {left} is left to refund").format(
                invoice=invoice.name, left=fmt.money(left)
            ),
            field="lines",
        )


def copy_invoice(
    session: Session, ctx: Context, invoice: Invoice, ticket_id: int | None
) -> Invoice:
    """A new draft invoice with the original's lines, to correct and post later."""
    copy = Invoice(
        name=None,
        move_type=MoveType.INVOICE,
        partner_id=invoice.partner_id,
        journal_id=invoice.journal_id,
        sale_order_id=invoice.sale_order_id,
        invoice_date=None,
        state=InvoiceState.DRAFT,
        payment_state=PaymentState.NOT_PAID,
        ref=_("Correction of {invoice}").format(invoice=invoice.name),
        amount_total=invoice.amount_total,
        ticket_id=ticket_id,
        created_at=ctx.now(),
    )
    session.add(copy)
    session.flush()
    for line in session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all():
        session.add(
            InvoiceLine(
                invoice_id=copy.id or 0,
                product_id=line.product_id,
                lot_id=line.lot_id,
                label=line.label,
                quantity=line.quantity,
                price_unit=line.price_unit,
            )
        )
    session.flush()
    return copy
