"""Repairs: repair orders from a ticket (the guide's "Repair Reference" form, DESIGN 3.4).

``defaults`` computes the form of a new repair from the ticket (``load``: an existing
repair's); ``create_repair`` and ``save_repair`` check a ``RepairRequest`` again inside one
write transaction, write the repair, its tags and parts (and the quotation when asked), and
log it on the ticket; ``transition`` takes one step of the repair's life from the Repairs list.
The rules of each part live in ``repair_parts`` (parts, warranty prices, tags, names),
``repair_steps`` (states, quotation) and ``repair_offer`` (what the form offers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, delete, select

from ..db import Database
from ..i18n import _
from ..models import (
    Lot,
    Partner,
    Product,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTagLink,
    Ticket,
    Tracking,
    User,
)
from . import directory, tickets
from .context import Context
from .errors import AfterSalesError
from .linked import state_label
from .repair_offer import RepairDefaults, RepairRequest, RepairScope, customer_returns, get, offer
from .repair_parts import (
    DESCRIPTION_MAX,
    Part,
    PartRequest,
    ProductChoice,
    part_field,
    part_price,
    price_text,
    read_parts,
    repair_name,
    reprice,
    resolve_tags,
    split_tags,
)
from .repair_steps import (
    EDITABLE,
    NEW_STEPS,
    Step,
    check_ready,
    invoice_method_label,
    log,
    quotation_of,
    quote,
    refusal,
    step_label,
    stored_parts,
    take_step,
)
from .texts import storable

__all__ = [
    "PartRequest",
    "ProductChoice",
    "RepairDefaults",
    "RepairRequest",
    "RepairScope",
    "Step",
    "invoice_method_label",
    "part_field",
    "part_price",
    "price_text",
    "refusal",
    "reprice",
    "split_tags",
    "step_label",
]


@dataclass(frozen=True)
class RepairResult:
    id: int
    name: str
    state: RepairState
    quotation: str | None = None


@dataclass(frozen=True)
class RepairRow:
    id: int
    name: str
    product: str
    lot: str
    state: RepairState
    schedule_date: date
    responsible: str
    quotation: str | None


# --- what the form offers ----------------------------------------------------------------


def defaults(
    db: Database, ctx: Context, ticket_id: int, scope: RepairScope | None = None
) -> RepairDefaults:
    """A new repair's form, from the ticket (``scope``: the customer and product chosen)."""
    with db.read() as session:
        ticket = tickets.get(session, ticket_id)
        return offer(session, ctx, ticket, None, scope)


def load(
    db: Database, ctx: Context, repair_id: int, scope: RepairScope | None = None
) -> RepairDefaults:
    """An existing repair's form, filled with the repair as it is."""
    with db.read() as session:
        repair = get(session, repair_id)
        ticket = session.get(Ticket, repair.ticket_id) if repair.ticket_id else None
        return offer(session, ctx, ticket, repair, scope)


# --- checking and writing a request -------------------------------------------------------


def _check(session: Session, request: RepairRequest) -> list[Part]:
    """The form's rules that hold in every state; returns the parts, read."""
    if request.partner_id is not None and session.get(Partner, request.partner_id) is None:
        raise AfterSalesError(_("This customer no longer exists"), field="partner_id")
    product = session.get(Product, request.product_id) if request.product_id else None
    if request.product_id is not None and product is None:
        raise AfterSalesError(_("This product no longer exists"), field="product_id")
    if product is not None and product.tracking != Tracking.NONE:
        directory.check_lot(session, product, request.lot_id)
    if request.return_id is not None:
        offered = {r.id for r in customer_returns(session, request.partner_id)}
        if request.return_id not in offered:
            raise AfterSalesError(
                _("This return is not one of the customer's returns (choose the customer first)"),
                field="return_id",
            )
    if request.user_id is not None and session.get(User, request.user_id) is None:
        raise AfterSalesError(_("This agent no longer exists"), field="user_id")
    storable(request.description, "description")
    storable(request.internal_notes, "internal_notes")
    for tag in request.tags:
        storable(tag, "tags")
    if len(request.description) > DESCRIPTION_MAX:
        raise AfterSalesError(
            _("The description is {n} characters at most").format(n=DESCRIPTION_MAX),
            field="description",
        )
    return read_parts(session, request.parts, request.under_warranty)


def _signature(session: Session, repair: RepairOrder) -> tuple[object, ...]:
    """Everything the form can change, to tell whether a save changed anything."""
    tags = session.exec(
        select(RepairTagLink.tag_id)
        .where(RepairTagLink.repair_id == repair.id)
        .order_by(col(RepairTagLink.tag_id))
    ).all()
    header = repair.model_dump(exclude={"id", "name", "state", "ticket_id", "created_at"})
    return (tuple(sorted(header.items())), tuple(tags), tuple(stored_parts(session, repair)))


def _write(
    session: Session, repair: RepairOrder, request: RepairRequest, parts: list[Part]
) -> None:
    """The request's values onto the repair: header, tags and part lines (replaced)."""
    tracked = directory.is_tracked(session, request.product_id)
    repair.partner_id = request.partner_id
    repair.product_id = request.product_id
    repair.lot_id = request.lot_id if tracked else None
    repair.return_picking_id = request.return_id
    repair.under_warranty = request.under_warranty
    repair.schedule_date = request.schedule_date
    repair.user_id = request.user_id
    repair.invoice_method = request.invoice_method
    repair.description = request.description.strip()
    repair.internal_notes = request.internal_notes
    session.add(repair)
    session.flush()
    repair_id = repair.id or 0
    tags = resolve_tags(session, request.tags)
    session.execute(delete(RepairTagLink).where(col(RepairTagLink.repair_id) == repair_id))
    session.execute(delete(RepairLine).where(col(RepairLine.repair_id) == repair_id))
    session.add_all(RepairTagLink(repair_id=repair_id, tag_id=tag.id or 0) for tag in tags)
    session.add_all(
        RepairLine(
            repair_id=repair_id,
            product_id=part.product_id,
            quantity=part.quantity,
            price_unit=part.price_unit,
        )
        for part in parts
    )
    session.flush()


def _result(session: Session, repair: RepairOrder) -> RepairResult:
    return RepairResult(repair.id or 0, repair.name, repair.state, quotation_of(session, repair))


# The steps that first save what the form holds (cancelling does not need a valid form).
_SAVES_FORM = frozenset({Step.SAVE, Step.CONFIRM, Step.QUOTATION, Step.START, Step.END})


def create_repair(
    db: Database, ctx: Context, ticket_id: int, request: RepairRequest
) -> RepairResult:
    """A new repair order from the ticket: confirmed, quoted or a draft, in one transaction."""
    if request.step not in NEW_STEPS:
        raise AfterSalesError(_("A new repair can be confirmed, quoted or saved as a draft"))
    with db.write() as session:
        ticket = tickets.get(session, ticket_id)
        parts = _check(session, request)
        repair = RepairOrder(
            name=repair_name(session),
            schedule_date=request.schedule_date,
            ticket_id=ticket.id,
            created_at=ctx.now(),
        )
        _write(session, repair, request, parts)
        if request.step == Step.CONFIRM:
            check_ready(session, repair, parts, _("confirm the repair"))
            repair.state = RepairState.CONFIRMED
        log(
            session,
            ctx,
            repair,
            _("Repair {name} created ({state})").format(
                name=repair.name, state=state_label(repair.state.value)
            ),
        )
        if request.step == Step.QUOTATION:
            quote(session, ctx, repair)
        session.flush()
        return _result(session, repair)


def save_repair(db: Database, ctx: Context, repair_id: int, request: RepairRequest) -> RepairResult:
    """Save the form on an existing repair (while it can change), then take ``request.step``."""
    with db.write() as session:
        repair = get(session, repair_id)
        if request.step in _SAVES_FORM and repair.state in EDITABLE:
            before = _signature(session, repair)
            parts = _check(session, request)
            _write(session, repair, request, parts)
            if repair.state != RepairState.DRAFT:
                doing = _("keep the repair {state}").format(state=state_label(repair.state.value))
                check_ready(session, repair, parts, doing)
            if _signature(session, repair) != before:
                log(session, ctx, repair, _("Repair {name} updated").format(name=repair.name))
        take_step(session, ctx, repair, request.step)
        return _result(session, repair)


def transition(db: Database, ctx: Context, repair_id: int, step: Step) -> RepairResult:
    """A step taken from the Repairs list (the repair as it is stored)."""
    with db.write() as session:
        repair = get(session, repair_id)
        take_step(session, ctx, repair, step)
        return _result(session, repair)


# --- the Repairs list ----------------------------------------------------------------------


def for_ticket(db: Database, ticket_id: int) -> list[RepairRow]:
    """The ticket's repair orders, newest first."""
    with db.read() as session:
        repairs = session.exec(
            select(RepairOrder)
            .where(RepairOrder.ticket_id == ticket_id)
            .order_by(col(RepairOrder.created_at).desc(), col(RepairOrder.id).desc())
        ).all()
        return [_row(session, repair) for repair in repairs]


def _row(session: Session, repair: RepairOrder) -> RepairRow:
    product = session.get(Product, repair.product_id) if repair.product_id else None
    lot = session.get(Lot, repair.lot_id) if repair.lot_id else None
    user = session.get(User, repair.user_id) if repair.user_id else None
    return RepairRow(
        id=repair.id or 0,
        name=repair.name,
        product=product.name if product else "",
        lot=lot.name if lot else "",
        state=repair.state,
        schedule_date=repair.schedule_date,
        responsible=user.name if user else "",
        quotation=quotation_of(session, repair),
    )
