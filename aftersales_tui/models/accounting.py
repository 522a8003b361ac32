"""Journals, customer invoices and credit notes, and the numbering sequences."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ..enums import InvoiceState, JournalType, MoveType, PaymentState
from .base import MONEY, QUANTITY, UTCDateTime, enum_type, zero


class Journal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(max_length=120)
    code: str = Field(unique=True, max_length=16)
    journal_type: JournalType = Field(sa_type=enum_type(JournalType))
    refund_code: str = Field(default="", max_length=16)


class Invoice(SQLModel, table=True):
    """A customer invoice or a credit note (move_type tells which)."""

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str | None = Field(default=None, unique=True, max_length=64)
    move_type: MoveType = Field(sa_type=enum_type(MoveType))
    partner_id: int = Field(foreign_key="partner.id", index=True)
    journal_id: int = Field(foreign_key="journal.id")
    sale_order_id: int | None = Field(default=None, foreign_key="salesorder.id", index=True)
    invoice_date: date | None = None
    state: InvoiceState = Field(default=InvoiceState.DRAFT, sa_type=enum_type(InvoiceState))
    payment_state: PaymentState = Field(
        default=PaymentState.NOT_PAID, sa_type=enum_type(PaymentState)
    )
    reversed_entry_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    ref: str = Field(default="", max_length=500)
    amount_total: Decimal = Field(default_factory=zero, sa_type=MONEY)
    # A draft dated in the future that posts itself on its date (a scheduled reversal).
    auto_post: bool = False
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InvoiceLine(SQLModel, table=True):
    __table_args__ = (
        # An invoice's lines, and "does this invoice have a line of this product" in one seek
        # (the refundable invoices of a customer, narrowed to a product).
        Index("ix_invoiceline_invoice_product", "invoice_id", "product_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    invoice_id: int = Field(foreign_key="invoice.id", ondelete="CASCADE")
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    label: str = Field(default="", max_length=500)
    quantity: Decimal = Field(sa_type=QUANTITY)
    price_unit: Decimal = Field(sa_type=MONEY)


class Sequence(SQLModel, table=True):
    """The next number of a named sequence (ticket, invoice per journal and year, ...)."""

    code: str = Field(primary_key=True, max_length=64)
    next_number: int = 1
