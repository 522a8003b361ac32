"""The ticket list: filters, sorting, and windows of rows (never the whole table).

Every filter and sort the list offers reads through an index in list order, so a window
costs the same at the top of a million tickets as of a hundred: the rows after (or before) a
row already on screen are a range seek, and the end of the list is read backwards. The
free-text filter goes through the full-text index of the storage layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    func,
    literal,
    or_,
    tuple_,
    type_coerce,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from .. import fulltext
from ..db import Database
from ..models import Partner, Stage, Team, Ticket, User
from ..models.base import caseless
from .context import Context
from .ticket_rows import (
    COUNT_CAP,
    ListCount,
    SortKey,
    TicketFilter,
    TicketRow,
    TicketSort,
    ticket_row,
)

PAGE_SIZE = 100

__all__ = [
    "COUNT_CAP",
    "ListCount",
    "SortKey",
    "TicketFilter",
    "TicketRow",
    "TicketSort",
]


def _match(session: Session, flt: TicketFilter) -> fulltext.Match | None:
    return fulltext.match(session.get_bind().dialect.name, flt.text)


def _conditions(
    ctx: Context, flt: TicketFilter, match: fulltext.Match | None, sort: TicketSort | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if match is not None:
        conditions.append(match.condition)
    elif fulltext.words(flt.text):
        found = fulltext.fallback_condition(
            flt.text, col(Ticket.title), col(Ticket.description), col(Partner.name)
        )
        digits = flt.text.strip().removeprefix("#")
        if digits.isdigit():
            found = or_(found, col(Ticket.number) == int(digits))
        conditions.append(found)
    # Sorted by number, a quick filter reads its own (column, number) index in order. Sorted
    # by anything else, the sort's index gives the order and the quick filters are checked
    # row by row until the window is full ("+ 0" and "|| ''" keep SQLite off their indexes,
    # which would make it sort every ticket of the filter first).
    by_number = sort is None or sort.key == SortKey.NUMBER
    user: Any = col(Ticket.user_id) if by_number else col(Ticket.user_id) + 0
    team: Any = col(Ticket.team_id) if by_number else col(Ticket.team_id) + 0
    stage: Any = (
        col(Ticket.stage)
        if by_number
        else type_coerce(col(Ticket.stage), String).concat(literal("", String))
    )
    if flt.mine:
        conditions.append(user == (ctx.user_id or -1))
    if flt.unassigned:
        conditions.append(user.is_(None))
    if flt.team_id is not None:
        conditions.append(team == flt.team_id)
    if flt.stage is not None:
        conditions.append(stage == flt.stage.value)
    if flt.open_only:
        conditions.append(stage.not_in([Stage.SOLVED.value, Stage.CANCELLED.value]))
    return conditions


def _query(
    ctx: Context,
    flt: TicketFilter,
    match: fulltext.Match | None,
    *columns: Any,
    sort: TicketSort | None = None,
) -> Select[Any]:
    """``columns`` of the filtered tickets (joined with team, customer and assignee)."""
    query = sa_select(*columns)
    if match is not None:
        query = query.select_from(match.source).join(Ticket, col(Ticket.number) == match.number)
    else:
        query = query.select_from(Ticket)
    query = (
        query.join(Team, col(Team.id) == Ticket.team_id)
        .outerjoin(Partner, col(Partner.id) == Ticket.partner_id)
        .outerjoin(User, col(User.id) == Ticket.user_id)
    )
    conditions = _conditions(ctx, flt, match, sort)
    return query.where(and_(*conditions)) if conditions else query


_ROW_COLUMNS = (
    col(Ticket.id),
    col(Ticket.number),
    col(Ticket.title),
    col(Partner.name),
    col(Team.name),
    col(Ticket.stage),
    col(Ticket.priority),
    col(User.name),
    col(Ticket.created_at),
)


def _row_query(
    ctx: Context, flt: TicketFilter, sort: TicketSort, match: fulltext.Match | None
) -> Select[Any]:
    return _query(ctx, flt, match, *_ROW_COLUMNS, sort=sort)


def _key(sort: TicketSort) -> Any:
    """The sort's own column (``None`` for number: the number alone orders the list)."""
    return {
        SortKey.NUMBER: None,
        SortKey.TITLE: caseless(col(Ticket.title)),
        SortKey.STAGE: col(Ticket.stage),
        SortKey.PRIORITY: col(Ticket.priority),
        SortKey.AGE: col(Ticket.created_at),
    }[sort.key]


def _key_value(sort: TicketSort, row: TicketRow, key: Any) -> Any:
    """``row``'s value of the sort's column, to compare that column with."""
    if sort.key is SortKey.TITLE:
        return caseless(literal(row.title))
    value = {
        SortKey.STAGE: row.stage,
        SortKey.PRIORITY: row.priority,
        SortKey.AGE: row.created_at,
    }[sort.key]
    return literal(value, key.type)


def _ordered(
    query: Select[Any], sort: TicketSort, match: fulltext.Match | None, reverse: bool = False
) -> Select[Any]:
    """In list order (or its reverse): the sort's column, then the (unique) number."""
    number: Any = match.number if match is not None else col(Ticket.number)
    descending = sort.descending != reverse
    columns = [c for c in (_key(sort), number) if c is not None]
    return query.order_by(*(c.desc() if descending else c.asc() for c in columns))


def _beyond(
    sort: TicketSort, match: fulltext.Match | None, row: TicketRow, *, before: bool
) -> ColumnElement[bool]:
    """Rows after ``row`` in list order (or before it): a range the index seeks to."""
    number: Any = match.number if match is not None else col(Ticket.number)
    key = _key(sort)
    left: Any = number if key is None else tuple_(key, number)
    right: Any = row.number if key is None else tuple_(_key_value(sort, row, key), row.number)
    smaller = sort.descending != before
    return left < right if smaller else left > right


def _rows(session: Session, query: Select[Any]) -> list[TicketRow]:
    return [ticket_row(tuple(row)) for row in session.execute(query)]


def fetch_page(
    session: Session,
    ctx: Context,
    flt: TicketFilter,
    sort: TicketSort,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[TicketRow]:
    """Rows ``offset`` to ``offset + limit`` of the list."""
    match = _match(session, flt)
    query = _ordered(_row_query(ctx, flt, sort, match), sort, match)
    return _rows(session, query.offset(offset).limit(limit))


def fetch_after(
    session: Session, ctx: Context, flt: TicketFilter, sort: TicketSort, row: TicketRow, limit: int
) -> list[TicketRow]:
    """The ``limit`` rows that follow ``row`` (however deep in the list it is)."""
    match = _match(session, flt)
    query = _row_query(ctx, flt, sort, match).where(_beyond(sort, match, row, before=False))
    return _rows(session, _ordered(query, sort, match).limit(limit))


def fetch_before(
    session: Session, ctx: Context, flt: TicketFilter, sort: TicketSort, row: TicketRow, limit: int
) -> list[TicketRow]:
    """The ``limit`` rows that precede ``row``, in list order."""
    match = _match(session, flt)
    query = _row_query(ctx, flt, sort, match).where(_beyond(sort, match, row, before=True))
    return _rows(session, _ordered(query, sort, match, reverse=True).limit(limit))[::-1]


def fetch_from_end(
    session: Session,
    ctx: Context,
    flt: TicketFilter,
    sort: TicketSort,
    from_end: int,
    limit: int,
) -> list[TicketRow]:
    """Rows counted from the end of the list (for the end and the second half of it)."""
    match = _match(session, flt)
    query = _ordered(_row_query(ctx, flt, sort, match), sort, match, reverse=True)
    return _rows(session, query.offset(from_end).limit(limit))[::-1]


def _counted(ctx: Context, flt: TicketFilter, match: fulltext.Match | None) -> Select[Any]:
    """The filtered tickets to count: the full-text index alone for text alone, with the
    ticket for the quick filters; never the joins of the rows (they cannot change the count)."""
    if match is None and fulltext.words(flt.text):
        return _query(ctx, flt, match, literal(1))  # no index: the words are looked for in text
    conditions = _conditions(ctx, flt, match, None)
    query = sa_select(literal(1))
    if match is None:
        query = query.select_from(Ticket)
    elif len(conditions) == 1:  # the text alone
        query = query.select_from(match.source)
    else:
        query = query.select_from(match.source).join(Ticket, col(Ticket.number) == match.number)
    return query.where(and_(*conditions)) if conditions else query


def count(session: Session, ctx: Context, flt: TicketFilter, cap: int = COUNT_CAP) -> ListCount:
    """How many tickets the list holds; past ``cap`` only that there are more."""
    if flt.is_empty:
        return ListCount(int(session.execute(sa_select(func.count(col(Ticket.id)))).scalar_one()))
    window = _counted(ctx, flt, _match(session, flt)).limit(cap + 1).subquery()
    found = int(session.execute(sa_select(func.count()).select_from(window)).scalar_one())
    return ListCount(min(found, cap), capped=found > cap)


def position(
    session: Session, ctx: Context, flt: TicketFilter, sort: TicketSort, number: int
) -> int | None:
    """Where ticket ``number`` is in the list (``None``: not in it)."""
    match = _match(session, flt)
    rows = _rows(session, _row_query(ctx, flt, sort, match).where(col(Ticket.number) == number))
    if not rows:
        return None
    before = _query(ctx, flt, match, literal(1), sort=sort)
    before = before.where(_beyond(sort, match, rows[0], before=True))
    return int(session.execute(sa_select(func.count()).select_from(before.subquery())).scalar_one())


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
) -> TicketPage:
    """A page and the (capped) number of matching tickets, in one read snapshot."""
    with db.read() as session:
        rows = fetch_page(session, ctx, flt, sort, offset, limit)
        total = count(session, ctx, flt).total
    return TicketPage(rows=rows, total=total, offset=offset)
