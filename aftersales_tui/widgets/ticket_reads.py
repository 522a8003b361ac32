"""The reads of the ticket list, as the table's background threads run them."""

from __future__ import annotations

from ..db import Cancel, Database
from ..services import Context
from ..services import ticket_list as tl
from .row_window import BLOCK, BlockRead


def first_rows(
    db: Database,
    ctx: Context,
    flt: tl.TicketFilter,
    sort: tl.TicketSort,
    cursor: int,
    cancel: Cancel,
) -> tuple[tl.ListCount, int, int, list[tl.TicketRow]]:
    """The count and the block under the cursor, in one read: (count, cursor, block, rows)."""
    with db.read(cancel) as session:
        counted = tl.count(session, ctx, flt)
        cursor = max(0, min(cursor, counted.total - 1))
        block = cursor // BLOCK
        rows = tl.fetch_page(session, ctx, flt, sort, block * BLOCK, BLOCK)
    return counted, cursor, block, rows


def block_rows(
    db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort, read: BlockRead
) -> list[tl.TicketRow]:
    """The rows of one block, read as ``read`` plans it."""
    with db.read() as session:
        if read.how == "after" and read.anchor is not None:
            return tl.fetch_after(session, ctx, flt, sort, read.anchor, read.limit)
        if read.how == "before" and read.anchor is not None:
            return tl.fetch_before(session, ctx, flt, sort, read.anchor, read.limit)
        if read.how == "from_end":
            return tl.fetch_from_end(session, ctx, flt, sort, read.offset, read.limit)
        return tl.fetch_page(session, ctx, flt, sort, read.offset, read.limit)
