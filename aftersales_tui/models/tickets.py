"""Tickets and their followers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, column
from sqlmodel import Field, SQLModel

from ..enums import Priority, Stage
from .base import UTCDateTime, caseless, enum_type


class Ticket(SQLModel, table=True):
    __table_args__ = (
        # The list filters by these and orders by number (unique): each index hands rows over
        # already in list order, so a window of the list never sorts the table.
        Index("ix_ticket_stage_number", "stage", "number"),
        Index("ix_ticket_team_number", "team_id", "number"),
        Index("ix_ticket_user_number", "user_id", "number"),
        Index("ix_ticket_partner_number", "partner_id", "number"),
        Index("ix_ticket_created_number", "created_at", "number"),
        Index("ix_ticket_priority_number", "priority", "number"),
        Index("ix_ticket_title_number", caseless(column("title")), "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    number: int = Field(unique=True)
    title: str = Field(max_length=500)
    description: str = ""
    team_id: int = Field(foreign_key="team.id")
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    sale_order_id: int | None = Field(default=None, foreign_key="salesorder.id")
    stage: Stage = Field(default=Stage.NEW, sa_type=enum_type(Stage))
    priority: Priority = Field(default=Priority.LOW, sa_type=enum_type(Priority))
    user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class TicketFollower(SQLModel, table=True):
    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", primary_key=True, index=True)
