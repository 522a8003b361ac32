"""Tickets: read one, create one, edit one, log a note on one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import (
    Lot,
    MessageKind,
    Partner,
    Priority,
    Product,
    SalesOrder,
    Stage,
    Team,
    Ticket,
    TicketFollower,
    User,
)
from . import chatter, sequences
from .context import Context
from .errors import AfterSalesError
from .texts import storable

MODEL = "ticket"
TITLE_MAX = 500
DESCRIPTION_MAX = 100_000


@dataclass(frozen=True)
class TicketDetail:
    """Everything the ticket screen shows about a ticket."""

    id: int
    number: int
    title: str
    description: str
    team_id: int
    team: str
    partner_id: int | None
    customer: str
    product_id: int | None
    product: str
    lot_id: int | None
    lot: str
    sale_order_id: int | None
    sale_order: str
    stage: Stage
    priority: Priority
    user_id: int | None
    assignee: str
    followers: tuple[str, ...]
    follower_ids: tuple[int, ...]
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def ref(self) -> str:
        return fmt.ticket_ref(self.number)


@dataclass(frozen=True)
class TicketFields:
    """The editable fields of a ticket, as a form hands them back."""

    title: str
    team_id: int | None
    description: str = ""
    partner_id: int | None = None
    product_id: int | None = None
    lot_id: int | None = None
    sale_order_id: int | None = None
    user_id: int | None = None
    stage: Stage = Stage.NEW
    priority: Priority = Priority.LOW
    follower_ids: tuple[int, ...] = field(default=())


def _name(session: Session, model: type, record_id: int | None) -> str:
    if record_id is None:
        return ""
    record = session.get(model, record_id)
    return getattr(record, "name", "") if record is not None else ""


def get(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise AfterSalesError(_("This ticket no longer exists"))
    return ticket


def detail(session: Session, ticket_id: int) -> TicketDetail:
    ticket = get(session, ticket_id)
    followers = session.exec(
        select(Partner)
        .join(TicketFollower, col(TicketFollower.partner_id) == Partner.id)
        .where(TicketFollower.ticket_id == ticket_id)
        .order_by(col(Partner.name))
    ).all()
    return TicketDetail(
        id=ticket.id or 0,
        number=ticket.number,
        title=ticket.title,
        description=ticket.description,
        team_id=ticket.team_id,
        team=_name(session, Team, ticket.team_id),
        partner_id=ticket.partner_id,
        customer=_name(session, Partner, ticket.partner_id),
        product_id=ticket.product_id,
        product=_name(session, Product, ticket.product_id),
        lot_id=ticket.lot_id,
        lot=_name(session, Lot, ticket.lot_id),
        sale_order_id=ticket.sale_order_id,
        sale_order=_name(session, SalesOrder, ticket.sale_order_id),
        stage=Stage(ticket.stage),
        priority=Priority(ticket.priority),
        user_id=ticket.user_id,
        assignee=_name(session, User, ticket.user_id),
        followers=tuple(p.name for p in followers),
        follower_ids=tuple(p.id or 0 for p in followers),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        version=ticket.version,
    )


def load(db: Database, ticket_id: int) -> TicketDetail:
    with db.read() as session:
        return detail(session, ticket_id)


# --- validation -----------------------------------------------------------------------


def _validate(session: Session, fields: TicketFields) -> str:
    """Check a form's fields; returns the cleaned title. Raises on the first bad field."""
    title = storable(fields.title, "title").strip()
    if not title:
        raise AfterSalesError(_("A ticket needs a title"), field="title")
    if len(title) > TITLE_MAX:
        raise AfterSalesError(
            _("The title is too long ({n} characters at most)").format(n=TITLE_MAX), field="title"
        )
    if len(fields.description) > DESCRIPTION_MAX:
        raise AfterSalesError(_("The description is too long"), field="description")
    storable(fields.description, "description")
    if fields.team_id is None or session.get(Team, fields.team_id) is None:
        raise AfterSalesError(_("Choose a team"), field="team_id")
    if fields.partner_id is not None and session.get(Partner, fields.partner_id) is None:
        raise AfterSalesError(_("This customer no longer exists"), field="partner_id")
    if fields.user_id is not None and session.get(User, fields.user_id) is None:
        raise AfterSalesError(_("This agent no longer exists"), field="user_id")
    product = session.get(Product, fields.product_id) if fields.product_id is not None else None
    if fields.product_id is not None and product is None:
        raise AfterSalesError(_("This product no longer exists"), field="product_id")
    if fields.lot_id is not None:
        lot = session.get(Lot, fields.lot_id)
        if lot is None or product is None or lot.product_id != product.id:
            raise AfterSalesError(
                _("This lot/serial number is not one of the product's"), field="lot_id"
            )
    if fields.sale_order_id is not None:
        order = session.get(SalesOrder, fields.sale_order_id)
        if order is None:
            raise AfterSalesError(_("This sales order no longer exists"), field="sale_order_id")
        if fields.partner_id is not None and order.partner_id != fields.partner_id:
            raise AfterSalesError(
                _("Sales order {order} belongs to another customer").format(order=order.name),
                field="sale_order_id",
            )
    for partner_id in fields.follower_ids:
        if session.get(Partner, partner_id) is None:
            raise AfterSalesError(_("A follower no longer exists"), field="follower_ids")
    return title


def _after_last(session: Session) -> int:
    """The number after the highest ticket (where numbering starts on a filled database)."""
    highest = session.exec(select(func.max(Ticket.number))).one()
    return int(highest or 0) + 1


def add_follower(session: Session, ticket_id: int, partner_id: int) -> bool:
    """Make ``partner_id`` follow the ticket; False when it already did."""
    if session.get(TicketFollower, (ticket_id, partner_id)) is not None:
        return False
    session.add(TicketFollower(ticket_id=ticket_id, partner_id=partner_id))
    return True


# --- create and edit ------------------------------------------------------------------


def create(db: Database, ctx: Context, fields: TicketFields) -> TicketDetail:
    """A new ticket, numbered from its sequence; the customer follows it."""
    with db.write() as session:
        title = _validate(session, fields)
        now = ctx.now()
        ticket = Ticket(
            number=sequences.next_number(session, "ticket", start=lambda: _after_last(session)),
            title=title,
            description=fields.description,
            team_id=fields.team_id or 0,
            partner_id=fields.partner_id,
            product_id=fields.product_id,
            lot_id=fields.lot_id,
            sale_order_id=fields.sale_order_id,
            user_id=fields.user_id,
            stage=fields.stage,
            priority=fields.priority,
            created_at=now,
            updated_at=now,
        )
        session.add(ticket)
        session.flush()
        ticket_id = ticket.id or 0
        followers = dict.fromkeys(
            ([fields.partner_id] if fields.partner_id is not None else [])
            + list(fields.follower_ids)
        )
        for partner_id in followers:
            add_follower(session, ticket_id, partner_id)
        chatter.post(session, ctx, MODEL, ticket_id, _("Ticket created"))
        session.flush()
        return detail(session, ticket_id)


def _describe_changes(
    session: Session, ticket: Ticket, fields: TicketFields, title: str
) -> list[str]:
    changes: list[str] = []

    def change(label: str, before: str, after: str) -> None:
        if before != after:
            changes.append(f"{label}: {before or '—'} → {after or '—'}")

    if ticket.title != title:
        changes.append(_("Title changed"))
    if ticket.description != fields.description:
        changes.append(_("Description changed"))
    change(_("Team"), _name(session, Team, ticket.team_id), _name(session, Team, fields.team_id))
    change(
        _("Customer"),
        _name(session, Partner, ticket.partner_id),
        _name(session, Partner, fields.partner_id),
    )
    change(
        _("Product"),
        _name(session, Product, ticket.product_id),
        _name(session, Product, fields.product_id),
    )
    change(_("Lot/Serial"), _name(session, Lot, ticket.lot_id), _name(session, Lot, fields.lot_id))
    change(
        _("Sales Order"),
        _name(session, SalesOrder, ticket.sale_order_id),
        _name(session, SalesOrder, fields.sale_order_id),
    )
    change(
        _("Assigned to"), _name(session, User, ticket.user_id), _name(session, User, fields.user_id)
    )
    change(_("Stage"), fmt.stage_label(ticket.stage), fmt.stage_label(fields.stage))
    change(_("Priority"), fmt.priority_label(ticket.priority), fmt.priority_label(fields.priority))
    return changes


def update(
    db: Database, ctx: Context, ticket_id: int, fields: TicketFields, version: int
) -> TicketDetail:
    """Save a ticket form. Refused when someone else saved a newer version meanwhile."""
    with db.write() as session:
        ticket = get(session, ticket_id)
        if ticket.version != version:
            raise AfterSalesError(
                _(
                    "Ticket {ref} was changed by someone else while you edited it: "
                    "close the form and reopen the ticket to see their change"
                ).format(ref=fmt.ticket_ref(ticket.number))
            )
        title = _validate(session, fields)
        changes = _describe_changes(session, ticket, fields, title)
        ticket.title = title
        ticket.description = fields.description
        ticket.team_id = fields.team_id or ticket.team_id
        ticket.partner_id = fields.partner_id
        ticket.product_id = fields.product_id
        ticket.lot_id = fields.lot_id
        ticket.sale_order_id = fields.sale_order_id
        ticket.user_id = fields.user_id
        ticket.stage = fields.stage
        ticket.priority = fields.priority
        current = set(
            session.exec(
                select(TicketFollower.partner_id).where(TicketFollower.ticket_id == ticket_id)
            ).all()
        )
        wanted = set(fields.follower_ids)
        if fields.partner_id is not None:
            wanted.add(fields.partner_id)
        for partner_id in wanted - current:
            add_follower(session, ticket_id, partner_id)
        for partner_id in current - wanted:
            follower = session.get(TicketFollower, (ticket_id, partner_id))
            if follower is not None:
                session.delete(follower)
        if wanted != current:
            changes.append(_("Followers changed"))
        if changes:
            ticket.version += 1
            ticket.updated_at = ctx.now()
            chatter.post(session, ctx, MODEL, ticket_id, "\n".join(changes))
        session.flush()
        return detail(session, ticket_id)


def log_note(db: Database, ctx: Context, ticket_id: int, body: str) -> None:
    """An internal note on the ticket's chatter."""
    text = storable(body, "body").strip()
    if not text:
        raise AfterSalesError(_("Write the note first"), field="body")
    if len(text) > DESCRIPTION_MAX:
        raise AfterSalesError(_("The note is too long"), field="body")
    with db.write() as session:
        ticket = get(session, ticket_id)
        chatter.post(session, ctx, MODEL, ticket_id, text, MessageKind.NOTE)
        ticket.updated_at = ctx.now()


def history(db: Database, ticket_id: int) -> list[chatter.ChatterEntry]:
    with db.read() as session:
        return chatter.history(session, MODEL, ticket_id)


def fields_of(item: TicketDetail) -> TicketFields:
    """The form values of an existing ticket (to edit it)."""
    return TicketFields(
        title=item.title,
        team_id=item.team_id,
        description=item.description,
        partner_id=item.partner_id,
        product_id=item.product_id,
        lot_id=item.lot_id,
        sale_order_id=item.sale_order_id,
        user_id=item.user_id,
        stage=item.stage,
        priority=item.priority,
        follower_ids=item.follower_ids,
    )
