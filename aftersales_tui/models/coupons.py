"""Coupon programs and the coupons generated from tickets."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from ..enums import CouponState, ProgramType
from .base import UTCDateTime, enum_type


class CouponProgram(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    program_type: ProgramType = Field(sa_type=enum_type(ProgramType))
    reward: str = Field(default="", max_length=500)
    code: str | None = Field(default=None, unique=True, max_length=64)
    active: bool = True


class Coupon(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    code: str = Field(unique=True, max_length=64)
    program_id: int = Field(foreign_key="couponprogram.id", index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    expiration_date: date | None = None
    state: CouponState = Field(default=CouponState.VALID, sa_type=enum_type(CouponState))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
