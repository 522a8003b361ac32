"""Returns: reverse transfers from a ticket (the guide's "Reverse Transfer" pop-up).

``defaults`` computes what the modal offers for a ticket: the customer's done deliveries that
still have something to return, narrowed by the ticket's sales order and product; the chosen
delivery's lines (one per product and lot/serial, with what was delivered, what is already
returned and what is left); the return locations. ``create_return`` checks a ``ReturnRequest``
again inside one write transaction and writes an incoming receipt in state ready; ``validate``
later marks it done.

A Sales Order and a Delivery to Return: the order picker only narrows the delivery picker
(blank means any order), and the lines always come from the one chosen delivery, so that a
return is exactly one receipt with one "Return of WH/OUT/..." origin. To take back goods from
two deliveries of the same order, the agent makes two returns.

What counts as already returned: every receipt of that delivery that is not cancelled (a
ready one included), so that two returns can never take back more than was delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import (
    Location,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Product,
    Ticket,
)
from . import chatter, directory, stock, tickets
from .context import Context
from .directory import Choice
from .errors import AfterSalesError
from .linked import state_label
from .stock import ZERO, Delivery, ReturnLine, ReturnView

QUANTUM = Decimal("0.001")


@dataclass(frozen=True)
class ReturnScope:
    """What the agent picked: an order (narrows the deliveries) and the delivery to return."""

    sale_order_id: int | None = None
    picking_id: int | None = None


@dataclass(frozen=True)
class ReturnDefaults:
    """Everything the Reverse Transfer modal shows, for the ticket and the current scope."""

    ticket_id: int
    ticket_ref: str
    customer: str
    scope: ReturnScope
    orders: tuple[Choice, ...]
    deliveries: tuple[Choice, ...]
    lines: tuple[ReturnLine, ...]
    focus_line_id: int | None
    locations: tuple[Choice, ...]
    location_id: int | None
    note: str | None
    empty_reason: str | None


@dataclass(frozen=True)
class LineQuantity:
    line_id: int
    quantity: Decimal


@dataclass(frozen=True)
class ReturnRequest:
    """What the agent asks for; a line of the delivery left out is not returned."""

    scope: ReturnScope
    lines: tuple[LineQuantity, ...]
    location_id: int | None


# --- one line's quantity ------------------------------------------------------------------


def parse_quantity(text: str) -> Decimal:
    """A quantity as typed (blank is 0, ``1,5`` is 1.5); unreadable text is refused."""
    value = text.strip().replace(",", ".")
    if not value:
        return ZERO
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise AfterSalesError(
            _("The quantity must be a number: {text}").format(text=text.strip()), field="lines"
        ) from None
    if not number.is_finite():
        raise AfterSalesError(_("The quantity must be a number"), field="lines")
    return number


def check_quantity(line: ReturnLine, quantity: Decimal) -> None:
    """From 0 to what is left to return on the line (the big suites do not cap it; we do)."""
    if not quantity.is_finite():
        raise AfterSalesError(_("The quantity must be a number"), field="lines")
    if quantity < 0:
        raise AfterSalesError(
            _("A quantity cannot be negative ({product})").format(product=line.label),
            field="lines",
        )
    if quantity > line.returnable:
        raise AfterSalesError(
            _(
                "At most {n} of {product} can be returned "
                "({delivered} delivered, {returned} already returned)"
            ).format(
                n=fmt.quantity(line.returnable),
                product=line.label,
                delivered=fmt.quantity(line.delivered),
                returned=fmt.quantity(line.returned),
            ),
            field="lines",
        )


# --- what is offered -------------------------------------------------------------------


def defaults(
    db: Database, ctx: Context, ticket_id: int, scope: ReturnScope | None = None
) -> ReturnDefaults:
    """The modal's content; without ``scope``, the ticket's order and its latest delivery."""
    with db.read() as session:
        return _defaults(session, ctx, tickets.get(session, ticket_id), scope)


def _defaults(
    session: Session, ctx: Context, ticket: Ticket, scope: ReturnScope | None
) -> ReturnDefaults:
    done = stock.done_deliveries(session, ticket.partner_id)
    candidates = [d for d in done if d.open]
    note = None
    if ticket.product_id is not None and candidates:
        with_product = [d for d in candidates if d.has(ticket.product_id)]
        if with_product:
            candidates = with_product
        else:
            note = _(
                "No delivery left to return contains {product}: every delivery of the "
                "customer is offered."
            ).format(product=_product_name(session, ticket.product_id))
    orders = {d.picking.sale_order_id: d.order for d in candidates if d.picking.sale_order_id}
    if scope is None:
        order_id = ticket.sale_order_id if ticket.sale_order_id in orders else None
        scope = ReturnScope(order_id, None)
    offered = [
        d
        for d in candidates
        if scope.sale_order_id is None or d.picking.sale_order_id == scope.sale_order_id
    ]
    chosen = next((d for d in offered if d.picking.id == scope.picking_id), None)
    if chosen is None and offered:
        chosen = offered[0]  # the latest
    scope = ReturnScope(scope.sale_order_id, chosen.picking.id if chosen else None)
    locations = stock.return_locations(session, chosen.picking if chosen else None)
    lines = chosen.lines if chosen else ()
    return ReturnDefaults(
        ticket_id=ticket.id or 0,
        ticket_ref=fmt.ticket_ref(ticket.number),
        customer=directory.partner_name(session, ticket.partner_id),
        scope=scope,
        orders=tuple(Choice(order_id, name) for order_id, name in orders.items() if order_id),
        deliveries=tuple(Choice(d.picking.id or 0, _delivery_label(ctx, d)) for d in offered),
        lines=lines,
        focus_line_id=_focus(lines, ticket),
        locations=stock.location_choices(locations),
        location_id=locations[0].id if locations else None,
        note=note,
        empty_reason=None if offered else _empty_reason(ticket, done, candidates),
    )


def _product_name(session: Session, product_id: int) -> str:
    product = session.get(Product, product_id)
    return product.name if product is not None else ""


def _delivery_label(ctx: Context, delivery: Delivery) -> str:
    """``WH/OUT/00036 · S00040 · done 2026-11-02``."""
    parts = [delivery.picking.name]
    if delivery.order:
        parts.append(delivery.order)
    if delivery.picking.date_done is not None:
        day = delivery.picking.date_done.astimezone(ctx.tz).date()
        parts.append(_("done {day}").format(day=fmt.day(day)))
    return " · ".join(parts)


def _focus(lines: tuple[ReturnLine, ...], ticket: Ticket) -> int | None:
    """The line the ticket is about (its product and lot/serial), where the cursor starts."""
    for wanted in ((ticket.product_id, ticket.lot_id), (ticket.product_id, None)):
        for line in lines:
            if line.product_id == wanted[0] and wanted[1] in (None, line.lot_id):
                return line.id
    return None


def _empty_reason(ticket: Ticket, done: list[Delivery], candidates: list[Delivery]) -> str:
    """Why no delivery is offered, most basic reason first."""
    if ticket.partner_id is None:
        return _("This ticket has no customer: set one to take a return.")
    if not done:
        return _("No done delivery for this customer.")
    if not candidates:
        return _("Everything delivered to this customer has already been returned.")
    return _("No delivery of this sales order is left to return: choose another order.")


# --- creating the return -----------------------------------------------------------------


def create_return(db: Database, ctx: Context, ticket_id: int, request: ReturnRequest) -> ReturnView:
    """Check the request against the database as it is now, then write the receipt."""
    with db.write() as session:
        ticket = tickets.get(session, ticket_id)
        offer = _defaults(session, ctx, ticket, request.scope)
        delivery, kept, location = _check(session, offer, request)
        receipt = Picking(
            name=stock.next_return_name(session),
            kind=PickingKind.INCOMING,
            state=PickingState.READY,
            partner_id=delivery.partner_id,
            sale_order_id=delivery.sale_order_id,
            origin=_("Return of {delivery}").format(delivery=delivery.name),
            return_of_id=delivery.id,
            location_id=delivery.location_dest_id,
            location_dest_id=location.id or 0,
            ticket_id=ticket.id,
            created_at=ctx.now(),
        )
        session.add(receipt)
        session.flush()
        for line, quantity in kept:
            session.add(
                PickingLine(
                    picking_id=receipt.id or 0,
                    product_id=line.product_id,
                    lot_id=line.lot_id,
                    quantity=quantity,
                )
            )
        session.flush()
        view = stock.view(session, receipt)
        chatter.post(
            session,
            ctx,
            tickets.MODEL,
            ticket.id or 0,
            _("Return {name} created for {delivery}: {items}").format(
                name=receipt.name, delivery=delivery.name, items=view.summary
            ),
        )
        ticket.updated_at = ctx.now()
        return view


def _check(
    session: Session, offer: ReturnDefaults, request: ReturnRequest
) -> tuple[Picking, list[tuple[ReturnLine, Decimal]], Location]:
    """Every rule of the modal, on the data as it is inside the transaction."""
    wanted = request.scope.picking_id
    if not offer.deliveries and offer.empty_reason:
        raise AfterSalesError(offer.empty_reason, field="picking_id")
    if wanted is None:
        raise AfterSalesError(_("Choose a delivery to return"), field="picking_id")
    delivery = session.get(Picking, wanted)
    if delivery is None or wanted != offer.scope.picking_id:
        raise AfterSalesError(
            _(
                "{delivery} can no longer be returned here (everything returned, or changed "
                "by someone else meanwhile): choose a delivery again"
            ).format(delivery=delivery.name if delivery else _("This delivery")),
            field="picking_id",
        )
    lines = {line.id: line for line in offer.lines}
    kept: list[tuple[ReturnLine, Decimal]] = []
    seen: set[int] = set()
    for asked in request.lines:
        line = lines.get(asked.line_id)
        if line is None or asked.line_id in seen:
            raise AfterSalesError(
                _("A line is not part of {delivery} any more: reopen Return").format(
                    delivery=delivery.name
                ),
                field="lines",
            )
        seen.add(asked.line_id)
        check_quantity(line, asked.quantity)
        quantity = asked.quantity.quantize(QUANTUM)  # as stored: 0.0001 is no return at all
        if quantity > 0:
            kept.append((line, quantity))
    if not kept:
        raise AfterSalesError(_("Please specify at least one non-zero quantity."), field="lines")
    location = session.get(Location, request.location_id) if request.location_id else None
    if location is None:
        raise AfterSalesError(_("Choose a return location"), field="location_id")
    if location.id not in {c.id for c in offer.locations}:
        raise AfterSalesError(
            _("{location} is not a return location for {delivery}").format(
                location=location.name, delivery=delivery.name
            ),
            field="location_id",
        )
    return delivery, kept, location


# --- the receipts of a ticket ----------------------------------------------------------------


def validate(db: Database, ctx: Context, return_id: int) -> ReturnView:
    """The goods came back: a ready receipt becomes done, and its ticket says so."""
    with db.write() as session:
        receipt = stock.get_return(session, return_id)
        if receipt.state != PickingState.READY:
            raise AfterSalesError(
                _("{name} is {state}: only a ready return can be validated").format(
                    name=receipt.name, state=state_label(receipt.state.value)
                )
            )
        receipt.state = PickingState.DONE
        receipt.date_done = receipt.updated_at = ctx.now()
        if receipt.ticket_id is not None:
            chatter.post(
                session,
                ctx,
                tickets.MODEL,
                receipt.ticket_id,
                _("Return {name} validated").format(name=receipt.name),
            )
            ticket = session.get(Ticket, receipt.ticket_id)
            if ticket is not None:
                ticket.updated_at = ctx.now()
        session.flush()
        return stock.view(session, receipt)


def for_ticket(db: Database, ticket_id: int) -> list[ReturnView]:
    """The ticket's returns, newest first."""
    with db.read() as session:
        rows = session.exec(
            select(Picking)
            .where(Picking.ticket_id == ticket_id, Picking.kind == PickingKind.INCOMING)
            .order_by(col(Picking.created_at).desc(), col(Picking.id).desc())
        ).all()
        return [stock.view(session, receipt) for receipt in rows]


def load(db: Database, return_id: int) -> ReturnView:
    with db.read() as session:
        return stock.view(session, stock.get_return(session, return_id))
