"""The chatter: messages posted on records (tickets, invoices, repairs, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ..models import Message, MessageKind, Partner, User
from .context import Context


def post(
    session: Session,
    ctx: Context,
    model: str,
    res_id: int,
    body: str,
    kind: MessageKind = MessageKind.EVENT,
    *,
    author_partner_id: int | None = None,
    when: datetime | None = None,
) -> Message:
    """Append a message to a record's chatter inside the caller's transaction."""
    message = Message(
        model=model,
        res_id=res_id,
        author_user_id=None if author_partner_id else ctx.user_id,
        author_partner_id=author_partner_id,
        created_at=when or ctx.now(),
        kind=kind,
        body=body,
    )
    session.add(message)
    return message


@dataclass(frozen=True)
class ChatterEntry:
    id: int
    author: str
    created_at: datetime
    kind: MessageKind
    body: str


def history(session: Session, model: str, res_id: int, limit: int = 200) -> list[ChatterEntry]:
    """A record's messages, newest first."""
    rows = session.exec(
        select(Message, User.name, Partner.name)
        .outerjoin(User, col(User.id) == Message.author_user_id)
        .outerjoin(Partner, col(Partner.id) == Message.author_partner_id)
        .where(Message.model == model, Message.res_id == res_id)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(limit)
    ).all()
    return [
        ChatterEntry(
            id=m.id or 0,
            author=user_name or partner_name or "",
            created_at=m.created_at,
            kind=m.kind,
            body=m.body,
        )
        for m, user_name, partner_name in rows
    ]
