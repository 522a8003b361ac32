"""The ticket list: filters, sorting and page-by-page reading (never the whole table)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from ..db import Database
from ..models import Partner, Priority, Stage, Team, Ticket, User
from .context import Context

PAGE_SIZE = 100


class SortKey(StrEnum):
    NUMBER = "number"
    TITLE = "title"
    CUSTOMER = "customer"
    TEAM = "team"
    STAGE = "stage"
    PRIORITY = "priority"
    ASSIGNEE = "assignee"
    AGE = "age"


@dataclass(frozen=True)
class TicketFilter:
    """What the list shows: free text plus the quick filters."""

    text: str = ""
    mine: bool = False
    unassigned: bool = False
    team_id: int | None = None
    stage: Stage | None = None
    open_only: bool = False

    def with_(self, **changes: Any) -> TicketFilter:
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return self == TicketFilter()


@dataclass(frozen=True)
class TicketSort:
    key: SortKey = SortKey.NUMBER
    descending: bool = True

    def toggled(self, key: SortKey) -> TicketSort:
        """Sorting again by the same key flips the direction."""
        if key == self.key:
            return TicketSort(key, not self.descending)
        return TicketSort(key, key in (SortKey.NUMBER, SortKey.PRIORITY))


@dataclass(frozen=True)
class TicketRow:
    id: int
    number: int
    title: str
    customer: str
    team: str
    stage: Stage
    priority: Priority
    assignee: str
    created_at: datetime


_Customer = aliased(Partner)


def _conditions(ctx: Context, flt: TicketFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = flt.text.strip()
    if text:
        pattern = f"%{text}%"
        alternatives: list[ColumnElement[bool]] = [
            col(Ticket.title).ilike(pattern),
            col(Ticket.description).ilike(pattern),
            col(_Customer.name).ilike(pattern),
        ]
        digits = text.removeprefix("#")
        if digits.isdigit():
            alternatives.append(col(Ticket.number) == int(digits))
        conditions.append(or_(*alternatives))
    if flt.mine:
        conditions.append(col(Ticket.user_id) == (ctx.user_id or -1))
    if flt.unassigned:
        conditions.append(col(Ticket.user_id).is_(None))
    if flt.team_id is not None:
        conditions.append(col(Ticket.team_id) == flt.team_id)
    if flt.stage is not None:
        conditions.append(col(Ticket.stage) == flt.stage)
    if flt.open_only:
        conditions.append(col(Ticket.stage).not_in([Stage.SOLVED, Stage.CANCELLED]))
    return conditions


def _sort_columns(sort: TicketSort) -> list[Any]:
    column: Any = {
        SortKey.NUMBER: col(Ticket.number),
        SortKey.TITLE: func.lower(col(Ticket.title)),
        SortKey.CUSTOMER: func.lower(col(_Customer.name)),
        SortKey.TEAM: col(Team.name),
        SortKey.STAGE: col(Ticket.stage),
        SortKey.PRIORITY: col(Ticket.priority),
        SortKey.ASSIGNEE: func.lower(col(User.name)),
        SortKey.AGE: col(Ticket.created_at),
    }[sort.key]
    tiebreak = col(Ticket.id)
    if sort.descending:
        return [column.desc().nulls_last(), tiebreak.desc()]
    return [column.asc().nulls_last(), tiebreak.asc()]


def _base_query(ctx: Context, flt: TicketFilter) -> Any:
    query = (
        sa_select(
            col(Ticket.id),
            col(Ticket.number),
            col(Ticket.title),
            col(_Customer.name),
            col(Team.name),
            col(Ticket.stage),
            col(Ticket.priority),
            col(User.name),
            col(Ticket.created_at),
        )
        .join(Team, col(Team.id) == Ticket.team_id)
        .outerjoin(_Customer, col(_Customer.id) == Ticket.partner_id)
        .outerjoin(User, col(User.id) == Ticket.user_id)
    )
    conditions = _conditions(ctx, flt)
    return query.where(and_(*conditions)) if conditions else query


def fetch_page(
    session: Session,
    ctx: Context,
    flt: TicketFilter,
    sort: TicketSort,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[TicketRow]:
    """One page of the filtered, sorted list."""
    query = _base_query(ctx, flt).order_by(*_sort_columns(sort)).offset(offset).limit(limit)
    return [
        TicketRow(
            id=row[0],
            number=row[1],
            title=row[2],
            customer=row[3] or "",
            team=row[4],
            stage=Stage(row[5]),
            priority=Priority(row[6]),
            assignee=row[7] or "",
            created_at=row[8],
        )
        for row in session.execute(query)
    ]


def count(session: Session, ctx: Context, flt: TicketFilter) -> int:
    query = _base_query(ctx, flt).with_only_columns(func.count()).order_by(None)
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class TicketPage:
    rows: list[TicketRow]
    total: int
    offset: int


def load_page(
    db: Database,
    ctx: Context,
    flt: TicketFilter,
    sort: TicketSort,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    *,
    with_total: bool = True,
) -> TicketPage:
    """A page and (on request) the number of matching tickets, in one read snapshot."""
    with db.read() as session:
        rows = fetch_page(session, ctx, flt, sort, offset, limit)
        total = count(session, ctx, flt) if with_total else -1
    return TicketPage(rows=rows, total=total, offset=offset)
