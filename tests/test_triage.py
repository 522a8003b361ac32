"""Triage: assign, stage, priority, follow; one ticket or a batch in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import (
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
    Priority,
    Project,
    RepairOrder,
    RepairState,
    Stage,
    Task,
    TaskStage,
    Ticket,
    TicketFollower,
)
from aftersales_tui.services import AfterSalesError, Context, tickets, triage
from aftersales_tui.services.context import frozen_clock

from . import factories as f
from .conftest import NOW

LATER = NOW + timedelta(hours=2)


@dataclass(frozen=True)
class Desk:
    team: int
    azure: int
    mia: int
    leo: int
    t1: int
    t2: int
    t3: int


@pytest.fixture
def desk(db: Database) -> Desk:
    team = f.team(db, "Support")
    azure = f.partner(db, "Azure Interior")
    mia = f.agent(db, "mia", "Mia Lopez")
    leo = f.agent(db, "leo", "Leo Park")
    return Desk(
        team=team,
        azure=azure,
        mia=mia,
        leo=leo,
        t1=f.ticket(db, team, 1, "Printer jams", azure),
        t2=f.ticket(db, team, 2, "Chair broken", azure),
        t3=f.ticket(db, team, 3, "Lamp flickers"),
    )


@pytest.fixture
def mia(ctx: Context, desk: Desk) -> Context:
    """Mia is signed in, two hours after the tickets were last touched."""
    return Context(user_id=desk.mia, clock=frozen_clock(LATER), tz=ctx.tz)


def row(db: Database, ticket_id: int) -> Ticket:
    with db.read() as s:
        found = s.get(Ticket, ticket_id)
        assert found is not None
        return found


def bodies(db: Database, ticket_id: int) -> list[str]:
    return [e.body for e in tickets.history(db, ticket_id)]


def assert_logged_once(db: Database, ticket_id: int, body: str, author: str) -> None:
    entries = tickets.history(db, ticket_id)
    assert [(e.body, e.author) for e in entries] == [(body, author)]
    assert entries[0].created_at == LATER
    ticket = row(db, ticket_id)
    assert ticket.version == 2
    assert ticket.updated_at == LATER


def assert_untouched(db: Database, ticket_id: int) -> None:
    ticket = row(db, ticket_id)
    assert ticket.version == 1
    assert ticket.updated_at == NOW - timedelta(days=1)
    assert bodies(db, ticket_id) == []


# --- one change, one message ----------------------------------------------------------------


def test_assign_logs_who_and_bumps_the_version(db: Database, mia: Context, desk: Desk) -> None:
    assert triage.assign(db, mia, [desk.t1], desk.leo) == 1
    assert row(db, desk.t1).user_id == desk.leo
    assert_logged_once(db, desk.t1, "Assigned to Leo Park", "Mia Lopez")


def test_assign_to_me(db: Database, mia: Context, desk: Desk) -> None:
    assert triage.assign_to_me(db, mia, [desk.t1]) == 1
    assert row(db, desk.t1).user_id == desk.mia
    assert_logged_once(db, desk.t1, "Assigned to Mia Lopez", "Mia Lopez")


def test_assign_to_me_needs_a_signed_in_agent(db: Database, ctx: Context, desk: Desk) -> None:
    with pytest.raises(AfterSalesError, match="No agent is signed in"):
        triage.assign_to_me(db, ctx, [desk.t1])
    assert_untouched(db, desk.t1)


def test_unassign(db: Database, mia: Context, desk: Desk) -> None:
    with db.write() as s:
        ticket = s.get(Ticket, desk.t1)
        assert ticket is not None
        ticket.user_id = desk.leo
    assert triage.assign(db, mia, [desk.t1], None) == 1
    assert row(db, desk.t1).user_id is None
    assert_logged_once(db, desk.t1, "Unassigned", "Mia Lopez")


def test_assign_to_an_unknown_agent_is_refused(db: Database, mia: Context, desk: Desk) -> None:
    with pytest.raises(AfterSalesError) as err:
        triage.assign(db, mia, [desk.t1], 9999)
    assert err.value.field == "user_id"
    assert_untouched(db, desk.t1)


def test_set_stage(db: Database, mia: Context, desk: Desk) -> None:
    assert triage.set_stage(db, mia, [desk.t1], Stage.IN_PROGRESS) == 1
    assert row(db, desk.t1).stage == Stage.IN_PROGRESS
    assert_logged_once(db, desk.t1, "Stage: New → In Progress", "Mia Lopez")


def test_set_priority(db: Database, mia: Context, desk: Desk) -> None:
    assert triage.set_priority(db, mia, [desk.t1], Priority.URGENT) == 1
    assert row(db, desk.t1).priority == Priority.URGENT
    assert_logged_once(db, desk.t1, "Priority: Low → Urgent", "Mia Lopez")


def test_follow_and_unfollow(db: Database, mia: Context, desk: Desk) -> None:
    mia_partner = _partner_of(db, desk.mia)
    assert not triage.is_following(db, mia, desk.t1)
    assert triage.follow(db, mia, [desk.t1]) == 1
    assert triage.is_following(db, mia, desk.t1)
    assert_logged_once(db, desk.t1, "Mia Lopez follows the ticket", "Mia Lopez")
    assert triage.follow(db, mia, [desk.t1], following=False) == 1
    assert not triage.is_following(db, mia, desk.t1)
    assert bodies(db, desk.t1)[0] == "Mia Lopez stopped following the ticket"
    assert row(db, desk.t1).version == 3
    with db.read() as s:  # the customer still follows; only Mia left
        followers = s.exec(
            select(TicketFollower.partner_id).where(TicketFollower.ticket_id == desk.t1)
        ).all()
    assert followers == [desk.azure]
    assert mia_partner not in followers


def _partner_of(db: Database, user_id: int) -> int:
    from aftersales_tui.models import User

    with db.read() as s:
        user = s.get(User, user_id)
        assert user is not None
        return user.partner_id


# --- no-ops log nothing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "noop",
    [
        pytest.param(lambda db, ctx, d: triage.assign(db, ctx, [d.t1], None), id="unassigned"),
        pytest.param(lambda db, ctx, d: triage.set_stage(db, ctx, [d.t1], Stage.NEW), id="stage"),
        pytest.param(
            lambda db, ctx, d: triage.set_priority(db, ctx, [d.t1], Priority.LOW), id="priority"
        ),
        pytest.param(
            lambda db, ctx, d: triage.follow(db, ctx, [d.t1], following=False), id="unfollow"
        ),
    ],
)
def test_a_change_to_the_same_value_logs_nothing(
    db: Database, mia: Context, desk: Desk, noop: Callable[[Database, Context, Desk], int]
) -> None:
    assert noop(db, mia, desk) == 0
    assert_untouched(db, desk.t1)


def test_assigning_twice_and_following_twice_log_once(
    db: Database, mia: Context, desk: Desk
) -> None:
    triage.assign(db, mia, [desk.t1], desk.leo)
    triage.follow(db, mia, [desk.t1])
    assert triage.assign(db, mia, [desk.t1], desk.leo) == 0
    assert triage.follow(db, mia, [desk.t1]) == 0
    assert len(bodies(db, desk.t1)) == 2
    assert row(db, desk.t1).version == 3


# --- batches ------------------------------------------------------------------------------------


def test_a_batch_changes_every_ticket_and_logs_on_each(
    db: Database, mia: Context, desk: Desk
) -> None:
    with db.write() as s:
        ticket = s.get(Ticket, desk.t2)
        assert ticket is not None
        ticket.priority = Priority.HIGH
    ids = [desk.t1, desk.t2, desk.t3, desk.t1]  # a repeated id counts once
    assert triage.set_priority(db, mia, ids, Priority.HIGH) == 2  # t2 already was
    assert [row(db, t).priority for t in (desk.t1, desk.t2, desk.t3)] == [Priority.HIGH] * 3
    assert bodies(db, desk.t1) == ["Priority: Low → High"]
    assert bodies(db, desk.t2) == []
    assert bodies(db, desk.t3) == ["Priority: Low → High"]


def test_a_batch_with_a_missing_ticket_changes_none(db: Database, mia: Context, desk: Desk) -> None:
    batches: list[Callable[[list[int]], int]] = [
        lambda ids: triage.assign(db, mia, ids, desk.leo),
        lambda ids: triage.assign_to_me(db, mia, ids),
        lambda ids: triage.set_stage(db, mia, ids, Stage.ON_HOLD),
        lambda ids: triage.set_priority(db, mia, ids, Priority.URGENT),
        lambda ids: triage.follow(db, mia, ids),
    ]
    for batch in batches:
        with pytest.raises(AfterSalesError, match="no longer exists"):
            batch([desk.t1, desk.t2, 9999, desk.t3])
    for ticket_id in (desk.t1, desk.t2, desk.t3):
        assert_untouched(db, ticket_id)
        ticket = row(db, ticket_id)
        assert (ticket.user_id, ticket.stage, ticket.priority) == (None, Stage.NEW, Priority.LOW)
    assert not triage.is_following(db, mia, desk.t1)


def test_an_empty_batch_is_refused(db: Database, mia: Context, desk: Desk) -> None:
    with pytest.raises(AfterSalesError, match="No ticket selected"):
        triage.set_stage(db, mia, [], Stage.SOLVED)


# --- closing with open linked work ----------------------------------------------------------


def draft_credit_note(db: Database, ticket_id: int, partner_id: int) -> str:
    with db.write() as s:
        journal = Journal(name="Customer Invoices", code="INV", journal_type=JournalType.SALE)
        s.add(journal)
        s.flush()
        s.add(
            Invoice(
                name="RINV/2026/00001",
                move_type=MoveType.CREDIT_NOTE,
                partner_id=partner_id,
                journal_id=journal.id or 0,
                state=InvoiceState.DRAFT,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )
    return "draft credit note RINV/2026/00001"


def ready_return(db: Database, ticket_id: int, partner_id: int) -> str:
    with db.write() as s:
        stock = Location(name="WH/Stock", usage=LocationUsage.INTERNAL)
        customers = Location(name="Customers", usage=LocationUsage.CUSTOMER)
        s.add(stock)
        s.add(customers)
        s.flush()
        s.add(
            Picking(
                name="WH/RET/00001",
                kind=PickingKind.INCOMING,
                state=PickingState.READY,
                partner_id=partner_id,
                location_id=customers.id or 0,
                location_dest_id=stock.id or 0,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )
    return "return WH/RET/00001 not received"


def confirmed_repair(db: Database, ticket_id: int, partner_id: int) -> str:
    with db.write() as s:
        s.add(
            RepairOrder(
                name="RO/00001",
                partner_id=partner_id,
                schedule_date=date(2026, 11, 24),
                state=RepairState.CONFIRMED,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )
    return "unfinished repair RO/00001"


def open_task(db: Database, ticket_id: int, partner_id: int) -> str:
    with db.write() as s:
        project = Project(name="Field Service")
        s.add(project)
        s.flush()
        planned = TaskStage(project_id=project.id or 0, name="Planned", is_closed=False)
        s.add(planned)
        s.flush()
        s.add(
            Task(
                title="Fix the printer on site",
                project_id=project.id or 0,
                stage_id=planned.id,
                partner_id=partner_id,
                ticket_id=ticket_id,
                created_at=NOW,
            )
        )
    return "open task “Fix the printer on site”"


OPEN_WORK = [
    pytest.param(draft_credit_note, id="draft-credit-note"),
    pytest.param(ready_return, id="ready-return"),
    pytest.param(confirmed_repair, id="confirmed-repair"),
    pytest.param(open_task, id="open-task"),
]


@pytest.mark.parametrize("closing", [Stage.SOLVED, Stage.CANCELLED])
@pytest.mark.parametrize("make_work", OPEN_WORK)
def test_closing_with_open_work_asks_first_and_names_it(
    db: Database,
    mia: Context,
    desk: Desk,
    make_work: Callable[[Database, int, int], str],
    closing: Stage,
) -> None:
    described = make_work(db, desk.t1, desk.azure)
    with pytest.raises(triage.OpenWorkError) as err:
        triage.set_stage(db, mia, [desk.t1, desk.t2], closing)
    assert err.value.open_work == {1: [described]}
    assert f"#1: {described}" in str(err.value)
    for ticket_id in (desk.t1, desk.t2):  # nothing closed, not even the ticket without work
        assert_untouched(db, ticket_id)
    assert triage.set_stage(db, mia, [desk.t1, desk.t2], closing, confirmed=True) == 2
    assert row(db, desk.t1).stage == closing
    assert row(db, desk.t2).stage == closing


def test_open_work_on_several_tickets_is_named_per_ticket(
    db: Database, mia: Context, desk: Desk
) -> None:
    note = draft_credit_note(db, desk.t1, desk.azure)
    task = open_task(db, desk.t3, desk.azure)
    repair = confirmed_repair(db, desk.t3, desk.azure)
    with pytest.raises(triage.OpenWorkError) as err:
        triage.set_stage(db, mia, [desk.t3, desk.t2, desk.t1], Stage.SOLVED)
    assert err.value.open_work == {1: [note], 3: [repair, task]}
    assert str(err.value).splitlines()[1:] == [f"#1: {note}", f"#3: {repair}, {task}"]


def test_finished_work_does_not_block_closing(db: Database, mia: Context, desk: Desk) -> None:
    draft_credit_note(db, desk.t1, desk.azure)
    ready_return(db, desk.t1, desk.azure)
    confirmed_repair(db, desk.t1, desk.azure)
    open_task(db, desk.t1, desk.azure)
    with db.write() as s:
        for invoice in s.exec(select(Invoice)).all():
            invoice.state = InvoiceState.POSTED
        for picking in s.exec(select(Picking)).all():
            picking.state = PickingState.DONE
        for repair in s.exec(select(RepairOrder)).all():
            repair.state = RepairState.DONE
        for stage in s.exec(select(TaskStage)).all():
            stage.is_closed = True
    assert triage.set_stage(db, mia, [desk.t1], Stage.SOLVED) == 1
    assert bodies(db, desk.t1) == ["Stage: New → Solved"]


def test_closing_without_open_work_needs_no_confirmation(
    db: Database, mia: Context, desk: Desk
) -> None:
    draft_credit_note(db, desk.t2, desk.azure)  # another ticket's work does not count
    assert triage.set_stage(db, mia, [desk.t1], Stage.SOLVED) == 1
    assert_logged_once(db, desk.t1, "Stage: New → Solved", "Mia Lopez")


def test_open_work_does_not_stop_other_stages(db: Database, mia: Context, desk: Desk) -> None:
    draft_credit_note(db, desk.t1, desk.azure)
    assert triage.set_stage(db, mia, [desk.t1], Stage.ON_HOLD) == 1
    assert row(db, desk.t1).stage == Stage.ON_HOLD


def test_a_ticket_already_closed_is_not_asked_about_again(
    db: Database, mia: Context, desk: Desk
) -> None:
    draft_credit_note(db, desk.t1, desk.azure)
    triage.set_stage(db, mia, [desk.t1], Stage.SOLVED, confirmed=True)
    assert triage.set_stage(db, mia, [desk.t1], Stage.SOLVED) == 0  # no change, no question
    assert triage.set_stage(db, mia, [desk.t1, desk.t2], Stage.SOLVED) == 1
