"""What the ticket list shows: its filter and sort, its rows, and how many there are.

Plain values with no database code, so that the list can be drawn (and its first rows shown)
before the storage layer is loaded; ``ticket_list`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..enums import Priority, Stage


class SortKey(StrEnum):
    """The orders the list offers: each one has an index that hands rows over in order."""

    NUMBER = "number"
    TITLE = "title"
    STAGE = "stage"
    PRIORITY = "priority"
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


# Filtered lists are counted this far, then shown as "10,000+": a count never scans the table.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class ListCount:
    total: int
    capped: bool = False  # there are more than ``total``


def ticket_row(values: tuple[Any, ...]) -> TicketRow:
    """A row from the list's stored columns: id, number, title, customer, team, stage,
    priority, assignee, created at (a UTC timestamp, or SQLite's stored text of one)."""
    created = values[8]
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return TicketRow(
        id=values[0],
        number=values[1],
        title=values[2],
        customer=values[3] or "",
        team=values[4],
        stage=Stage(values[5]),
        priority=Priority(values[6]),
        assignee=values[7] or "",
        created_at=created,
    )
