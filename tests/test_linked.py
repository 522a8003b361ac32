"""What hangs off a ticket: smart-button counts (one query) and the actions it offers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Coupon,
    CouponProgram,
    CouponState,
    Invoice,
    InvoiceState,
    Journal,
    JournalType,
    Location,
    LocationUsage,
    MoveType,
    Picking,
    PickingKind,
    PickingState,
    ProgramType,
    Project,
    RepairOrder,
    RepairState,
    Task,
    TaskStage,
    Team,
    Ticket,
)
from aftersales_tui.services import linked
from aftersales_tui.services.linked import Action, LinkKind

from . import factories as f
from .conftest import NOW, TODAY


class Builder:
    """Linked records on tickets, with unique names."""

    def __init__(self, db: Database, partner_id: int) -> None:
        self.db = db
        self.partner_id = partner_id
        self.serial = count(1)
        with db.write() as s:
            journal = Journal(name="Customer Invoices", code="INV", journal_type=JournalType.SALE)
            program = CouponProgram(name="10% off", program_type=ProgramType.COUPONS)
            stock = Location(name="WH/Stock", usage=LocationUsage.INTERNAL)
            customers = Location(name="Customers", usage=LocationUsage.CUSTOMER)
            project = Project(name="Field Service")
            for record in (journal, program, stock, customers, project):
                s.add(record)
            s.flush()
            planned = TaskStage(project_id=project.id or 0, name="Planned")
            done = TaskStage(project_id=project.id or 0, name="Done", is_closed=True)
            s.add(planned)
            s.add(done)
            s.flush()
            self.journal_id = journal.id or 0
            self.program_id = program.id or 0
            self.stock_id = stock.id or 0
            self.customers_id = customers.id or 0
            self.project_id = project.id or 0
            self.open_stage_id = planned.id or 0
            self.closed_stage_id = done.id or 0

    def add(self, record: Any) -> None:
        with self.db.write() as s:
            s.add(record)

    def invoice(
        self, ticket_id: int | None, state: InvoiceState, move_type: MoveType = MoveType.CREDIT_NOTE
    ) -> None:
        self.add(
            Invoice(
                name=f"RINV/2026/{next(self.serial):05d}",
                move_type=move_type,
                partner_id=self.partner_id,
                journal_id=self.journal_id,
                state=state,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )

    def coupon(
        self, ticket_id: int | None, state: CouponState, expires: date | None = None
    ) -> None:
        self.add(
            Coupon(
                code=f"CODE-{next(self.serial)}",
                program_id=self.program_id,
                partner_id=self.partner_id,
                expiration_date=expires,
                state=state,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )

    def picking(
        self,
        ticket_id: int | None,
        state: PickingState,
        kind: PickingKind = PickingKind.INCOMING,
        partner_id: int | None = None,
    ) -> None:
        self.add(
            Picking(
                name=f"WH/RET/{next(self.serial):05d}",
                kind=kind,
                state=state,
                partner_id=partner_id or self.partner_id,
                location_id=self.customers_id,
                location_dest_id=self.stock_id,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )

    def repair(self, ticket_id: int | None, state: RepairState) -> None:
        self.add(
            RepairOrder(
                name=f"RO/{next(self.serial):05d}",
                partner_id=self.partner_id,
                schedule_date=TODAY,
                state=state,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )

    def task(self, ticket_id: int | None, closed: bool | None) -> None:
        """``closed`` None: a task without a stage yet."""
        stage = None if closed is None else self.closed_stage_id if closed else self.open_stage_id
        self.add(
            Task(
                title=f"Intervention {next(self.serial)}",
                project_id=self.project_id,
                stage_id=stage,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )


@pytest.fixture
def azure(db: Database) -> int:
    return f.partner(db, "Azure Interior")


@pytest.fixture
def team_id(db: Database) -> int:
    return f.team(db, "Support")


@pytest.fixture
def ticket_id(db: Database, team_id: int, azure: int) -> int:
    return f.ticket(db, team_id, 1, "Printer jams", azure)


@pytest.fixture
def build(db: Database, azure: int) -> Builder:
    return Builder(db, azure)


def buttons(db: Database, ticket_id: int) -> list[tuple[LinkKind, int, str]]:
    return [(b.kind, b.total, b.breakdown) for b in linked.load_smart_buttons(db, ticket_id, TODAY)]


# --- smart buttons ------------------------------------------------------------------------------


def test_a_ticket_without_linked_records_has_no_buttons(db: Database, ticket_id: int) -> None:
    assert linked.load_smart_buttons(db, ticket_id, TODAY) == []


def test_only_kinds_with_records_show_in_the_guides_order(
    db: Database, ticket_id: int, build: Builder
) -> None:
    build.task(ticket_id, closed=False)
    build.invoice(ticket_id, InvoiceState.POSTED)
    build.repair(ticket_id, RepairState.UNDER_REPAIR)
    assert buttons(db, ticket_id) == [
        (LinkKind.CREDIT_NOTES, 1, "1 posted"),
        (LinkKind.REPAIRS, 1, "1 under repair"),
        (LinkKind.TASKS, 1, "1 open"),
    ]
    build.picking(ticket_id, PickingState.READY)
    build.coupon(ticket_id, CouponState.VALID)
    assert [b[0] for b in buttons(db, ticket_id)] == [
        LinkKind.CREDIT_NOTES,
        LinkKind.COUPONS,
        LinkKind.RETURNS,
        LinkKind.REPAIRS,
        LinkKind.TASKS,
    ]


def test_counts_are_broken_down_by_state(db: Database, ticket_id: int, build: Builder) -> None:
    build.invoice(ticket_id, InvoiceState.POSTED)
    build.invoice(ticket_id, InvoiceState.DRAFT)
    build.invoice(ticket_id, InvoiceState.POSTED)
    build.picking(ticket_id, PickingState.DONE)
    build.picking(ticket_id, PickingState.READY)
    build.picking(ticket_id, PickingState.CANCELLED)
    build.repair(ticket_id, RepairState.DONE)
    build.repair(ticket_id, RepairState.CONFIRMED)
    build.repair(ticket_id, RepairState.DRAFT)
    assert buttons(db, ticket_id) == [
        (LinkKind.CREDIT_NOTES, 3, "1 draft · 2 posted"),
        (LinkKind.RETURNS, 3, "1 ready · 1 done · 1 cancelled"),
        (LinkKind.REPAIRS, 3, "1 draft · 1 confirmed · 1 done"),
    ]
    first = linked.load_smart_buttons(db, ticket_id, TODAY)[0]
    assert first.label == "Credit Notes"


def test_a_valid_coupon_past_its_date_counts_as_expired(
    db: Database, ticket_id: int, build: Builder
) -> None:
    build.coupon(ticket_id, CouponState.VALID, expires=TODAY - timedelta(days=1))
    build.coupon(ticket_id, CouponState.VALID, expires=TODAY)  # still good today
    build.coupon(ticket_id, CouponState.VALID)  # never expires
    build.coupon(ticket_id, CouponState.USED, expires=TODAY - timedelta(days=30))
    build.coupon(ticket_id, CouponState.EXPIRED)
    assert buttons(db, ticket_id) == [(LinkKind.COUPONS, 5, "2 valid · 1 used · 2 expired")]
    # seen from a later day, the coupon valid until today has expired too
    later = linked.load_smart_buttons(db, ticket_id, TODAY + timedelta(days=1))
    assert later[0].breakdown == "1 valid · 1 used · 3 expired"


def test_tasks_are_open_or_closed_by_their_stage(
    db: Database, ticket_id: int, build: Builder
) -> None:
    build.task(ticket_id, closed=False)
    build.task(ticket_id, closed=True)
    build.task(ticket_id, closed=True)
    build.task(ticket_id, closed=None)
    assert buttons(db, ticket_id) == [(LinkKind.TASKS, 4, "2 open · 2 closed")]


def test_counts_belong_only_to_the_ticket(
    db: Database, team_id: int, azure: int, ticket_id: int, build: Builder
) -> None:
    other = f.ticket(db, team_id, 2, "Another ticket", azure)
    for target in (other, None):
        build.invoice(target, InvoiceState.DRAFT)
        build.coupon(target, CouponState.VALID)
        build.picking(target, PickingState.READY)
        build.repair(target, RepairState.DRAFT)
        build.task(target, closed=False)
    build.invoice(ticket_id, InvoiceState.DRAFT, move_type=MoveType.INVOICE)  # not a credit note
    build.picking(ticket_id, PickingState.DONE, kind=PickingKind.OUTGOING)  # not a return
    assert buttons(db, ticket_id) == []
    assert [b[1] for b in buttons(db, other)] == [1, 1, 1, 1, 1]


@pytest.fixture
def select_counter(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield statements
    event.remove(db.engine, "before_cursor_execute", record)


def test_smart_buttons_take_one_query(
    db: Database, ticket_id: int, build: Builder, select_counter: list[str]
) -> None:
    build.invoice(ticket_id, InvoiceState.DRAFT)
    build.coupon(ticket_id, CouponState.VALID)
    build.picking(ticket_id, PickingState.READY)
    build.repair(ticket_id, RepairState.DRAFT)
    build.task(ticket_id, closed=False)
    with db.read() as s:
        select_counter.clear()
        result = linked.smart_buttons(s, ticket_id, TODAY)
        assert len(select_counter) == 1
    assert len(result) == 5


# --- available actions -----------------------------------------------------------------------


def set_switches(db: Database, team_id: int, **switches: bool) -> None:
    with db.write() as s:
        team = s.get(Team, team_id)
        assert team is not None
        for name, on in switches.items():
            setattr(team, name, on)


def actions(db: Database, ticket_id: int) -> list[Action]:
    return linked.load_available_actions(db, ticket_id)


ALL_ON = {
    "use_refunds": True,
    "use_coupons": True,
    "use_returns": True,
    "use_repairs": True,
    "use_field_service": True,
}


def test_actions_follow_the_teams_switches(
    db: Database, team_id: int, ticket_id: int, azure: int
) -> None:
    f.delivery(db, azure, f.product(db))
    assert actions(db, ticket_id) == []
    set_switches(db, team_id, use_coupons=True, use_field_service=True)
    assert actions(db, ticket_id) == [Action.COUPON, Action.FIELD_SERVICE]
    set_switches(db, team_id, **ALL_ON)
    assert actions(db, ticket_id) == [
        Action.REFUND,
        Action.COUPON,
        Action.RETURN,
        Action.REPAIR,
        Action.FIELD_SERVICE,
    ]
    assert [linked.action_label(a) for a in actions(db, ticket_id)] == [
        "Refund",
        "Coupon",
        "Return",
        "Repair",
        "Plan Intervention",
    ]


def test_return_needs_a_done_delivery_of_the_customer(
    db: Database, team_id: int, ticket_id: int, azure: int, build: Builder
) -> None:
    set_switches(db, team_id, **ALL_ON)
    desk = f.product(db)
    deco = f.partner(db, "Deco Addict")
    f.delivery(db, azure, desk, PickingState.READY, name="WH/OUT/00001")
    f.delivery(db, deco, desk, PickingState.DONE, name="WH/OUT/00002")
    build.picking(None, PickingState.DONE, kind=PickingKind.INCOMING)  # a receipt, not a delivery
    assert Action.RETURN not in actions(db, ticket_id)
    assert Action.REFUND in actions(db, ticket_id)
    f.delivery(db, azure, desk, PickingState.DONE, name="WH/OUT/00003")
    assert Action.RETURN in actions(db, ticket_id)


def test_a_ticket_without_customer_offers_no_return(db: Database, team_id: int, azure: int) -> None:
    set_switches(db, team_id, **ALL_ON)
    f.delivery(db, azure, f.product(db))
    anonymous = f.ticket(db, team_id, 2, "No customer")
    assert actions(db, anonymous) == [
        Action.REFUND,
        Action.COUPON,
        Action.REPAIR,
        Action.FIELD_SERVICE,
    ]


def test_available_actions_in_a_session(db: Database, team_id: int, ticket_id: int) -> None:
    set_switches(db, team_id, use_repairs=True)
    with Session(db.engine) as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        assert linked.available_actions(s, ticket) == [Action.REPAIR]
    assert linked.load_available_actions(db, 9999) == []


def test_the_ticket_page_is_read_in_one_transaction(db: Database, ticket_id: int) -> None:
    from datetime import date

    begins: list[int] = []

    def record(_conn: Any) -> None:
        begins.append(1)

    event.listen(db.engine, "begin", record)
    try:
        page = linked.ticket_page(db, ticket_id, date(2026, 11, 23))
    finally:
        event.remove(db.engine, "begin", record)
    assert page.detail.id == ticket_id
    assert (page.buttons, page.history) == ([], [])
    assert len(begins) == 1
