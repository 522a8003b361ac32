"""The ticket list as a CSV file: what the list shows (same filter, same order), read in
windows of the list so that a million tickets never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from . import ticket_list as tl
from .context import Context
from .errors import AfterSalesError
from .exporting import write_csv

WINDOW = 1_000
# A text cell starting with one of these would be taken for a formula by a spreadsheet
# (a customer's title "=HYPERLINK(...)" becoming a link): it gets a leading apostrophe,
# which spreadsheets show as text and do not display.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("number", "title", "customer", "team", "stage", "priority", "assignee", "created_at")


@dataclass(frozen=True)
class TicketListFile:
    path: Path
    rows: int


def file_name(ctx: Context, folder: Path) -> Path:
    """``tickets-2026-11-23-1015.csv`` (the agent's local time); ``-2``, ``-3``... when a
    file of that name is there already."""
    stamp = ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%d-%H%M")
    path = folder / f"tickets-{stamp}.csv"
    n = 2
    while path.exists():
        path = folder / f"tickets-{stamp}-{n}.csv"
        n += 1
    return path


def as_text(value: str) -> str:
    """``value`` as a spreadsheet shows it: never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _rows(
    db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort, counted: list[int]
) -> Iterator[dict[str, Any]]:
    with db.read() as session:
        rows = tl.fetch_page(session, ctx, flt, sort, 0, WINDOW)
        while rows:
            for row in rows:
                counted[0] += 1
                yield {
                    "number": row.number,
                    "title": as_text(row.title),
                    "customer": as_text(row.customer),
                    "team": as_text(row.team),
                    "stage": fmt.stage_label(row.stage),
                    "priority": fmt.priority_label(row.priority),
                    "assignee": as_text(row.assignee),
                    "created_at": row.created_at,
                }
            if len(rows) < WINDOW:
                return
            rows = tl.fetch_after(session, ctx, flt, sort, rows[-1], WINDOW)


def write_ticket_list(
    db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort, folder: Path
) -> TicketListFile:
    """Write the list as filtered and sorted into a new file of ``folder``."""
    path = file_name(ctx, folder)
    counted = [0]
    try:
        write_csv(path, HEADER, _rows(db, ctx, flt, sort, counted))
    except OSError as exc:
        raise AfterSalesError(
            _("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    return TicketListFile(path=path, rows=counted[0])
