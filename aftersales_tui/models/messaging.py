"""The chatter (messages on any record) and the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ..enums import MailState, MessageKind
from .base import UTCDateTime, enum_type


class Message(SQLModel, table=True):
    __table_args__ = (Index("ix_message_record", "model", "res_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    model: str = Field(max_length=32)
    res_id: int
    author_user_id: int | None = Field(default=None, foreign_key="user.id")
    author_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    kind: MessageKind = Field(default=MessageKind.NOTE, sa_type=enum_type(MessageKind))
    body: str = ""


class OutgoingMail(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    to: str
    cc: str = ""
    subject: str = Field(max_length=500)
    body: str = ""
    state: MailState = Field(default=MailState.QUEUED, sa_type=enum_type(MailState))
    error: str = ""
    attempts: int = 0
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
