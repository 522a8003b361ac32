"""Stock mechanics behind returns: what was delivered, what came back, where it goes.

One invariant holds everywhere: the returns of a delivery that are not cancelled (ready ones
included) never take back more of a product and lot than the delivery gave.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..i18n import _
from ..models import (
    Location,
    Lot,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Product,
    SalesOrder,
)
from . import sequences
from .directory import Choice
from .errors import AfterSalesError

RETURN_PREFIX = "WH/RET/"
ZERO = Decimal(0)

LineKey = tuple[int, int | None]  # product, lot


@dataclass(frozen=True)
class ReturnLine:
    """A product (and lot/serial) of a delivery; ``id`` is its first move line."""

    id: int
    product_id: int
    product: str
    lot_id: int | None
    lot: str
    delivered: Decimal
    returned: Decimal

    @property
    def returnable(self) -> Decimal:
        return max(ZERO, self.delivered - self.returned)

    @property
    def label(self) -> str:
        return labelled(self.product, self.lot)


def labelled(product: str, lot: str) -> str:
    """``Acoustic Panel (ACP-6-L04)``: a product with its lot/serial number, when it has one."""
    return f"{product} ({lot})" if lot else product


@dataclass(frozen=True)
class Delivery:
    """A done delivery, its order's name and its lines."""

    picking: Picking
    order: str
    lines: tuple[ReturnLine, ...]

    @property
    def id(self) -> int:
        return self.picking.id or 0

    @property
    def open(self) -> bool:
        """Something is left to return."""
        return any(line.returnable > 0 for line in self.lines)

    def has(self, product_id: int) -> bool:
        return any(line.product_id == product_id for line in self.lines)


def done_deliveries(session: Session, partner_id: int | None) -> list[Delivery]:
    """The customer's done deliveries, latest first, with their lines and what came back."""
    if partner_id is None:
        return []
    pickings = session.exec(
        select(Picking)
        .where(
            Picking.partner_id == partner_id,
            Picking.kind == PickingKind.OUTGOING,
            Picking.state == PickingState.DONE,
        )
        .order_by(col(Picking.date_done).desc(), col(Picking.id).desc())
    ).all()
    ids = [p.id or 0 for p in pickings]
    returned = _returned(session, ids)
    lines: dict[int, dict[LineKey, ReturnLine]] = defaultdict(dict)
    for line, product, lot in _lines(session, ids):
        key = (line.product_id, line.lot_id)
        known = lines[line.picking_id].get(key)
        if known is not None:  # the same product and lot twice: one line
            lines[line.picking_id][key] = replace(known, delivered=known.delivered + line.quantity)
            continue
        lines[line.picking_id][key] = ReturnLine(
            id=line.id or 0,
            product_id=line.product_id,
            product=product,
            lot_id=line.lot_id,
            lot=lot or "",
            delivered=line.quantity,
            returned=returned.get((line.picking_id, *key), ZERO),
        )
    orders = dict(
        session.exec(
            select(SalesOrder.id, SalesOrder.name).where(
                col(SalesOrder.id).in_([p.sale_order_id for p in pickings if p.sale_order_id])
            )
        ).all()
    )
    return [
        Delivery(
            picking,
            orders.get(picking.sale_order_id, "") if picking.sale_order_id else "",
            tuple(lines[picking.id or 0].values()),
        )
        for picking in pickings
    ]


def _lines(session: Session, picking_ids: list[int]) -> list[tuple[PickingLine, str, str | None]]:
    """The move lines of transfers, with their product's and lot's names, in order."""
    rows = session.exec(
        select(PickingLine, Product.name, Lot.name)
        .join(Product, col(Product.id) == PickingLine.product_id)
        .outerjoin(Lot, col(Lot.id) == PickingLine.lot_id)
        .where(col(PickingLine.picking_id).in_(picking_ids))
        .order_by(col(PickingLine.id))
    ).all()
    return list(rows)


def _returned(
    session: Session, delivery_ids: list[int]
) -> dict[tuple[int, int, int | None], Decimal]:
    """Per delivery, product and lot: what its returns not cancelled take back."""
    rows = session.exec(
        select(Picking.return_of_id, PickingLine)
        .join(Picking, col(Picking.id) == PickingLine.picking_id)
        .where(
            col(Picking.return_of_id).in_(delivery_ids),
            Picking.kind == PickingKind.INCOMING,
            Picking.state != PickingState.CANCELLED,
        )
    ).all()
    returned: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
    for delivery_id, line in rows:
        returned[(delivery_id or 0, line.product_id, line.lot_id)] += line.quantity
    return returned


def return_locations(session: Session, delivery: Picking | None) -> list[Location]:
    """Where returned goods may go: the return locations (the warehouse's default first),
    then the delivery's source location."""
    found = list(
        session.exec(
            select(Location)
            .where(col(Location.is_return_location) | col(Location.is_default_return))
            .order_by(col(Location.is_default_return).desc(), col(Location.name))
        ).all()
    )
    if delivery is not None and delivery.location_id not in {loc.id for loc in found}:
        source = session.get(Location, delivery.location_id)
        if source is not None:
            found.append(source)
    return found


def location_choices(locations: list[Location]) -> tuple[Choice, ...]:
    return tuple(Choice(loc.id or 0, loc.name) for loc in locations)


def next_return_name(session: Session) -> str:
    """``WH/RET/00005``: from its sequence, which starts after the names already there."""
    return sequences.next_name(session, RETURN_PREFIX, start=lambda: _after_last(session))


def _after_last(session: Session) -> int:
    names = session.exec(
        select(Picking.name).where(col(Picking.name).startswith(RETURN_PREFIX))
    ).all()
    numbers = [
        parts[1]
        for parts in (sequences.split_name(name) for name in names)
        if parts is not None and parts[0] == RETURN_PREFIX
    ]
    return max(numbers, default=0) + 1


# --- return receipts as the agent sees them ---------------------------------------------------


@dataclass(frozen=True)
class ReturnedItem:
    product: str
    lot: str
    quantity: Decimal

    @property
    def label(self) -> str:
        return labelled(self.product, self.lot)


@dataclass(frozen=True)
class ReturnView:
    """A return receipt as its list and its card show it."""

    id: int
    name: str
    origin: str
    state: PickingState
    created_at: datetime
    date_done: datetime | None
    source: str
    destination: str
    items: tuple[ReturnedItem, ...]
    ticket_id: int | None

    @property
    def quantity(self) -> Decimal:
        return sum((item.quantity for item in self.items), ZERO)

    @property
    def summary(self) -> str:
        """``2 × Desk, 1 × Acoustic Panel (ACP-6-L04)``."""
        return ", ".join(f"{fmt.quantity(i.quantity)} × {i.label}" for i in self.items)


def get_return(session: Session, return_id: int) -> Picking:
    receipt = session.get(Picking, return_id)
    if receipt is None or receipt.kind != PickingKind.INCOMING:
        raise AfterSalesError(_("This return no longer exists"))
    return receipt


def view(session: Session, receipt: Picking) -> ReturnView:
    source = session.get(Location, receipt.location_id)
    destination = session.get(Location, receipt.location_dest_id)
    return ReturnView(
        id=receipt.id or 0,
        name=receipt.name,
        origin=receipt.origin,
        state=PickingState(receipt.state),
        created_at=receipt.created_at,
        date_done=receipt.date_done,
        source=source.name if source else "",
        destination=destination.name if destination else "",
        items=tuple(
            ReturnedItem(product, lot or "", line.quantity)
            for line, product, lot in _lines(session, [receipt.id or 0])
        ),
        ticket_id=receipt.ticket_id,
    )
