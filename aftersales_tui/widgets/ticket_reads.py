"""The reads of the ticket list, as the table's background threads run them.

They load the storage layer when first called, in a thread: never on the way to the first
paint (which can come before the database is opened, see ``services.first_page``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..services import ticket_rows as tl
from ..services.context import Context
from .row_window import BLOCK, BlockRead

if TYPE_CHECKING:
    from ..db import Database
    from ..storage_cancel import Cancel


@dataclass(frozen=True)
class FirstRows:
    """The block of a new list under the cursor, read before the list is counted."""

    cursor: int
    block: int
    rows: list[tl.TicketRow]
    counted: tl.ListCount | None  # known without counting (the list ends in it), else None


def first_rows(
    db: Database,
    ctx: Context,
    flt: tl.TicketFilter,
    sort: tl.TicketSort,
    cursor: int,
    cancel: Cancel,
) -> FirstRows:
    """The block under the cursor, without counting the list unless the block ends it."""
    from ..services import ticket_list

    block = cursor // BLOCK
    with db.read(cancel) as session:
        rows = ticket_list.fetch_page(session, ctx, flt, sort, block * BLOCK, BLOCK)
        if not rows and block:  # the list is shorter now than the cursor: to its end
            counted = ticket_list.count(session, ctx, flt)
            cursor = max(0, counted.total - 1)
            block = cursor // BLOCK
            rows = ticket_list.fetch_page(session, ctx, flt, sort, block * BLOCK, BLOCK)
            return FirstRows(cursor, block, rows, counted)
    if len(rows) < BLOCK:
        total = block * BLOCK + len(rows)
        return FirstRows(max(0, min(cursor, total - 1)), block, rows, tl.ListCount(total))
    return FirstRows(cursor, block, rows, None)


def count(
    db: Database,
    ctx: Context,
    flt: tl.TicketFilter,
    cancel: Cancel | None,
    cap: int = tl.COUNT_CAP,
) -> tl.ListCount:
    """How many tickets the list holds (past ``cap``: only that there are more)."""
    from ..services import ticket_list

    with db.read(cancel) as session:
        return ticket_list.count(session, ctx, flt, cap)


def position(
    db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort, number: int
) -> int | None:
    """Where ticket ``number`` is in the list (``None``: not in it)."""
    from ..services import ticket_list

    with db.read() as session:
        return ticket_list.position(session, ctx, flt, sort, number)


def block_rows(
    db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort, read: BlockRead
) -> list[tl.TicketRow]:
    """The rows of one block, read as ``read`` plans it."""
    from ..services import ticket_list

    with db.read() as session:
        if read.how == "after" and read.anchor is not None:
            return ticket_list.fetch_after(session, ctx, flt, sort, read.anchor, read.limit)
        if read.how == "before" and read.anchor is not None:
            return ticket_list.fetch_before(session, ctx, flt, sort, read.anchor, read.limit)
        if read.how == "from_end":
            return ticket_list.fetch_from_end(session, ctx, flt, sort, read.offset, read.limit)
        return ticket_list.fetch_page(session, ctx, flt, sort, read.offset, read.limit)
