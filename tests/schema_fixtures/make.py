"""Build the small database files at each earlier schema version (``v1.db`` ... ``v5.db``).

tests/test_upgrades.py opens a copy of each with today's program and checks that it is
upgraded with every row kept. The files are committed; run this script only to build them
again (for instance after adding a migration: add the new previous version here), all of them
or the versions named:

    .venv/bin/python tests/schema_fixtures/make.py [VERSION...]

Each version's schema is the current one minus what the later migrations add (see
``aftersales_tui.migrations.MIGRATIONS``):

- version 5: the one-column indexes ``ix_salesorderline_order_id`` and
  ``ix_invoiceline_invoice_id`` instead of migration 6's ``(..., product_id)`` ones, and no
  ``ix_salesorder_repair_id``;
- version 4: version 5 without the ``ext_ref`` columns (nor their unique indexes) and
  without ``updated_at`` on the after-sales documents;
- version 3: version 4 without the full-text index (``ticket_fts`` and its triggers), and
  the ticket list indexes of before migration 4 (``ix_ticket_stage_id`` on ``(stage, id)``,
  ...) instead of today's ``(..., number)`` ones;
- version 2: version 3 without ``invoice.auto_post``;
- version 1: version 2 without ``ticket.version``.

The rows (``ROWS`` below: a team, agents, customers, products and a lot, an order, its delivery
and invoice, three tickets, a credit note, a return, a coupon, a repair, a field-service task,
their chatter) are written with today's records, then the schema is taken back to the
version. Small pages keep each file a few tens of kB.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlmodel import Session, SQLModel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from aftersales_tui import fulltext  # noqa: E402
from aftersales_tui.models import (  # noqa: E402
    Coupon,
    CouponProgram,
    CouponState,
    Invoice,
    InvoiceLine,
    InvoiceMethod,
    InvoiceState,
    Journal,
    JournalType,
    Location,
    LocationUsage,
    Lot,
    Message,
    MessageKind,
    MoveType,
    OrderState,
    Partner,
    PaymentState,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Priority,
    Product,
    ProgramType,
    Project,
    RepairLine,
    RepairOrder,
    RepairState,
    SalesOrder,
    SalesOrderLine,
    Sequence,
    Stage,
    Task,
    TaskStage,
    Team,
    Ticket,
    TicketFollower,
    Tracking,
    User,
)

VERSIONS = (1, 2, 3, 4, 5)
PAGE_SIZE = 512

# The ticket list indexes before migration 4 (then on the id, today on the number).
OLD_TICKET_INDEXES = {
    "ix_ticket_stage_id": ("stage", "id"),
    "ix_ticket_team_id": ("team_id", "id"),
    "ix_ticket_user_id": ("user_id", "id"),
    "ix_ticket_partner_id": ("partner_id", "id"),
    "ix_ticket_created_at": ("created_at", "id"),
    "ix_ticket_priority": ("priority", "id"),
}


# Migration 6's indexes, and the one-column index each replaced (table, column), if any.
ACTION_INDEXES = {
    "ix_salesorder_repair_id": None,
    "ix_salesorderline_order_product": ("salesorderline", "order_id"),
    "ix_invoiceline_invoice_product": ("invoiceline", "invoice_id"),
}


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 10, day, hour, 0, tzinfo=UTC)


def rows() -> list[SQLModel]:
    """Every row, with fixed ids so that the records can refer to each other."""
    money = Decimal
    return [
        Partner(id=1, name="Azure Interior", email="azure@example.com", phone="+1 555 0100"),
        Partner(id=2, name="Gemini Furniture", email="gemini@example.com"),
        Partner(id=3, name="Mia Lopez", email="mia@desk.example.com"),
        Partner(id=4, name="Tom Baker", email="tom@desk.example.com"),
        User(id=1, login="mia", name="Mia Lopez", partner_id=3),
        User(id=2, login="tom", name="Tom Baker", partner_id=4),
        Project(id=1, name="Field Service", is_fsm=True),
        TaskStage(id=1, project_id=1, name="New", sequence=1),
        TaskStage(id=2, project_id=1, name="Done", sequence=9, is_closed=True),
        Team(
            id=1,
            name="Customer Care",
            use_refunds=True,
            use_coupons=True,
            use_returns=True,
            use_repairs=True,
            use_field_service=True,
            fsm_project_id=1,
        ),
        Product(
            id=1,
            name="Standing Desk",
            default_code="DESK-01",
            list_price=money("500.00"),
            tracking=Tracking.SERIAL,
        ),
        Product(id=2, name="Office Chair", default_code="CHAIR-01", list_price=money("100.00")),
        Lot(id=1, name="SN-0001", product_id=1),
        Journal(
            id=1,
            name="Customer Invoices",
            code="INV",
            journal_type=JournalType.SALE,
            refund_code="RINV",
        ),
        Location(id=1, name="WH/Stock", usage=LocationUsage.INTERNAL),
        Location(id=2, name="Partners/Customers", usage=LocationUsage.CUSTOMER),
        Location(
            id=3,
            name="WH/Returns",
            usage=LocationUsage.INTERNAL,
            is_return_location=True,
            is_default_return=True,
        ),
        SalesOrder(
            id=1,
            name="S00001",
            partner_id=1,
            date_order=date(2026, 10, 1),
            state=OrderState.CONFIRMED,
        ),
        SalesOrderLine(
            id=1, order_id=1, product_id=1, quantity=Decimal("1"), price_unit=money("500.00")
        ),
        SalesOrderLine(
            id=2, order_id=1, product_id=2, quantity=Decimal("2"), price_unit=money("100.00")
        ),
        Picking(
            id=1,
            name="WH/OUT/00001",
            kind=PickingKind.OUTGOING,
            state=PickingState.DONE,
            partner_id=1,
            sale_order_id=1,
            origin="S00001",
            location_id=1,
            location_dest_id=2,
            created_at=at(2),
            date_done=at(3),
        ),
        PickingLine(id=1, picking_id=1, product_id=1, lot_id=1, quantity=Decimal("1")),
        PickingLine(id=2, picking_id=1, product_id=2, quantity=Decimal("2")),
        Invoice(
            id=1,
            name="INV/2026/00001",
            move_type=MoveType.INVOICE,
            partner_id=1,
            journal_id=1,
            sale_order_id=1,
            invoice_date=date(2026, 10, 3),
            state=InvoiceState.POSTED,
            payment_state=PaymentState.PARTIAL,
            ref="S00001",
            amount_total=money("700.00"),
            created_at=at(3),
        ),
        InvoiceLine(
            id=1,
            invoice_id=1,
            product_id=1,
            lot_id=1,
            label="Standing Desk",
            quantity=Decimal("1"),
            price_unit=money("500.00"),
        ),
        InvoiceLine(
            id=2,
            invoice_id=1,
            product_id=2,
            label="Office Chair",
            quantity=Decimal("2"),
            price_unit=money("100.00"),
        ),
        Ticket(
            id=1,
            number=1001,
            title="Chair arrived scratched",
            description="One of the two chairs has a deep scratch on the seat.",
            team_id=1,
            partner_id=1,
            product_id=2,
            sale_order_id=1,
            stage=Stage.IN_PROGRESS,
            priority=Priority.HIGH,
            user_id=1,
            created_at=at(5),
            updated_at=at(6),
        ),
        Ticket(
            id=2,
            number=1002,
            title="Desk wobbles at standing height",
            description="The desk shakes when raised.",
            team_id=1,
            partner_id=1,
            product_id=1,
            lot_id=1,
            sale_order_id=1,
            stage=Stage.NEW,
            priority=Priority.MEDIUM,
            user_id=2,
            created_at=at(7),
            updated_at=at(8),
        ),
        Ticket(
            id=3,
            number=1003,
            title="Where is my order?",
            team_id=1,
            partner_id=2,
            stage=Stage.SOLVED,
            created_at=at(9),
            updated_at=at(9, 15),
        ),
        TicketFollower(ticket_id=1, partner_id=1),
        TicketFollower(ticket_id=2, partner_id=1),
        Invoice(
            id=2,
            name="RINV/2026/00001",
            move_type=MoveType.CREDIT_NOTE,
            partner_id=1,
            journal_id=1,
            sale_order_id=1,
            invoice_date=date(2026, 10, 6),
            state=InvoiceState.POSTED,
            payment_state=PaymentState.NOT_PAID,
            reversed_entry_id=1,
            ref="Reversal of INV/2026/00001: scratched chair",
            amount_total=money("100.00"),
            ticket_id=1,
            created_at=at(6),
        ),
        InvoiceLine(
            id=3,
            invoice_id=2,
            product_id=2,
            label="Office Chair",
            quantity=Decimal("1"),
            price_unit=money("100.00"),
        ),
        Picking(
            id=2,
            name="WH/RET/00001",
            kind=PickingKind.INCOMING,
            state=PickingState.DONE,
            partner_id=1,
            sale_order_id=1,
            origin="Return of WH/OUT/00001",
            return_of_id=1,
            location_id=2,
            location_dest_id=3,
            ticket_id=1,
            created_at=at(6),
            date_done=at(6, 11),
        ),
        PickingLine(id=3, picking_id=2, product_id=2, quantity=Decimal("1")),
        CouponProgram(
            id=1,
            name="10% Apology Coupon",
            program_type=ProgramType.COUPONS,
            reward="10% off the next order",
        ),
        Coupon(
            id=1,
            code="PFHA-MSP9-ENQK-2SDE",
            program_id=1,
            partner_id=1,
            expiration_date=date(2026, 12, 31),
            state=CouponState.VALID,
            ticket_id=1,
            created_at=at(6, 12),
        ),
        RepairOrder(
            id=1,
            name="RO/00001",
            description="Tighten the frame",
            partner_id=1,
            product_id=1,
            lot_id=1,
            under_warranty=True,
            schedule_date=date(2026, 10, 12),
            user_id=2,
            state=RepairState.CONFIRMED,
            invoice_method=InvoiceMethod.NONE,
            ticket_id=2,
            created_at=at(8),
        ),
        RepairLine(id=1, repair_id=1, product_id=1, quantity=Decimal("1")),
        Task(
            id=1,
            title="Desk wobbles at standing height",
            description="Visit the customer",
            project_id=1,
            stage_id=1,
            partner_id=1,
            user_id=2,
            planned_date=date(2026, 10, 14),
            ticket_id=2,
            created_at=at(8, 10),
        ),
        *messages(),
        Sequence(code="ticket", next_number=1004),
        Sequence(code="name:INV/2026/", next_number=2),
        Sequence(code="name:RINV/2026/", next_number=2),
        Sequence(code="name:RO/", next_number=2),
    ]


def messages() -> list[Message]:
    chatter = [
        (1, None, 1, at(5), MessageKind.EMAIL, "Hello,\n\nOne chair is scratched.\n\nAzure"),
        (
            1,
            1,
            None,
            at(6),
            MessageKind.EVENT,
            "Refund RINV/2026/00001 created (posted) for INV/2026/00001",
        ),
        (
            1,
            1,
            None,
            at(6),
            MessageKind.EVENT,
            "Return WH/RET/00001 created for WH/OUT/00001: 1 Office Chair",
        ),
        (
            1,
            1,
            None,
            at(6, 12),
            MessageKind.EVENT,
            "Coupon PFHA-MSP9-ENQK-2SDE generated (10% Apology Coupon, valid until 2026-12-31)",
        ),
        (2, None, 1, at(7), MessageKind.EMAIL, "The desk shakes when raised."),
        (2, 2, None, at(8), MessageKind.EVENT, "Repair RO/00001 created (confirmed)"),
        (
            2,
            2,
            None,
            at(8, 10),
            MessageKind.EVENT,
            "Field service task created: Desk wobbles at standing height (Field Service)",
        ),
        (3, 1, None, at(9, 15), MessageKind.NOTE, "Tracking number sent."),
    ]
    return [
        Message(
            id=n,
            model="ticket",
            res_id=ticket,
            author_user_id=user,
            author_partner_id=partner,
            created_at=when,
            kind=kind,
            body=body,
        )
        for n, (ticket, user, partner, when, kind, body) in enumerate(chatter, start=1)
    ]


def build(path: Path, version: int) -> None:
    path.unlink(missing_ok=True)
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA page_size={PAGE_SIZE}")
    raw.execute("CREATE TABLE schema_info (version INTEGER NOT NULL)")
    raw.execute("INSERT INTO schema_info (version) VALUES (?)", (version,))
    raw.commit()
    raw.close()

    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _foreign_keys(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        for row in rows():
            session.add(row)
            session.flush()  # in order: the records refer to the ones before
        session.commit()
    engine.dispose()

    raw = sqlite3.connect(path, isolation_level=None)
    for name, replaced in ACTION_INDEXES.items():  # migration 6 made these
        raw.execute(f"DROP INDEX {name}")
        if replaced is not None:
            table, column = replaced
            raw.execute(f"CREATE INDEX ix_{table}_{column} ON {table} ({column})")
    for table in SQLModel.metadata.tables.values():  # migration 5 added these
        if version >= 5:
            break
        for index in table.indexes:
            if "ext_ref" in index.columns:
                raw.execute(f"DROP INDEX {index.name}")
        for column in ("ext_ref", "updated_at"):
            if column in table.c and not (table.name == "ticket" and column == "updated_at"):
                raw.execute(f'ALTER TABLE "{table.name}" DROP COLUMN {column}')
    if version >= 4:
        with engine.begin() as conn:
            fulltext.create(conn)
        engine.dispose()
    else:
        for index in Ticket.__table__.indexes:  # type: ignore[attr-defined]
            raw.execute(f"DROP INDEX IF EXISTS {index.name}")  # migration 4 made these
        for name, columns in OLD_TICKET_INDEXES.items():
            raw.execute(f"CREATE INDEX {name} ON ticket ({', '.join(columns)})")
    if version < 3:
        raw.execute("ALTER TABLE invoice DROP COLUMN auto_post")  # migration 3 added it
    if version < 2:
        raw.execute("ALTER TABLE ticket DROP COLUMN version")  # migration 2 added it
    raw.execute("VACUUM")
    raw.execute("PRAGMA journal_mode=WAL")  # as the desk leaves its files
    raw.close()


def main() -> None:
    for version in [int(v) for v in sys.argv[1:]] or VERSIONS:
        path = HERE / f"v{version}.db"
        build(path, version)
        print(f"{path.relative_to(HERE.parents[1])}: {path.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
