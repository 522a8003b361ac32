"""The after-sales actions and linked-record lists the interface can open from a ticket.

One registry: its keys become the ticket's bindings, its action-bar buttons and its palette
entries (a screen shows an action only when the services say the ticket offers it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from ..i18n import _
from ..services import coupons, credit_notes, field_service, repairs, returns
from ..services.coupons import CouponView
from ..services.field_service import TaskView
from ..services.linked import Action, LinkKind, action_label
from ..services.stock import ReturnView
from .base import desk_of


@dataclass(frozen=True)
class ActionEntry:
    key: str
    open: Callable[[Screen[Any], int, Callable[[str], None]], None]


def _refund(screen: Screen[Any], ticket_id: int, done: Callable[[str], None]) -> None:
    from .refund_modal import describe, open_refund

    open_refund(screen, ticket_id, lambda result: done(describe(result)))


def _coupon(screen: Screen[Any], ticket_id: int, done: Callable[[str], None]) -> None:
    from .coupon_card import CouponCard
    from .coupon_modal import open_coupon

    def generated(coupon: CouponView) -> None:
        done(_("Coupon {code} generated").format(code=coupon.code))
        screen.app.push_screen(CouponCard(coupon))

    open_coupon(screen, ticket_id, generated)


def _field_service(screen: Screen[Any], ticket_id: int, done: Callable[[str], None]) -> None:
    from .field_service_modal import open_field_service
    from .task import TaskScreen

    def created(task: TaskView, and_view: bool) -> None:
        message = _("Field service task “{title}” created in {project}").format(
            title=task.title, project=task.project
        )
        if and_view:  # Create & View Task: the ticket catches up when the task closes
            screen.app.push_screen(TaskScreen(task.id), lambda _result: done(message))
        else:
            done(message)

    open_field_service(screen, ticket_id, created)


def _repair(screen: Screen[Any], ticket_id: int, done: Callable[[str], None]) -> None:
    from .repair_modal import describe, open_new_repair

    open_new_repair(screen, ticket_id, lambda result: done(describe(result)))


def _return(screen: Screen[Any], ticket_id: int, done: Callable[[str], None]) -> None:
    from .return_modal import open_return

    def created(receipt: ReturnView) -> None:
        done(_("Return {name} created ({origin})").format(name=receipt.name, origin=receipt.origin))

    open_return(screen, ticket_id, created)


ACTIONS: dict[Action, ActionEntry] = {
    Action.REFUND: ActionEntry("f", _refund),
    Action.COUPON: ActionEntry("c", _coupon),
    Action.RETURN: ActionEntry("r", _return),
    Action.REPAIR: ActionEntry("o", _repair),
    Action.FIELD_SERVICE: ActionEntry("i", _field_service),
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


def _coupons(screen: Screen[Any], ticket_id: int, done: Callable[[], None]) -> None:
    """One coupon opens it (to send or share again); several open the list."""
    from .coupon_card import CouponCard
    from .coupons import CouponsScreen

    desk = desk_of(screen)
    rows = coupons.for_ticket(desk.db, desk.ctx, ticket_id)
    if len(rows) == 1:
        screen.app.push_screen(CouponCard(rows[0]), lambda _result: done())
    else:
        screen.app.push_screen(CouponsScreen(ticket_id), lambda _result: done())


def _tasks(screen: Screen[Any], ticket_id: int, done: Callable[[], None]) -> None:
    """One task opens it; several open the list."""
    from .task import TaskScreen
    from .tasks import TasksScreen

    rows = field_service.for_ticket(desk_of(screen).db, ticket_id)
    if len(rows) == 1:
        screen.app.push_screen(TaskScreen(rows[0].id), lambda _result: done())
    else:
        screen.app.push_screen(TasksScreen(ticket_id), lambda _result: done())


def _repairs(screen: Screen[Any], ticket_id: int, done: Callable[[], None]) -> None:
    """One repair opens it; several open the list."""
    from .repair_modal import open_repair
    from .repairs import RepairsScreen

    rows = repairs.for_ticket(desk_of(screen).db, ticket_id)
    if len(rows) == 1:
        open_repair(screen, rows[0].id, done)
    else:
        screen.app.push_screen(RepairsScreen(ticket_id), lambda _result: done())


def _returns(screen: Screen[Any], ticket_id: int, done: Callable[[], None]) -> None:
    """One return opens it (to validate it when ready); several open the list."""
    from .return_card import ReturnCard
    from .returns import ReturnsScreen

    rows = returns.for_ticket(desk_of(screen).db, ticket_id)
    if len(rows) == 1:
        screen.app.push_screen(ReturnCard(rows[0]), lambda _result: done())
    else:
        screen.app.push_screen(ReturnsScreen(ticket_id), lambda _result: done())


LINK_LISTS: dict[LinkKind, Callable[[Screen[Any], int, Callable[[], None]], None]] = {
    LinkKind.CREDIT_NOTES: _credit_notes,
    LinkKind.COUPONS: _coupons,
    LinkKind.RETURNS: _returns,
    LinkKind.REPAIRS: _repairs,
    LinkKind.TASKS: _tasks,
}


def action_keys() -> dict[Action, str]:
    return {action: entry.key for action, entry in ACTIONS.items()}


def action_bindings() -> list[Binding]:
    """The ticket screen's key for each action (help, footer and palette are built from them)."""
    return [
        Binding(entry.key, f"after_sales('{action.value}')", action_label(action), id=action.value)
        for action, entry in ACTIONS.items()
    ]
