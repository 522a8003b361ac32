"""The after-sales actions and linked-record lists the interface can open from a ticket.

One registry: its keys become the ticket's bindings, its action-bar buttons and its palette
entries (a screen shows an action only when the services say the ticket offers it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from ..services import credit_notes
from ..services.linked import Action, LinkKind
from .base import desk_of


@dataclass(frozen=True)
class ActionEntry:
    key: str
    open: Callable[[Screen[Any], int, Callable[[str], None]], None]


def _refund(screen: Screen[Any], ticket_id: int, done: Callable[[str], None]) -> None:
    from .refund_modal import describe, open_refund

    open_refund(screen, ticket_id, lambda result: done(describe(result)))


ACTIONS: dict[Action, ActionEntry] = {
    Action.REFUND: ActionEntry("f", _refund),
}


def _credit_notes(screen: Screen[Any], ticket_id: int, done: Callable[[], None]) -> None:
    """One credit note opens it; several open the list."""
    from .credit_note_editor import open_credit_note
    from .credit_notes import CreditNotesScreen

    rows = credit_notes.for_ticket(desk_of(screen).db, ticket_id)
    if len(rows) == 1:
        open_credit_note(screen, rows[0].id, done)
    else:
        screen.app.push_screen(CreditNotesScreen(ticket_id), lambda _result: done())


LINK_LISTS: dict[LinkKind, Callable[[Screen[Any], int, Callable[[], None]], None]] = {
    LinkKind.CREDIT_NOTES: _credit_notes,
}


def action_keys() -> dict[Action, str]:
    return {action: entry.key for action, entry in ACTIONS.items()}
