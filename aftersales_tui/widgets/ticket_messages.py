"""What the ticket list tells its screen (``TicketTable.Loaded`` and the others).

The namespace keeps the handler names of messages nested in ``TicketTable``
(``on_ticket_table_loaded``...).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..services import ticket_rows as tl


@dataclass
class Highlighted(Message, namespace="ticket_table"):
    """The cursor is on another ticket (``None``: the list is empty)."""

    ticket_id: int | None


@dataclass
class Loaded(Message, namespace="ticket_table"):
    """A new result set (filter or sort changed) has its first rows painted, or its
    count came (while ``counting``, ``total`` is only how many it holds at least)."""

    total: int


@dataclass
class SortRequested(Message, namespace="ticket_table"):
    key: tl.SortKey


@dataclass
class TypedAhead(Message, namespace="ticket_table"):
    """A key typed for the filter that reached the list first."""

    key: str
    character: str | None


@dataclass
class Selected(Message, namespace="ticket_table"):
    """Enter (or a click on the highlighted row): open this ticket."""

    ticket_id: int
