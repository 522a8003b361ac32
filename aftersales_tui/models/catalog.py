"""Products and their lots / serial numbers."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ..enums import ProductType, Tracking
from .base import MONEY, enum_type, zero


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(index=True, max_length=200)
    default_code: str | None = Field(default=None, unique=True, max_length=64)
    list_price: Decimal = Field(default_factory=zero, sa_type=MONEY)
    product_type: ProductType = Field(default=ProductType.GOODS, sa_type=enum_type(ProductType))
    tracking: Tracking = Field(default=Tracking.NONE, sa_type=enum_type(Tracking))


class Lot(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("product_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(max_length=64)
    product_id: int = Field(foreign_key="product.id", index=True)
