"""Locations, transfers (deliveries and receipts) and their move lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from ..enums import LocationUsage, PickingKind, PickingState
from .base import QUANTITY, UTCDateTime, enum_type


class Location(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=120)
    usage: LocationUsage = Field(sa_type=enum_type(LocationUsage))
    is_return_location: bool = False
    is_default_return: bool = False


class Picking(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=64)
    kind: PickingKind = Field(sa_type=enum_type(PickingKind))
    state: PickingState = Field(default=PickingState.DRAFT, sa_type=enum_type(PickingState))
    partner_id: int = Field(foreign_key="partner.id", index=True)
    sale_order_id: int | None = Field(default=None, foreign_key="salesorder.id", index=True)
    origin: str = Field(default="", max_length=200)
    return_of_id: int | None = Field(default=None, foreign_key="picking.id", index=True)
    location_id: int = Field(foreign_key="location.id")
    location_dest_id: int = Field(foreign_key="location.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    date_done: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PickingLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    picking_id: int = Field(foreign_key="picking.id", index=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="product.id", index=True)
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    quantity: Decimal = Field(sa_type=QUANTITY)
