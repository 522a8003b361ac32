"""Repair orders, their parts and tags."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from ..enums import InvoiceMethod, RepairState
from .base import MONEY, QUANTITY, UTCDateTime, enum_type, zero


class RepairTag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)


class RepairOrder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=64)
    description: str = Field(default="", max_length=500)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    product_id: int | None = Field(default=None, foreign_key="product.id")
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    return_picking_id: int | None = Field(default=None, foreign_key="picking.id")
    under_warranty: bool = False
    schedule_date: date
    user_id: int | None = Field(default=None, foreign_key="user.id")
    state: RepairState = Field(default=RepairState.DRAFT, sa_type=enum_type(RepairState))
    invoice_method: InvoiceMethod | None = Field(
        default=None, sa_type=enum_type(InvoiceMethod), nullable=True
    )
    internal_notes: str = ""
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RepairLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    repair_id: int = Field(foreign_key="repairorder.id", index=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="product.id")
    quantity: Decimal = Field(sa_type=QUANTITY)
    price_unit: Decimal = Field(default_factory=zero, sa_type=MONEY)


class RepairTagLink(SQLModel, table=True):
    repair_id: int = Field(foreign_key="repairorder.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="repairtag.id", primary_key=True)
