"""Builders for repair tests: a workshop with a tracked product, its returns and a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Location,
    LocationUsage,
    Message,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Product,
    RepairLine,
    RepairOrder,
    RepairTag,
    RepairTagLink,
    SalesOrder,
    Sequence,
    Tracking,
)
from aftersales_tui.services import Context, repairs
from aftersales_tui.services.repairs import PartRequest, RepairRequest, RepairResult, Step

from . import factories as f
from . import ui
from .accounting_builders import lot
from .conftest import NOW, TODAY


@dataclass(frozen=True)
class Workshop:
    db: Database
    team_id: int
    agent_id: int
    customer_id: int
    printer: int  # serial-tracked
    serial: int  # the printer's SN-00042
    fuser: int  # a part, 145.00
    labour: int  # a part, 65.00
    ticket_id: int


def part(db: Database, name: str, price: str, tracking: Tracking = Tracking.NONE) -> int:
    with db.write() as s:
        row = Product(name=name, list_price=Decimal(price), tracking=tracking)
        s.add(row)
        s.flush()
        return row.id or 0


def a_return(
    db: Database,
    partner_id: int,
    product_id: int,
    name: str,
    *,
    ticket_id: int | None = None,
    lot_id: int | None = None,
    age: timedelta = timedelta(days=1),
    state: PickingState = PickingState.READY,
) -> int:
    """A receipt made by reversing a delivery of ``product_id`` to the customer."""
    delivery = f.delivery(db, partner_id, product_id, name=name.replace("RET", "OUT"))
    with db.write() as s:
        returns = Location(name=f"WH/Returns {name}", usage=LocationUsage.INTERNAL)
        s.add(returns)
        s.flush()
        source = s.get(Picking, delivery)
        assert source is not None
        row = Picking(
            name=name,
            kind=PickingKind.INCOMING,
            state=state,
            partner_id=partner_id,
            origin=f"Return of {source.name}",
            return_of_id=delivery,
            location_id=source.location_dest_id,
            location_dest_id=returns.id or 0,
            ticket_id=ticket_id,
            created_at=NOW - age,
        )
        s.add(row)
        s.flush()
        s.add(
            PickingLine(
                picking_id=row.id or 0, product_id=product_id, lot_id=lot_id, quantity=Decimal(1)
            )
        )
        return row.id or 0


def workshop(db: Database) -> Workshop:
    team = f.team(db, "Workshop", use_repairs=True)
    agent = f.agent(db)
    customer = f.partner(db, "Azure Interior")
    printer = part(db, "LaserJet X200", "1240.00", Tracking.SERIAL)
    serial = lot(db, printer, "SN-00042")
    ticket = f.ticket(
        db,
        team,
        number=1042,
        title="Printer jams after firmware 2.1",
        partner_id=customer,
        product_id=printer,
        lot_id=serial,
        user_id=agent,
        description="Jams on every second page.",
    )
    return Workshop(
        db=db,
        team_id=team,
        agent_id=agent,
        customer_id=customer,
        printer=printer,
        serial=serial,
        fuser=part(db, "Fuser Unit X200", "145.00"),
        labour=part(db, "Repair Labour (hour)", "65.00"),
        ticket_id=ticket,
    )


def request(
    shop: Workshop,
    *parts: PartRequest,
    step: Step = Step.CONFIRM,
    **fields: object,
) -> RepairRequest:
    """The form as a new repair of the ticket's printer fills it, with ``fields`` changed."""
    values: dict[str, object] = {
        "partner_id": shop.customer_id,
        "product_id": shop.printer,
        "lot_id": shop.serial,
        "return_id": None,
        "under_warranty": False,
        "schedule_date": TODAY,
        "user_id": shop.agent_id,
        "description": "Printer jams after firmware 2.1",
        "parts": parts,
        "step": step,
    }
    values.update(fields)
    return RepairRequest(**values)  # type: ignore[arg-type]


def another_repair(db: Database, ctx: Context, ticket_id: int) -> RepairResult:
    """One more repair of a demo ticket, confirmed with the form's defaults, by mia."""
    agent = ctx.as_user(ui.user_id(db, "mia"))
    offer = repairs.defaults(db, agent, ticket_id)
    return repairs.create_repair(db, agent, ticket_id, offer.initial)


def footprint(db: Database) -> tuple[object, ...]:
    """Everything a repair could write: repairs, parts, tags, quotations, messages, sequences."""
    with db.read() as s:
        return (
            [(r.id, r.name, r.state) for r in s.exec(select(RepairOrder)).all()],
            [(p.repair_id, p.quantity, p.price_unit) for p in s.exec(select(RepairLine)).all()],
            [t.name for t in s.exec(select(RepairTag)).all()],
            len(s.exec(select(RepairTagLink)).all()),
            [o.name for o in s.exec(select(SalesOrder)).all()],
            s.exec(select(func.count()).select_from(Message)).one(),
            [(q.code, q.next_number) for q in s.exec(select(Sequence)).all()],
        )
