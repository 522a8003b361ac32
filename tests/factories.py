"""Small builders for service tests: just the rows a test needs, nothing else."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Location,
    LocationUsage,
    OrderState,
    Partner,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Product,
    SalesOrder,
    Team,
    Ticket,
    TicketFollower,
    Tracking,
    User,
)

from .conftest import NOW


def team(db: Database, name: str = "Support", **switches: bool) -> int:
    with db.write() as s:
        row = Team(name=name, **switches)
        s.add(row)
        s.flush()
        return row.id or 0


def partner(db: Database, name: str = "Azure Interior") -> int:
    with db.write() as s:
        row = Partner(name=name, email=f"{name.split()[0].lower()}@example.com")
        s.add(row)
        s.flush()
        return row.id or 0


def agent(db: Database, login: str = "mia", name: str = "Mia Lopez") -> int:
    with db.write() as s:
        contact = Partner(name=name)
        s.add(contact)
        s.flush()
        row = User(login=login, name=name, partner_id=contact.id or 0)
        s.add(row)
        s.flush()
        return row.id or 0


def product(db: Database, name: str = "Desk", tracking: Tracking = Tracking.NONE) -> int:
    with db.write() as s:
        row = Product(name=name, list_price=Decimal("100.00"), tracking=tracking)
        s.add(row)
        s.flush()
        return row.id or 0


def order(db: Database, partner_id: int, name: str = "S00001") -> int:
    with db.write() as s:
        row = SalesOrder(
            name=name,
            partner_id=partner_id,
            date_order=date(2026, 11, 1),
            state=OrderState.CONFIRMED,
        )
        s.add(row)
        s.flush()
        return row.id or 0


def delivery(
    db: Database,
    partner_id: int,
    product_id: int,
    state: PickingState = PickingState.DONE,
    name: str = "WH/OUT/00001",
) -> int:
    with db.write() as s:
        stock = Location(name=f"WH/Stock {name}", usage=LocationUsage.INTERNAL)
        customers = Location(name=f"Customers {name}", usage=LocationUsage.CUSTOMER)
        s.add(stock)
        s.add(customers)
        s.flush()
        row = Picking(
            name=name,
            kind=PickingKind.OUTGOING,
            state=state,
            partner_id=partner_id,
            location_id=stock.id or 0,
            location_dest_id=customers.id or 0,
            created_at=NOW,
        )
        s.add(row)
        s.flush()
        s.add(PickingLine(picking_id=row.id or 0, product_id=product_id, quantity=Decimal(1)))
        return row.id or 0


def ticket(
    db: Database,
    team_id: int,
    number: int = 1,
    title: str = "Printer jams",
    partner_id: int | None = None,
    age: timedelta = timedelta(days=1),
    **fields: object,
) -> int:
    created: datetime = NOW - age
    with db.write() as s:
        row = Ticket(
            number=number,
            title=title,
            team_id=team_id,
            partner_id=partner_id,
            created_at=created,
            updated_at=created,
            **fields,
        )
        s.add(row)
        s.flush()
        if partner_id is not None:
            s.add(TicketFollower(ticket_id=row.id or 0, partner_id=partner_id))
        return row.id or 0
