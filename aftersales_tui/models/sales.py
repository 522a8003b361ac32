"""Sales orders and their lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Field, SQLModel

from .base import MONEY, QUANTITY, enum_type, zero
from .enums import OrderState


class SalesOrder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=64)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    date_order: date
    state: OrderState = Field(default=OrderState.QUOTATION, sa_type=enum_type(OrderState))
    # a quotation made for a repair keeps the link back to it
    repair_id: int | None = Field(default=None, foreign_key="repairorder.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)


class SalesOrderLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    order_id: int = Field(foreign_key="salesorder.id", index=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: Decimal = Field(sa_type=QUANTITY)
    price_unit: Decimal = Field(default_factory=zero, sa_type=MONEY)
