"""Triage: assign, change stage or priority, follow; on one ticket or many at once.

Every change is logged in the ticket's chatter with who and when. A batch is one
transaction: all marked tickets change, or none does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlmodel import Session

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import CLOSED_STAGES, Priority, Stage, Ticket, TicketFollower, User
from . import chatter, linked, tickets
from .context import Context
from .directory import current_agent
from .errors import AfterSalesError


class OpenWorkError(AfterSalesError):
    """Closing these tickets would leave linked work open; ask the agent first."""

    def __init__(self, open_work: dict[int, list[str]]) -> None:
        lines = [f"#{number}: " + ", ".join(items) for number, items in sorted(open_work.items())]
        super().__init__(_("Linked work is still open:") + "\n" + "\n".join(lines))
        self.open_work = open_work


def _apply(
    db: Database,
    ctx: Context,
    ticket_ids: Sequence[int],
    change: Callable[[Session, Ticket], str | None],
) -> int:
    """Run ``change`` on every ticket in one transaction; returns how many changed."""
    if not ticket_ids:
        raise AfterSalesError(_("No ticket selected"))
    changed = 0
    with db.write() as session:
        for ticket_id in dict.fromkeys(ticket_ids):
            ticket = tickets.get(session, ticket_id)
            message = change(session, ticket)
            if message is None:
                continue
            ticket.version += 1
            ticket.updated_at = ctx.now()
            chatter.post(session, ctx, tickets.MODEL, ticket_id, message)
            changed += 1
    return changed


def assign(db: Database, ctx: Context, ticket_ids: Sequence[int], user_id: int | None) -> int:
    """Assign to an agent (``None`` unassigns)."""

    def change(session: Session, ticket: Ticket) -> str | None:
        if ticket.user_id == user_id:
            return None
        if user_id is None:
            ticket.user_id = None
            return _("Unassigned")
        agent = session.get(User, user_id)
        if agent is None:
            raise AfterSalesError(_("This agent no longer exists"), field="user_id")
        ticket.user_id = user_id
        return _("Assigned to {name}").format(name=agent.name)

    return _apply(db, ctx, ticket_ids, change)


def assign_to_me(db: Database, ctx: Context, ticket_ids: Sequence[int]) -> int:
    with db.read() as session:
        me = current_agent(session, ctx)
    return assign(db, ctx, ticket_ids, me.id)


def set_stage(
    db: Database, ctx: Context, ticket_ids: Sequence[int], stage: Stage, *, confirmed: bool = False
) -> int:
    """Move tickets to ``stage``. Closing one with open linked work needs ``confirmed``."""
    stage = Stage(stage)
    if stage in CLOSED_STAGES and not confirmed:
        with db.read() as session:
            pending = {}
            for ticket_id in ticket_ids:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None or ticket.stage == stage:
                    continue  # a missing ticket fails below; one already there is not closed
                work = linked.open_work(session, ticket_id)
                if work:
                    pending[ticket.number] = work
        if pending:
            raise OpenWorkError(pending)

    def change(session: Session, ticket: Ticket) -> str | None:
        if ticket.stage == stage:
            return None
        before = fmt.stage_label(ticket.stage)
        ticket.stage = stage
        return _("Stage: {before} → {after}").format(before=before, after=fmt.stage_label(stage))

    return _apply(db, ctx, ticket_ids, change)


def set_priority(db: Database, ctx: Context, ticket_ids: Sequence[int], priority: Priority) -> int:
    priority = Priority(priority)

    def change(session: Session, ticket: Ticket) -> str | None:
        if ticket.priority == priority:
            return None
        before = fmt.priority_label(ticket.priority)
        ticket.priority = priority
        return _("Priority: {before} → {after}").format(
            before=before, after=fmt.priority_label(priority)
        )

    return _apply(db, ctx, ticket_ids, change)


def follow(db: Database, ctx: Context, ticket_ids: Sequence[int], following: bool = True) -> int:
    """The current agent follows (or stops following) the tickets."""
    with db.read() as session:
        me = current_agent(session, ctx)

    def change(session: Session, ticket: Ticket) -> str | None:
        ticket_id = ticket.id or 0
        existing = session.get(TicketFollower, (ticket_id, me.partner_id))
        if following:
            if existing is not None:
                return None
            tickets.add_follower(session, ticket_id, me.partner_id)
            return _("{name} follows the ticket").format(name=me.name)
        if existing is None:
            return None
        session.delete(existing)
        return _("{name} stopped following the ticket").format(name=me.name)

    return _apply(db, ctx, ticket_ids, change)


def is_following(db: Database, ctx: Context, ticket_id: int) -> bool:
    with db.read() as session:
        me = current_agent(session, ctx)
        return session.get(TicketFollower, (ticket_id, me.partner_id)) is not None
