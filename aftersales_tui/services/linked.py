"""What hangs off a ticket: smart-button counts, open work, which actions it offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import String, case, func, literal, union_all
from sqlmodel import Session, col, select

from ..db import Database
from ..i18n import _
from ..models import (
    Coupon,
    CouponState,
    Invoice,
    InvoiceState,
    MoveType,
    Picking,
    PickingKind,
    PickingState,
    RepairOrder,
    RepairState,
    Task,
    TaskStage,
    Team,
    Ticket,
)
from .link_kinds import LinkKind, SmartButton, link_label, state_label

__all__ = ["LinkKind", "SmartButton", "link_label", "state_label"]

if TYPE_CHECKING:
    from .chatter import ChatterEntry
    from .tickets import TicketDetail


_STATE_ORDER = (
    "draft",
    "valid",
    "ready",
    "confirmed",
    "under_repair",
    "open",
    "posted",
    "done",
    "used",
    "expired",
    "closed",
    "cancelled",
)


def smart_buttons(session: Session, ticket_id: int, today: date) -> list[SmartButton]:
    """The ticket's smart buttons (only those with a count above zero), in ONE query."""
    coupon_state = case(
        (
            (col(Coupon.state) == CouponState.VALID)
            & col(Coupon.expiration_date).is_not(None)
            & (col(Coupon.expiration_date) < today),
            literal(CouponState.EXPIRED.value),
        ),
        else_=func.cast(col(Coupon.state), String),
    )
    task_state = case((col(TaskStage.is_closed), literal("closed")), else_=literal("open"))
    parts = [
        select(
            literal(LinkKind.CREDIT_NOTES.value).label("kind"),
            func.cast(col(Invoice.state), String).label("state"),
        ).where(Invoice.ticket_id == ticket_id, Invoice.move_type == MoveType.CREDIT_NOTE),
        select(literal(LinkKind.COUPONS.value), coupon_state).where(Coupon.ticket_id == ticket_id),
        select(literal(LinkKind.RETURNS.value), func.cast(col(Picking.state), String)).where(
            Picking.ticket_id == ticket_id, Picking.kind == PickingKind.INCOMING
        ),
        select(literal(LinkKind.REPAIRS.value), func.cast(col(RepairOrder.state), String)).where(
            RepairOrder.ticket_id == ticket_id
        ),
        select(literal(LinkKind.TASKS.value), task_state)
        .select_from(Task)
        .outerjoin(TaskStage, col(TaskStage.id) == Task.stage_id)
        .where(Task.ticket_id == ticket_id),
    ]
    linked = union_all(*parts).subquery()
    rows = session.execute(
        select(linked.c.kind, linked.c.state, func.count()).group_by(linked.c.kind, linked.c.state)
    ).all()
    counts: dict[LinkKind, dict[str, int]] = {}
    for kind, state, n in rows:
        counts.setdefault(LinkKind(kind), {})[str(state)] = int(n)
    buttons = []
    for kind in LinkKind:
        states = counts.get(kind)
        if not states:
            continue
        ordered = sorted(
            states.items(),
            key=lambda item: _STATE_ORDER.index(item[0]) if item[0] in _STATE_ORDER else 99,
        )
        buttons.append(SmartButton(kind, sum(states.values()), tuple(ordered)))
    return buttons


def load_smart_buttons(db: Database, ticket_id: int, today: date) -> list[SmartButton]:
    with db.read() as session:
        return smart_buttons(session, ticket_id, today)


def open_work(session: Session, ticket_id: int) -> list[str]:
    """Linked work still open (what closing the ticket would leave behind), described."""
    found: list[str] = []
    drafts = session.exec(
        select(Invoice.name).where(
            Invoice.ticket_id == ticket_id,
            Invoice.move_type == MoveType.CREDIT_NOTE,
            Invoice.state == InvoiceState.DRAFT,
        )
    ).all()
    found += [_("draft credit note {name}").format(name=n or _("(unnumbered)")) for n in drafts]
    ready = session.exec(
        select(Picking.name).where(
            Picking.ticket_id == ticket_id,
            Picking.kind == PickingKind.INCOMING,
            col(Picking.state).in_([PickingState.DRAFT, PickingState.READY]),
        )
    ).all()
    found += [_("return {name} not received").format(name=n) for n in ready]
    repairs = session.exec(
        select(RepairOrder.name).where(
            RepairOrder.ticket_id == ticket_id,
            col(RepairOrder.state).in_(
                [RepairState.DRAFT, RepairState.CONFIRMED, RepairState.UNDER_REPAIR]
            ),
        )
    ).all()
    found += [_("unfinished repair {name}").format(name=n) for n in repairs]
    tasks = session.exec(
        select(Task.title)
        .outerjoin(TaskStage, col(TaskStage.id) == Task.stage_id)
        .where(Task.ticket_id == ticket_id, func.coalesce(TaskStage.is_closed, False).is_(False))
    ).all()
    found += [_("open task “{title}”").format(title=t) for t in tasks]
    return found


# --- which actions a ticket offers ----------------------------------------------------


class Action(StrEnum):
    """The five after-sales actions, in the guide's order."""

    REFUND = "refund"
    COUPON = "coupon"
    RETURN = "return"
    REPAIR = "repair"
    FIELD_SERVICE = "field_service"


def action_label(action: Action) -> str:
    return {
        Action.REFUND: _("Refund"),
        Action.COUPON: _("Coupon"),
        Action.RETURN: _("Return"),
        Action.REPAIR: _("Repair"),
        Action.FIELD_SERVICE: _("Plan Intervention"),
    }[action]


_SWITCHES = {
    Action.REFUND: "use_refunds",
    Action.COUPON: "use_coupons",
    Action.RETURN: "use_returns",
    Action.REPAIR: "use_repairs",
    Action.FIELD_SERVICE: "use_field_service",
}


def has_done_delivery(session: Session, partner_id: int | None) -> bool:
    if partner_id is None:
        return False
    found = session.exec(
        select(Picking.id)
        .where(
            Picking.partner_id == partner_id,
            Picking.kind == PickingKind.OUTGOING,
            Picking.state == PickingState.DONE,
        )
        .limit(1)
    ).first()
    return found is not None


def available_actions(session: Session, ticket: Ticket) -> list[Action]:
    """The actions this ticket offers: its team's switches, and for Return a done delivery."""
    team = session.get(Team, ticket.team_id)
    if team is None:
        return []
    actions = [a for a in Action if getattr(team, _SWITCHES[a])]
    if Action.RETURN in actions and not has_done_delivery(session, ticket.partner_id):
        actions.remove(Action.RETURN)
    return actions


def load_available_actions(db: Database, ticket_id: int) -> list[Action]:
    with db.read() as session:
        ticket = session.get(Ticket, ticket_id)
        return available_actions(session, ticket) if ticket is not None else []


def team_switch(action: Action) -> str:
    """The name of the team's switch that turns ``action`` on."""
    return _SWITCHES[action]


@dataclass(frozen=True)
class TicketPage:
    """Everything the ticket screen shows, read in one snapshot."""

    detail: TicketDetail
    actions: list[Action]
    buttons: list[SmartButton]
    history: list[ChatterEntry]


def ticket_page(db: Database, ticket_id: int, today: date) -> TicketPage:
    """The ticket, its actions, its smart buttons and its chatter, in one read."""
    from . import chatter, tickets

    with db.read() as session:
        detail = tickets.detail(session, ticket_id)
        ticket = tickets.get(session, ticket_id)
        return TicketPage(
            detail=detail,
            actions=available_actions(session, ticket),
            buttons=smart_buttons(session, ticket_id, today),
            history=chatter.history(session, tickets.MODEL, ticket_id),
        )
