"""Builders and read-back helpers for accounting tests: journals, invoices, credit notes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Invoice,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalType,
    Lot,
    Message,
    MoveType,
    OrderState,
    Partner,
    PaymentState,
    SalesOrder,
    SalesOrderLine,
    Sequence,
)
from aftersales_tui.services import chatter, ledger, refunds, tickets
from aftersales_tui.services.context import Context, frozen_clock
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.refunds import (
    RefundDefaults,
    RefundMode,
    RefundRequest,
)

from . import factories as f
from .conftest import NOW, TODAY

INVOICE_DAY = date(2026, 11, 2)


# --- builders ----------------------------------------------------------------------------


class Line(NamedTuple):
    """An invoice or credit note line: product, quantity, unit price and lot (text amounts)."""

    product_id: int | None
    quantity: str
    price: str
    lot_id: int | None = None


def journal(
    db: Database, code: str = "INV", refund_code: str = "RINV", kind: JournalType = JournalType.SALE
) -> int:
    with db.write() as s:
        row = Journal(name=f"Journal {code}", code=code, journal_type=kind, refund_code=refund_code)
        s.add(row)
        s.flush()
        return row.id or 0


def contact(db: Database, name: str, company_id: int | None = None) -> int:
    with db.write() as s:
        row = Partner(name=name, company_id=company_id)
        s.add(row)
        s.flush()
        return row.id or 0


def lot(db: Database, product_id: int, name: str) -> int:
    with db.write() as s:
        row = Lot(name=name, product_id=product_id)
        s.add(row)
        s.flush()
        return row.id or 0


def sale_order(
    db: Database,
    partner_id: int,
    name: str,
    *product_ids: int,
    day: date = date(2026, 11, 1),
    state: OrderState = OrderState.CONFIRMED,
) -> int:
    with db.write() as s:
        row = SalesOrder(name=name, partner_id=partner_id, date_order=day, state=state)
        s.add(row)
        s.flush()
        for product_id in product_ids:
            s.add(SalesOrderLine(order_id=row.id or 0, product_id=product_id, quantity=Decimal(1)))
        return row.id or 0


def _document(
    db: Database,
    move_type: MoveType,
    partner_id: int,
    journal_id: int,
    lines: tuple[Line, ...],
    **fields: Any,
) -> int:
    total = sum((ledger.line_total(Decimal(q), Decimal(p)) for _, q, p, _ in lines), Decimal(0))
    with db.write() as s:
        if fields.get("name") is None:
            prefix = "INV" if move_type == MoveType.INVOICE else "RMAN"
            taken = s.exec(select(func.count()).select_from(Invoice)).one()
            fields["name"] = f"{prefix}/{INVOICE_DAY.year}/{taken + 1:05d}"
        row = Invoice(
            move_type=move_type,
            partner_id=partner_id,
            journal_id=journal_id,
            amount_total=total,
            created_at=NOW,
            **fields,
        )
        s.add(row)
        s.flush()
        for product_id, quantity, price, lot_id in lines:
            s.add(
                InvoiceLine(
                    invoice_id=row.id or 0,
                    product_id=product_id,
                    lot_id=lot_id,
                    label=f"product {product_id}",
                    quantity=Decimal(quantity),
                    price_unit=Decimal(price),
                )
            )
        return row.id or 0


def invoice(
    db: Database,
    partner_id: int,
    journal_id: int,
    *lines: Line,
    order_id: int | None = None,
    day: date = INVOICE_DAY,
    state: InvoiceState = InvoiceState.POSTED,
    payment: PaymentState = PaymentState.NOT_PAID,
    name: str | None = None,
) -> int:
    """A customer invoice (posted unless told otherwise) with its lines and total."""
    return _document(
        db,
        MoveType.INVOICE,
        partner_id,
        journal_id,
        lines,
        name=name,
        sale_order_id=order_id,
        invoice_date=day,
        state=state,
        payment_state=payment,
    )


def credit_note(
    db: Database, invoice_id: int, *lines: Line, state: InvoiceState = InvoiceState.DRAFT
) -> int:
    """A credit note of ``invoice_id`` written directly (as if made earlier, elsewhere)."""
    with db.read() as s:
        original = s.get(Invoice, invoice_id)
        assert original is not None
    return _document(
        db,
        MoveType.CREDIT_NOTE,
        original.partner_id,
        original.journal_id,
        lines,
        invoice_date=TODAY,
        state=state,
        reversed_entry_id=invoice_id,
    )


@dataclass(frozen=True)
class Shop:
    """A refund-enabled team, a customer, a sales journal and two untracked products."""

    db: Database
    team_id: int
    customer_id: int
    journal_id: int
    desk: int  # 100.00 a piece in the invoices below
    chair: int

    def ticket(self, number: int = 7, **fields: Any) -> int:
        fields.setdefault("partner_id", self.customer_id)
        return f.ticket(self.db, self.team_id, number=number, **fields)

    def invoice(self, *lines: Line, **fields: Any) -> int:
        partner_id = fields.pop("partner_id", self.customer_id)
        journal_id = fields.pop("journal_id", self.journal_id)
        return invoice(self.db, partner_id, journal_id, *lines, **fields)


# --- reading back ------------------------------------------------------------------------


def ask(
    offer: RefundDefaults, mode: RefundMode = RefundMode.REVERSE, **changes: Any
) -> RefundRequest:
    """The request the modal sends when the agent keeps the defaults (bar ``changes``)."""
    request = RefundRequest(
        invoice_ids=offer.invoice_ids,
        reason=offer.reason,
        journal_id=offer.journal_id,
        reversal_date=offer.reversal_date,
        mode=mode,
        scope=offer.scope,
    )
    return dataclasses.replace(request, **changes)


def load(db: Database, invoice_id: int) -> Invoice:
    with db.read() as s:
        row = s.get(Invoice, invoice_id)
        assert row is not None
        return row


def lines_of(
    db: Database, invoice_id: int
) -> list[tuple[int | None, int | None, Decimal, Decimal]]:
    with db.read() as s:
        rows = s.exec(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(col(InvoiceLine.id))
        ).all()
        return [(r.product_id, r.lot_id, r.quantity, r.price_unit) for r in rows]


def credit_notes_of(db: Database, invoice_id: int) -> list[Invoice]:
    with db.read() as s:
        return list(
            s.exec(
                select(Invoice)
                .where(Invoice.reversed_entry_id == invoice_id)
                .order_by(col(Invoice.id))
            ).all()
        )


def ticket_log(db: Database, ticket_id: int) -> list[str]:
    """The ticket's chatter, oldest first."""
    return [m.body for m in reversed(tickets.history(db, ticket_id))]


def invoice_log(db: Database, invoice_id: int) -> list[str]:
    with db.read() as s:
        return [m.body for m in reversed(chatter.history(s, ledger.MODEL, invoice_id))]


def footprint(db: Database) -> tuple[Any, ...]:
    """Everything a refund could write: invoices and their states, lines, messages, sequences."""
    with db.read() as s:
        invoices = s.exec(select(Invoice).order_by(col(Invoice.id))).all()
        lines = s.exec(select(InvoiceLine).order_by(col(InvoiceLine.id))).all()
        return (
            [
                (i.id, i.name, i.state, i.payment_state, i.amount_total, i.auto_post)
                for i in invoices
            ],
            [(line.id, line.quantity, line.price_unit) for line in lines],
            s.exec(select(func.count()).select_from(Message)).one(),
            [(q.code, q.next_number) for q in s.exec(select(Sequence)).all()],
        )


def refuse(
    db: Database, ctx: Context, ticket_id: int, request: RefundRequest, field: str
) -> AfterSalesError:
    """Submit ``request``, expect a refusal on ``field``, and check that nothing was written."""
    before = footprint(db)
    with pytest.raises(AfterSalesError) as caught:
        refunds.create_refund(db, ctx, ticket_id, request)
    assert caught.value.field == field, caught.value.message
    assert footprint(db) == before
    return caught.value


def at(day: date) -> Context:
    return Context(
        user_id=None,
        clock=frozen_clock(datetime(day.year, day.month, day.day, 9, tzinfo=UTC)),
        tz=UTC,
    )
