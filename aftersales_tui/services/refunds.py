"""Refunds: credit notes from a ticket (the "Refund" pop-up of the guide).

``defaults`` computes what the modal offers for a ticket (and again whenever the agent changes
the order, product or lot); ``create_refund`` checks a ``RefundRequest`` again inside one write
transaction and writes the credit notes, their lines, the chatter messages and, for Reverse and
Create Invoice, the new draft invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import exists
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import (
    Invoice,
    InvoiceState,
    Journal,
    JournalType,
    MoveType,
    OrderState,
    Product,
    SalesOrder,
    SalesOrderLine,
    Ticket,
    Tracking,
)
from . import chatter, credit_notes, directory, ledger, tickets
from .context import Context
from .directory import Choice
from .errors import AfterSalesError
from .ledger import InvoiceChoice
from .texts import storable


class RefundMode(StrEnum):
    """The buttons of the Refund modal."""

    REVERSE = "reverse"  # a draft credit note per invoice, to edit and post later
    FULL_REFUND = "refund"  # posted and reconciled with the invoice
    REVERSE_AND_INVOICE = "modify"  # posted and reconciled, plus a new draft invoice


def mode_label(mode: RefundMode) -> str:
    return {
        RefundMode.REVERSE: _("Reverse"),
        RefundMode.FULL_REFUND: _("Full Refund"),
        RefundMode.REVERSE_AND_INVOICE: _("Reverse and Create Invoice"),
    }[mode]


@dataclass(frozen=True)
class RefundScope:
    """What narrows the offer: the order, the product and its lot/serial number."""

    sale_order_id: int | None = None
    product_id: int | None = None
    lot_id: int | None = None


@dataclass(frozen=True)
class RefundDefaults:
    """Everything the Refund modal shows, computed from the ticket and the current scope."""

    ticket_id: int
    ticket_ref: str
    customer: str
    scope: RefundScope
    orders: tuple[Choice, ...]
    products: tuple[Choice, ...]
    lot_visible: bool
    lot: Choice | None  # the scope's lot; others are found by searching (``directory``)
    invoices: tuple[InvoiceChoice, ...]
    invoice_ids: tuple[int, ...]
    reason: str
    journals: tuple[Choice, ...]
    journal_id: int | None
    reversal_date: date
    empty_reason: str | None

    def journal_for(self, invoice_ids: tuple[int, ...]) -> int | None:
        """The journal to propose: the first chosen invoice's."""
        for invoice in self.invoices:
            if invoice.id in invoice_ids:
                return invoice.journal_id
        return self.journal_id


@dataclass(frozen=True)
class RefundRequest:
    """What the agent asks for (the modal hands it to ``create_refund``)."""

    invoice_ids: tuple[int, ...]
    reason: str
    journal_id: int | None
    reversal_date: date
    mode: RefundMode = RefundMode.REVERSE
    scope: RefundScope = RefundScope()


@dataclass(frozen=True)
class RefundResult:
    credit_note_ids: tuple[int, ...]
    credit_note_names: tuple[str, ...]
    new_invoice_id: int | None
    posted: bool
    scheduled: bool


# --- rules the modal shows before submitting ------------------------------------------


def refused_modes(
    invoices: tuple[InvoiceChoice, ...], invoice_ids: tuple[int, ...]
) -> dict[RefundMode, str]:
    """Modes that are not possible for the chosen invoices, with the reason."""
    paid = [i.name for i in invoices if i.id in invoice_ids and i.paid]
    if not paid:
        return {}
    reason = _("{invoices} is paid: only Reverse is possible.").format(invoices=", ".join(paid))
    return {RefundMode.FULL_REFUND: reason, RefundMode.REVERSE_AND_INVOICE: reason}


def schedule_note(reversal_date: date, today: date, mode: RefundMode) -> str | None:
    """What a reversal date in the future means, to say in the modal."""
    if reversal_date <= today:
        return None
    if mode == RefundMode.REVERSE:
        return _("Dated {day}: the credit note stays in draft.").format(day=fmt.day(reversal_date))
    return _("Dated {day}: the credit note stays in draft and is posted on that date.").format(
        day=fmt.day(reversal_date)
    )


# --- what is offered -------------------------------------------------------------------


def defaults(
    db: Database, ctx: Context, ticket_id: int, scope: RefundScope | None = None
) -> RefundDefaults:
    """The modal's content; without ``scope``, the order, product and lot of the ticket."""
    with db.read() as session:
        ticket = tickets.get(session, ticket_id)
        return _defaults(session, ctx, ticket, scope)


def _defaults(
    session: Session, ctx: Context, ticket: Ticket, scope: RefundScope | None
) -> RefundDefaults:
    customer_ids = ledger.commercial_ids(session, ticket.partner_id)
    first_time = scope is None
    if scope is None:
        scope = RefundScope(None, ticket.product_id, ticket.lot_id)
    lot_visible = directory.is_tracked(session, scope.product_id)
    scope = _tracked(session, scope)
    orders = _orders(session, customer_ids, scope.product_id)
    if first_time:
        order_id = ticket.sale_order_id
        if order_id is None and orders:
            order_id = orders[0].id
        scope = RefundScope(order_id, scope.product_id, scope.lot_id)
    invoices, empty_reason = _offered(session, customer_ids, scope)
    chosen = tuple(
        i.id
        for i in invoices
        if scope.sale_order_id is not None and i.sale_order_id == scope.sale_order_id
    )
    journals = session.exec(
        select(Journal).where(Journal.journal_type == JournalType.SALE).order_by(col(Journal.id))
    ).all()
    journal_id = next((i.journal_id for i in invoices if i.id in chosen), None)
    if journal_id is None and journals:
        journal_id = journals[0].id
    return RefundDefaults(
        ticket_id=ticket.id or 0,
        ticket_ref=fmt.ticket_ref(ticket.number),
        customer=directory.partner_name(session, ticket.partner_id),
        scope=scope,
        orders=tuple(orders),
        products=tuple(directory.products(session, limit=10_000)),
        lot_visible=lot_visible,
        lot=directory.lot_choice(session, scope.product_id, scope.lot_id),
        invoices=invoices,
        invoice_ids=chosen,
        reason=_("Helpdesk Ticket {ref}").format(ref=fmt.ticket_ref(ticket.number)),
        journals=tuple(Choice(j.id or 0, j.name) for j in journals),
        journal_id=journal_id,
        reversal_date=ctx.today(),
        empty_reason=empty_reason,
    )


def _tracked(session: Session, scope: RefundScope) -> RefundScope:
    """The scope, without a lot when its product is not tracked by lot/serial number or
    when the lot is not one of the product's."""
    if directory.is_tracked(session, scope.product_id) and (
        directory.lot_choice(session, scope.product_id, scope.lot_id) is not None
    ):
        return scope
    return RefundScope(scope.sale_order_id, scope.product_id, None)


def _check_lot(session: Session, scope: RefundScope) -> None:
    """Refuse a request naming a lot/serial number of another product."""
    product = session.get(Product, scope.product_id) if scope.product_id else None
    if product is not None and product.tracking != Tracking.NONE:
        directory.check_lot(session, product, scope.lot_id)


def _offered(
    session: Session, customer_ids: list[int], scope: RefundScope
) -> tuple[tuple[InvoiceChoice, ...], str | None]:
    """The invoices offered for a scope and, when there is none, why."""
    invoices = tuple(
        ledger.refundable_invoices(
            session, customer_ids, scope.sale_order_id, scope.product_id, scope.lot_id
        )
    )
    return invoices, None if invoices else _empty_reason(session, customer_ids, scope)


def _orders(session: Session, customer_ids: list[int], product_id: int | None) -> list[Choice]:
    """Confirmed orders of the customer that have a posted invoice (with the product)."""
    if not customer_ids:
        return []
    # EXISTS, so that only this customer's orders are looked up (by index), never every
    # posted invoice of the database.
    query = (
        select(SalesOrder)
        .where(
            col(SalesOrder.partner_id).in_(customer_ids),
            SalesOrder.state == OrderState.CONFIRMED,
            exists().where(
                col(Invoice.sale_order_id) == SalesOrder.id,
                col(Invoice.move_type) == MoveType.INVOICE,
                col(Invoice.state) == InvoiceState.POSTED,
            ),
        )
        .order_by(col(SalesOrder.date_order).desc(), col(SalesOrder.id).desc())
    )
    if product_id is not None:
        query = query.where(
            exists().where(
                col(SalesOrderLine.order_id) == SalesOrder.id,
                col(SalesOrderLine.product_id) == product_id,
            )
        )
    return [Choice(o.id or 0, o.name) for o in session.exec(query).all()]


def _empty_reason(session: Session, customer_ids: list[int], scope: RefundScope) -> str:
    """Why no invoice is offered, most basic reason first."""
    if not customer_ids:
        return _("This ticket has no customer: set one to refund them.")

    def posted(order: int | None, product: int | None, lot: int | None) -> bool:
        found = ledger.refundable_invoices(
            session, customer_ids, order, product, lot, with_refunded=True
        )
        return bool(found)

    if not posted(None, None, None):
        return _("No posted invoices for this customer.")
    if scope.product_id is not None and not posted(None, scope.product_id, None):
        return _("No invoice contains this product.")
    if scope.lot_id is not None and not posted(None, scope.product_id, scope.lot_id):
        return _("No invoice contains this product with this lot/serial number.")
    if scope.sale_order_id is not None and not posted(
        scope.sale_order_id, scope.product_id, scope.lot_id
    ):
        return _("No posted invoice of this order contains this product.")
    return _("Everything invoiced here is already refunded (drafts included).")


# --- creating the credit notes -----------------------------------------------------------


def create_refund(
    db: Database, ctx: Context, ticket_id: int, request: RefundRequest
) -> RefundResult:
    """Check the request against the database as it is now, then write it, all or nothing."""
    with db.write() as session:
        ticket = tickets.get(session, ticket_id)
        # What the modal would offer for the request's scope now: only what the checks read
        # (not the lists of products and lots to choose from, which grow with the database).
        customer_ids = ledger.commercial_ids(session, ticket.partner_id)
        _check_lot(session, request.scope)
        offered = _offered(session, customer_ids, _tracked(session, request.scope))
        chosen = _check(session, ctx, offered, request)
        journal = session.get(Journal, request.journal_id)
        assert journal is not None  # checked above
        today = ctx.today()
        scheduled = request.reversal_date > today
        post_now = request.mode != RefundMode.REVERSE and not scheduled
        ids: list[int] = []
        names: list[str] = []
        new_invoice_id: int | None = None
        for invoice in chosen:
            credit = ledger.reverse(
                session,
                ctx,
                invoice,
                journal,
                request.reversal_date,
                request.reason.strip(),
                request.scope.product_id,
                request.scope.lot_id,
                ticket.id,
            )
            if post_now:
                ledger.post_credit_note(session, ctx, credit)
            elif request.mode != RefundMode.REVERSE:
                credit.auto_post = True
            ids.append(credit.id or 0)
            names.append(credit.name or "")
            state = (
                _("posted")
                if post_now
                else _("draft, posts on {day}").format(day=fmt.day(request.reversal_date))
                if credit.auto_post
                else _("draft")
            )
            chatter.post(
                session,
                ctx,
                tickets.MODEL,
                ticket.id or 0,
                _("Refund {name} created ({state}) for {invoice}").format(
                    name=credit.name, state=state, invoice=invoice.name
                ),
            )
            if request.mode == RefundMode.REVERSE_AND_INVOICE:
                copy = ledger.copy_invoice(session, ctx, invoice, ticket.id)
                new_invoice_id = copy.id
                chatter.post(
                    session,
                    ctx,
                    tickets.MODEL,
                    ticket.id or 0,
                    _("Draft invoice created to replace {invoice}").format(invoice=invoice.name),
                )
        ticket.updated_at = ctx.now()
        return RefundResult(tuple(ids), tuple(names), new_invoice_id, post_now, scheduled)


def _check(
    session: Session,
    ctx: Context,
    offered: tuple[tuple[InvoiceChoice, ...], str | None],
    request: RefundRequest,
) -> list[Invoice]:
    """Every rule of the Refund modal, on the data as it is inside the transaction
    (``offered``: the invoices offered for the request's scope, and why none)."""
    invoices_offered, empty_reason = offered
    if empty_reason and not invoices_offered:
        raise AfterSalesError(empty_reason, field="invoice_ids")
    if not request.invoice_ids:
        raise AfterSalesError(_("Choose at least one invoice to refund"), field="invoice_ids")
    by_id = {i.id: i for i in invoices_offered}
    missing = [i for i in request.invoice_ids if i not in by_id]
    if missing:
        raise AfterSalesError(
            _(
                "An invoice you chose can no longer be refunded (fully refunded, or changed "
                "by someone else meanwhile): reopen Refund"
            ),
            field="invoice_ids",
        )
    refused = refused_modes(invoices_offered, request.invoice_ids)
    if request.mode in refused:
        raise AfterSalesError(refused[request.mode], field="invoice_ids")
    if not storable(request.reason, "reason").strip():
        raise AfterSalesError(_("Give a reason for the credit note"), field="reason")
    if len(request.reason) > 400:
        raise AfterSalesError(_("The reason is too long (400 characters at most)"), field="reason")
    journal = session.get(Journal, request.journal_id) if request.journal_id else None
    if journal is None:
        raise AfterSalesError(_("Choose a journal"), field="journal_id")
    if journal.journal_type != JournalType.SALE:
        raise AfterSalesError(
            _("{journal} is not a sales journal").format(journal=journal.name), field="journal_id"
        )
    invoices = [session.get(Invoice, i) for i in request.invoice_ids]
    chosen = [i for i in invoices if i is not None]
    for invoice in chosen:
        if invoice.invoice_date and request.reversal_date < invoice.invoice_date:
            raise AfterSalesError(
                _("The reversal date cannot be before {invoice}'s date ({day})").format(
                    invoice=invoice.name, day=fmt.day(invoice.invoice_date)
                ),
                field="reversal_date",
            )
    if request.reversal_date.year > ctx.today().year + 1:
        raise AfterSalesError(_("The reversal date is too far ahead"), field="reversal_date")
    return chosen


def _due(today: date) -> SelectOfScalar[Invoice]:
    """Scheduled drafts whose date has come."""
    return select(Invoice).where(
        Invoice.move_type == MoveType.CREDIT_NOTE,
        Invoice.state == InvoiceState.DRAFT,
        col(Invoice.auto_post),
        col(Invoice.invoice_date) <= today,
    )


def post_due(db: Database, ctx: Context) -> list[str]:
    """Post the scheduled credit notes whose date has come; returns their names.

    It runs each time the desk starts: a read first, so that the write lock is taken
    only when something is due (and the list is read again inside the transaction).
    """
    with db.read() as session:
        if session.exec(_due(ctx.today()).limit(1)).first() is None:
            return []
    with db.write() as session:
        due = session.exec(_due(ctx.today())).all()
        for credit in due:
            credit_notes.post_and_log(session, ctx, credit)
        return [c.name or "" for c in due]
