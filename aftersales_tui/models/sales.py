"""Sales orders and their lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ..enums import OrderState
from .base import MONEY, QUANTITY, enum_type, zero


class SalesOrder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=64)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    date_order: date
    state: OrderState = Field(default=OrderState.QUOTATION, sa_type=enum_type(OrderState))
    # a quotation made for a repair keeps the link back to it (looked up from the repair)
    repair_id: int | None = Field(default=None, foreign_key="repairorder.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)


class SalesOrderLine(SQLModel, table=True):
    __table_args__ = (
        # An order's lines, and "does this order have a line of this product" in one seek
        # (the Refund modal asks it of each of the customer's orders).
        Index("ix_salesorderline_order_product", "order_id", "product_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    order_id: int = Field(foreign_key="salesorder.id", ondelete="CASCADE")
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: Decimal = Field(sa_type=QUANTITY)
    price_unit: Decimal = Field(default_factory=zero, sa_type=MONEY)
