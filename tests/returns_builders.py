"""Builders and read-back helpers for return tests: a warehouse, deliveries, earlier returns."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Location,
    LocationUsage,
    Message,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Sequence,
)
from aftersales_tui.services import returns
from aftersales_tui.services.context import Context
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.returns import (
    LineQuantity,
    ReturnDefaults,
    ReturnRequest,
    ReturnScope,
)
from aftersales_tui.services.stock import ReturnView

from . import factories as f
from .conftest import NOW


class Moved(NamedTuple):
    """A move line: product, quantity (text) and lot."""

    product_id: int
    quantity: str
    lot_id: int | None = None


def location(
    db: Database,
    name: str,
    usage: LocationUsage = LocationUsage.INTERNAL,
    *,
    returns_here: bool = False,
    default: bool = False,
) -> int:
    with db.write() as s:
        row = Location(
            name=name, usage=usage, is_return_location=returns_here, is_default_return=default
        )
        s.add(row)
        s.flush()
        return row.id or 0


def picking(
    db: Database,
    kind: PickingKind,
    partner_id: int,
    source: int,
    destination: int,
    *lines: Moved,
    **fields: Any,
) -> int:
    with db.write() as s:
        fields.setdefault("state", PickingState.DONE)
        fields.setdefault("created_at", NOW - timedelta(days=10))
        if fields["state"] == PickingState.DONE:
            fields.setdefault("date_done", fields["created_at"] + timedelta(hours=2))
        row = Picking(
            kind=kind,
            partner_id=partner_id,
            location_id=source,
            location_dest_id=destination,
            **fields,
        )
        s.add(row)
        s.flush()
        for line in lines:
            s.add(
                PickingLine(
                    picking_id=row.id or 0,
                    product_id=line.product_id,
                    lot_id=line.lot_id,
                    quantity=Decimal(line.quantity),
                )
            )
        return row.id or 0


@dataclass(frozen=True)
class Warehouse:
    """A team with Returns on, a customer, two products and the warehouse's locations."""

    db: Database
    team_id: int
    customer_id: int
    desk: int
    chair: int
    stock: int  # where deliveries come from
    customers: int  # where they go
    returns: int  # the default return location
    repair: int  # another return location
    scrap: int  # an internal location that takes no returns

    def delivery(self, name: str, *lines: Moved, days_ago: int = 10, **fields: Any) -> int:
        fields.setdefault("partner_id", self.customer_id)
        partner_id = fields.pop("partner_id")
        return picking(
            self.db,
            PickingKind.OUTGOING,
            partner_id,
            self.stock,
            self.customers,
            *lines,
            name=name,
            origin=name,
            created_at=NOW - timedelta(days=days_ago),
            **fields,
        )

    def earlier_return(
        self, name: str, delivery_id: int, *lines: Moved, state: PickingState = PickingState.DONE
    ) -> int:
        return picking(
            self.db,
            PickingKind.INCOMING,
            self.customer_id,
            self.customers,
            self.returns,
            *lines,
            name=name,
            return_of_id=delivery_id,
            state=state,
        )

    def ticket(self, number: int = 7, **fields: Any) -> int:
        fields.setdefault("partner_id", self.customer_id)
        return f.ticket(self.db, self.team_id, number=number, **fields)

    def case(self, ctx: Context, number: int = 7, delivery_id: int = 0, **fields: Any) -> Case:
        """A new ticket (``fields``), for a case about ``delivery_id``."""
        return Case(self, ctx, self.ticket(number, **fields), delivery_id)


def warehouse(db: Database) -> Warehouse:
    return Warehouse(
        db=db,
        team_id=f.team(db, use_returns=True),
        customer_id=f.partner(db, "Azure Interior"),
        desk=f.product(db, "Desk"),
        chair=f.product(db, "Chair"),
        stock=location(db, "WH/Stock"),
        customers=location(db, "Partners/Customers", LocationUsage.CUSTOMER),
        returns=location(db, "WH/Returns", returns_here=True, default=True),
        repair=location(db, "WH/Repair", returns_here=True),
        scrap=location(db, "WH/Scrap"),
    )


# --- asking and reading back -------------------------------------------------------------


def ask(offer: ReturnDefaults, *quantities: str | None, **changes: Any) -> ReturnRequest:
    """The request the modal sends: every line at its default, or at ``quantities`` in order
    (``None`` leaves a line out, as the agent's delete key does)."""
    if quantities:
        lines = tuple(
            LineQuantity(line.id, Decimal(q))
            for line, q in zip(offer.lines, quantities, strict=True)
            if q is not None
        )
    else:
        lines = tuple(LineQuantity(line.id, line.returnable) for line in offer.lines)
    request = ReturnRequest(scope=offer.scope, lines=lines, location_id=offer.location_id)
    return dataclasses.replace(request, **changes)


def receipts_of(db: Database, delivery_id: int) -> list[Picking]:
    with db.read() as s:
        return list(
            s.exec(
                select(Picking)
                .where(Picking.return_of_id == delivery_id, Picking.kind == PickingKind.INCOMING)
                .order_by(col(Picking.id))
            ).all()
        )


def lines_of(db: Database, picking_id: int) -> list[tuple[int, int | None, Decimal]]:
    with db.read() as s:
        rows = s.exec(
            select(PickingLine)
            .where(PickingLine.picking_id == picking_id)
            .order_by(col(PickingLine.id))
        ).all()
        return [(r.product_id, r.lot_id, r.quantity) for r in rows]


def footprint(db: Database) -> tuple[Any, ...]:
    """Everything a return could write: transfers and their lines, messages, sequences."""
    with db.read() as s:
        pickings = s.exec(select(Picking).order_by(col(Picking.id))).all()
        lines = s.exec(select(PickingLine).order_by(col(PickingLine.id))).all()
        return (
            [(p.id, p.name, p.state, p.date_done) for p in pickings],
            [(line.id, line.quantity) for line in lines],
            s.exec(select(func.count()).select_from(Message)).one(),
            [(q.code, q.next_number) for q in s.exec(select(Sequence)).all()],
        )


@contextmanager
def nothing_written(db: Database) -> Iterator[None]:
    """The block leaves every transfer, line, message and sequence as it found them."""
    before = footprint(db)
    yield
    assert footprint(db) == before


@dataclass(frozen=True)
class Case:
    """A ticket of the warehouse's customer, as one agent sees it."""

    wh: Warehouse
    ctx: Context
    ticket_id: int
    delivery_id: int = 0

    @property
    def db(self) -> Database:
        return self.wh.db

    def offer(self, scope: ReturnScope | None = None) -> ReturnDefaults:
        return returns.defaults(self.db, self.ctx, self.ticket_id, scope)

    def create(self, *quantities: str | None, **changes: Any) -> ReturnView:
        """A return of what the modal offers now (see ``ask``)."""
        request = ask(self.offer(), *quantities, **changes)
        return returns.create_return(self.db, self.ctx, self.ticket_id, request)

    def refuse(self, *quantities: str | None, field: str, **changes: Any) -> AfterSalesError:
        """Like ``create``, but refused on ``field`` with nothing written."""
        request = ask(self.offer(), *quantities, **changes)
        with nothing_written(self.db), pytest.raises(AfterSalesError) as caught:
            returns.create_return(self.db, self.ctx, self.ticket_id, request)
        assert caught.value.field == field, caught.value.message
        return caught.value
