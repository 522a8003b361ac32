"""Field service from a ticket: what the modal offers, the task it creates, and its changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import Message, Task, Ticket, TicketFollower
from aftersales_tui.services import field_service, linked, tickets
from aftersales_tui.services.context import Context
from aftersales_tui.services.directory import Choice
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.field_service import ProjectChoice, TaskRequest

from . import factories as f
from . import field_service_builders as b
from .conftest import NOW, TODAY


@dataclass(frozen=True)
class Desk:
    """A team with Field Service on, its default project (with worksheets) and another."""

    db: Database
    ctx: Context
    team_id: int
    customer_id: int
    ticket_id: int
    report: int  # the default project's template
    checklist: int  # another template
    fsm_eu: int  # with worksheets, the team's default
    installations: int  # without worksheets


@pytest.fixture
def desk(db: Database, ctx: Context) -> Desk:
    agent = f.agent(db)
    report = b.template(db, "On-site Intervention Report")
    checklist = b.template(db, "Appliance Installation Checklist")
    fsm_eu = b.project(db, "Field Service EU", allow_worksheets=True, template_id=report)
    installations = b.project(
        db, "Installations", stages=(("Scheduled", 20), ("Inbox", 5), ("Done", 40))
    )
    team = f.team(db, "Support EU", use_field_service=True)
    b.set_default_project(db, team, fsm_eu)
    customer = f.partner(db, "Azure Interior")
    ticket = f.ticket(db, team, 42, "Fridge not cooling", customer, description="Since Monday.")
    return Desk(
        db,
        ctx.as_user(agent),
        team,
        customer,
        ticket,
        report,
        checklist,
        fsm_eu,
        installations,
    )


def request(desk: Desk, **changes: object) -> TaskRequest:
    values: dict[str, object] = {
        "title": "Fridge not cooling",
        "project_id": desk.fsm_eu,
        "partner_id": desk.customer_id,
        "worksheet_template_id": desk.report,
    }
    values.update(changes)
    return TaskRequest(**values)  # type: ignore[arg-type]


def tasks_of(db: Database, ticket_id: int) -> list[Task]:
    with db.read() as s:
        return list(s.exec(select(Task).where(Task.ticket_id == ticket_id)).all())


def messages(db: Database, ticket_id: int) -> list[str]:
    """The ticket's chatter, oldest first."""
    with db.read() as s:
        return list(
            s.exec(
                select(Message.body)
                .where(Message.model == tickets.MODEL, Message.res_id == ticket_id)
                .order_by(col(Message.id))
            ).all()
        )


def refused(desk: Desk, req: TaskRequest) -> AfterSalesError:
    with pytest.raises(AfterSalesError) as caught:
        field_service.create_task(desk.db, desk.ctx, desk.ticket_id, req)
    assert tasks_of(desk.db, desk.ticket_id) == []
    assert messages(desk.db, desk.ticket_id) == []
    return caught.value


# --- defaults --------------------------------------------------------------------------


def test_defaults_with_worksheets(desk: Desk) -> None:
    offer = field_service.defaults(desk.db, desk.ctx, desk.ticket_id)
    assert (offer.ticket_ref, offer.title, offer.description) == (
        "#42",
        "Fridge not cooling",
        "Since Monday.",
    )
    assert offer.projects == (
        ProjectChoice(desk.fsm_eu, "Field Service EU", True, desk.report),
        ProjectChoice(desk.installations, "Installations", False, None),
    )
    assert offer.project_id == desk.fsm_eu
    assert offer.partner_id == desk.customer_id
    assert offer.customer == Choice(desk.customer_id, "Azure Interior")
    assert offer.templates == (
        Choice(desk.checklist, "Appliance Installation Checklist"),
        Choice(desk.report, "On-site Intervention Report"),
    )
    assert (offer.template_visible, offer.worksheet_template_id) == (True, desk.report)
    assert (offer.project_note, offer.empty_reason) == (None, None)


def test_defaults_without_worksheets(desk: Desk) -> None:
    b.set_default_project(desk.db, desk.team_id, desk.installations)
    offer = field_service.defaults(desk.db, desk.ctx, desk.ticket_id)
    assert offer.project_id == desk.installations
    assert (offer.template_visible, offer.worksheet_template_id) == (False, None)


def test_the_template_follows_the_project(desk: Desk) -> None:
    offer = field_service.defaults(desk.db, desk.ctx, desk.ticket_id)
    assert offer.template_for(desk.installations) == (False, None)
    assert offer.template_for(desk.fsm_eu) == (True, desk.report)
    assert offer.template_for(None) == (False, None)


def test_a_project_with_worksheets_but_no_default_template(desk: Desk) -> None:
    bare = b.project(desk.db, "Field Service North", allow_worksheets=True)
    offer = field_service.defaults(desk.db, desk.ctx, desk.ticket_id)
    assert offer.template_for(bare) == (True, None)


def test_team_without_default_project_asks_for_one(desk: Desk) -> None:
    b.set_default_project(desk.db, desk.team_id, None)
    offer = field_service.defaults(desk.db, desk.ctx, desk.ticket_id)
    assert offer.project_id is None
    assert [p.label for p in offer.projects] == ["Field Service EU", "Installations"]
    assert offer.project_note == (
        "Support EU has no default field-service project: choose one "
        "(the team settings can set a default)."
    )
    assert offer.empty_reason is None
    assert (offer.template_visible, offer.worksheet_template_id) == (False, None)
    error = refused(desk, request(desk, project_id=None, worksheet_template_id=None))
    assert (error.message, error.field) == ("Choose a project", "project_id")


def test_only_field_service_projects_are_offered(desk: Desk) -> None:
    internal = b.project(desk.db, "Internal IT", is_fsm=False)
    b.set_default_project(desk.db, desk.team_id, internal)
    offer = field_service.defaults(desk.db, desk.ctx, desk.ticket_id)
    assert internal not in [p.id for p in offer.projects]
    assert offer.project_id is None
    error = refused(desk, request(desk, project_id=internal, worksheet_template_id=None))
    assert (error.message, error.field) == (
        "Internal IT is not a field-service project",
        "project_id",
    )


def test_no_field_service_project_at_all(db: Database, ctx: Context) -> None:
    team = f.team(db, "Support EU", use_field_service=True)
    customer = f.partner(db)
    ticket = f.ticket(db, team, 7, "Fridge not cooling", customer)
    offer = field_service.defaults(db, ctx, ticket)
    reason = (
        "No field-service project exists: create one in Field Service first, "
        "then plan the intervention."
    )
    assert (offer.projects, offer.project_id, offer.empty_reason) == ((), None, reason)
    assert offer.project_note is None
    with pytest.raises(AfterSalesError) as caught:
        field_service.create_task(db, ctx, ticket, TaskRequest("Visit", None, customer))
    assert (caught.value.message, caught.value.field) == (reason, "project_id")


def test_defaults_of_a_ticket_without_customer(desk: Desk) -> None:
    nobody = f.ticket(desk.db, desk.team_id, 43, "Voicemail: broken chair")
    offer = field_service.defaults(desk.db, desk.ctx, nobody)
    assert (offer.partner_id, offer.customer) == (None, None)


# --- the rules of Create Task ------------------------------------------------------------


def test_template_refused_for_a_project_without_worksheets(desk: Desk) -> None:
    error = refused(desk, request(desk, project_id=desk.installations))
    assert (error.message, error.field) == (
        "Installations does not use worksheets: a task there has no worksheet template",
        "worksheet_template_id",
    )


def test_another_template_is_accepted_for_a_project_with_worksheets(desk: Desk) -> None:
    task = field_service.create_task(
        desk.db, desk.ctx, desk.ticket_id, request(desk, worksheet_template_id=desk.checklist)
    )
    assert task.template == "Appliance Installation Checklist"


def test_a_template_that_no_longer_exists_is_refused(desk: Desk) -> None:
    error = refused(desk, request(desk, worksheet_template_id=9999))
    assert (error.message, error.field) == (
        "This worksheet template no longer exists",
        "worksheet_template_id",
    )


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_title_required(desk: Desk, title: str) -> None:
    error = refused(desk, request(desk, title=title))
    assert (error.message, error.field) == ("A task needs a title", "title")


def test_title_too_long(desk: Desk) -> None:
    error = refused(desk, request(desk, title="x" * 501))
    assert (error.message, error.field) == (
        "The title is too long (500 characters at most)",
        "title",
    )


def test_project_required(desk: Desk) -> None:
    error = refused(desk, request(desk, project_id=None))
    assert (error.message, error.field) == ("Choose a project", "project_id")
    error = refused(desk, request(desk, project_id=9999))
    assert (error.message, error.field) == ("Choose a project", "project_id")


def test_customer_required(desk: Desk) -> None:
    error = refused(desk, request(desk, partner_id=None))
    assert (error.message, error.field) == ("Choose the customer to visit", "partner_id")
    error = refused(desk, request(desk, partner_id=9999))
    assert (error.message, error.field) == ("This customer no longer exists", "partner_id")


# --- the task ----------------------------------------------------------------------------


def test_create_task_links_ticket_customer_project_in_the_first_stage(desk: Desk) -> None:
    view = field_service.create_task(
        desk.db, desk.ctx, desk.ticket_id, request(desk, title="  Fridge   not cooling ")
    )
    [task] = tasks_of(desk.db, desk.ticket_id)
    assert (
        task.title,
        task.description,
        task.project_id,
        task.stage_id,
        task.worksheet_template_id,
        task.partner_id,
        task.user_id,
        task.planned_date,
        task.created_at,
    ) == (
        "Fridge not cooling",
        "Since Monday.",
        desk.fsm_eu,
        b.stage_id(desk.db, desk.fsm_eu, "New"),
        desk.report,
        desk.customer_id,
        None,
        None,
        NOW,
    )
    assert (view.id, view.project, view.stage, view.customer, view.ticket_ref) == (
        task.id,
        "Field Service EU",
        "New",
        "Azure Interior",
        "#42",
    )


def test_the_first_stage_is_the_lowest_sequence(desk: Desk) -> None:
    view = field_service.create_task(
        desk.db,
        desk.ctx,
        desk.ticket_id,
        request(desk, project_id=desk.installations, worksheet_template_id=None),
    )
    assert view.stage == "Inbox"  # sequence 5, created after Scheduled (20)
    assert view.stage_id == b.stage_id(desk.db, desk.installations, "Inbox")
    assert view.template == ""


def test_a_project_without_stages_gives_a_task_without_stage(desk: Desk) -> None:
    bare = b.project(desk.db, "Field Service North", stages=())
    view = field_service.create_task(
        desk.db,
        desk.ctx,
        desk.ticket_id,
        request(desk, project_id=bare, worksheet_template_id=None),
    )
    assert (view.stage_id, view.stage, view.closed) == (None, "", False)


def test_chatter_message_and_ticket_touched(desk: Desk) -> None:
    field_service.create_task(desk.db, desk.ctx, desk.ticket_id, request(desk))
    assert messages(desk.db, desk.ticket_id) == [
        "Field service task created: Fridge not cooling (Field Service EU)"
    ]
    with desk.db.read() as s:
        ticket = s.get(Ticket, desk.ticket_id)
        assert ticket is not None
        assert (ticket.updated_at, ticket.partner_id, ticket.version) == (
            NOW,
            desk.customer_id,
            1,
        )
        author = s.exec(select(Message.author_user_id)).one()
    assert author == desk.ctx.user_id


def test_the_smart_button_counts_the_task_as_open(desk: Desk) -> None:
    field_service.create_task(desk.db, desk.ctx, desk.ticket_id, request(desk))
    with desk.db.read() as s:
        [button] = linked.smart_buttons(s, desk.ticket_id, TODAY)
        work = linked.open_work(s, desk.ticket_id)
    assert (button.kind, button.total, button.breakdown) == (linked.LinkKind.TASKS, 1, "1 open")
    assert work == ["open task “Fridge not cooling”"]


def test_another_customer_leaves_the_ticket_s_own(desk: Desk) -> None:
    other = f.partner(desk.db, "Deco Addict")
    view = field_service.create_task(
        desk.db, desk.ctx, desk.ticket_id, request(desk, partner_id=other)
    )
    assert view.customer == "Deco Addict"
    with desk.db.read() as s:
        ticket = s.get(Ticket, desk.ticket_id)
        assert ticket is not None and ticket.partner_id == desk.customer_id


def test_customer_written_back_to_a_ticket_without_one(desk: Desk) -> None:
    nobody = f.ticket(desk.db, desk.team_id, 43, "Voicemail: broken chair")
    field_service.create_task(desk.db, desk.ctx, nobody, request(desk, title="Broken chair"))
    with desk.db.read() as s:
        ticket = s.get(Ticket, nobody)
        assert ticket is not None
        assert (ticket.partner_id, ticket.version) == (desk.customer_id, 2)
        followers = s.exec(
            select(TicketFollower.partner_id).where(TicketFollower.ticket_id == nobody)
        ).all()
    assert list(followers) == [desk.customer_id]
    assert messages(desk.db, nobody) == [
        "Customer set to Azure Interior (from the field service task)",
        "Field service task created: Broken chair (Field Service EU)",
    ]


def test_a_refusal_writes_nothing_back_to_the_ticket(desk: Desk) -> None:
    nobody = f.ticket(desk.db, desk.team_id, 43, "Voicemail: broken chair")
    with pytest.raises(AfterSalesError):
        field_service.create_task(desk.db, desk.ctx, nobody, request(desk, title=""))
    with desk.db.read() as s:
        ticket = s.get(Ticket, nobody)
        assert ticket is not None and ticket.partner_id is None
    assert messages(desk.db, nobody) == []


def test_a_missing_ticket(desk: Desk) -> None:
    with pytest.raises(AfterSalesError, match="This ticket no longer exists"):
        field_service.create_task(desk.db, desk.ctx, 9999, request(desk))


# --- after creation: stage, planned date, assignee --------------------------------------------


@pytest.fixture
def task_id(desk: Desk) -> int:
    return field_service.create_task(desk.db, desk.ctx, desk.ticket_id, request(desk)).id


def last_message(desk: Desk) -> str:
    return messages(desk.db, desk.ticket_id)[-1]


def test_stages_offered_are_the_project_s_in_order(desk: Desk, task_id: int) -> None:
    assert [c.label for c in field_service.stages(desk.db, task_id)] == ["New", "Planned", "Done"]


def test_move_stage_is_logged(desk: Desk, task_id: int) -> None:
    planned = b.stage_id(desk.db, desk.fsm_eu, "Planned")
    view = field_service.move_stage(desk.db, desk.ctx, task_id, planned)
    assert (view.stage_id, view.stage, view.closed) == (planned, "Planned", False)
    assert last_message(desk) == "Task “Fridge not cooling”: stage New → Planned"
    done = field_service.move_stage(
        desk.db, desk.ctx, task_id, b.stage_id(desk.db, desk.fsm_eu, "Done")
    )
    assert done.closed
    with desk.db.read() as s:
        assert linked.open_work(s, desk.ticket_id) == []


def test_move_stage_only_within_the_project(desk: Desk, task_id: int) -> None:
    foreign = b.stage_id(desk.db, desk.installations, "Scheduled")
    before = messages(desk.db, desk.ticket_id)
    with pytest.raises(AfterSalesError) as caught:
        field_service.move_stage(desk.db, desk.ctx, task_id, foreign)
    assert (caught.value.message, caught.value.field) == (
        "Scheduled is not a stage of Field Service EU",
        "stage_id",
    )
    with pytest.raises(AfterSalesError, match="This stage no longer exists"):
        field_service.move_stage(desk.db, desk.ctx, task_id, 9999)
    assert field_service.load(desk.db, task_id).stage == "New"
    assert messages(desk.db, desk.ticket_id) == before


def test_moving_to_the_same_stage_logs_nothing(desk: Desk, task_id: int) -> None:
    before = messages(desk.db, desk.ticket_id)
    field_service.move_stage(desk.db, desk.ctx, task_id, b.stage_id(desk.db, desk.fsm_eu, "New"))
    assert messages(desk.db, desk.ticket_id) == before


def test_planned_date_is_logged(desk: Desk, task_id: int) -> None:
    view = field_service.set_planned_date(desk.db, desk.ctx, task_id, date(2026, 11, 30))
    assert view.planned_date == date(2026, 11, 30)
    assert last_message(desk) == "Task “Fridge not cooling”: planned date — → 2026-11-30"
    field_service.set_planned_date(desk.db, desk.ctx, task_id, TODAY)
    assert last_message(desk) == "Task “Fridge not cooling”: planned date 2026-11-30 → 2026-11-23"
    view = field_service.set_planned_date(desk.db, desk.ctx, task_id, None)
    assert view.planned_date is None
    assert last_message(desk) == "Task “Fridge not cooling”: planned date 2026-11-23 → —"


def test_planned_date_not_in_the_past(desk: Desk, task_id: int) -> None:
    before = messages(desk.db, desk.ticket_id)
    with pytest.raises(AfterSalesError) as caught:
        field_service.set_planned_date(desk.db, desk.ctx, task_id, date(2026, 11, 22))
    assert (caught.value.message, caught.value.field) == (
        "The planned date cannot be in the past",
        "planned_date",
    )
    assert field_service.load(desk.db, task_id).planned_date is None
    assert messages(desk.db, desk.ticket_id) == before


def test_assignee_is_logged(desk: Desk, task_id: int) -> None:
    raj = f.agent(desk.db, "raj", "Raj Patel")
    view = field_service.set_assignee(desk.db, desk.ctx, task_id, raj)
    assert (view.user_id, view.assignee) == (raj, "Raj Patel")
    assert last_message(desk) == "Task “Fridge not cooling”: assigned to Raj Patel"
    view = field_service.set_assignee(desk.db, desk.ctx, task_id, None)
    assert (view.user_id, view.assignee) == (None, "")
    assert last_message(desk) == "Task “Fridge not cooling”: unassigned"
    count = len(messages(desk.db, desk.ticket_id))
    field_service.set_assignee(desk.db, desk.ctx, task_id, None)
    assert len(messages(desk.db, desk.ticket_id)) == count  # no change, no message


def test_assignee_must_exist(desk: Desk, task_id: int) -> None:
    with pytest.raises(AfterSalesError) as caught:
        field_service.set_assignee(desk.db, desk.ctx, task_id, 9999)
    assert (caught.value.message, caught.value.field) == (
        "This agent no longer exists",
        "user_id",
    )


def test_changes_to_a_missing_task(desk: Desk) -> None:
    for change in (
        lambda: field_service.move_stage(desk.db, desk.ctx, 9999, 1),
        lambda: field_service.set_planned_date(desk.db, desk.ctx, 9999, TODAY),
        lambda: field_service.set_assignee(desk.db, desk.ctx, 9999, None),
        lambda: field_service.load(desk.db, 9999),
    ):
        with pytest.raises(AfterSalesError, match="This task no longer exists"):
            change()


def test_for_ticket_newest_first(desk: Desk, task_id: int) -> None:
    later = Context(user_id=desk.ctx.user_id, clock=lambda: NOW.replace(hour=11), tz=desk.ctx.tz)
    field_service.create_task(desk.db, later, desk.ticket_id, request(desk, title="Second visit"))
    rows = field_service.for_ticket(desk.db, desk.ticket_id)
    assert [r.title for r in rows] == ["Second visit", "Fridge not cooling"]
    assert field_service.for_ticket(desk.db, 9999) == []


def test_demo_teams_and_projects(demo_db: Database, ctx: Context) -> None:
    """Support EU plans in Field Service EU (worksheets); Workshop in Installations (none)."""
    from .ui import team_id

    with demo_db.read() as s:
        eu = s.exec(select(Ticket).where(Ticket.team_id == team_id(demo_db, "Support EU"))).first()
        shop = s.exec(select(Ticket).where(Ticket.team_id == team_id(demo_db, "Workshop"))).first()
    assert eu is not None and shop is not None
    offer = field_service.defaults(demo_db, ctx, eu.id or 0)
    [project] = [p for p in offer.projects if p.id == offer.project_id]
    assert (project.label, offer.template_visible) == ("Field Service EU", True)
    assert offer.worksheet_template_id is not None
    assert dict((c.id, c.label) for c in offer.templates)[offer.worksheet_template_id] == (
        "On-site Intervention Report"
    )
    offer = field_service.defaults(demo_db, ctx, shop.id or 0)
    [project] = [p for p in offer.projects if p.id == offer.project_id]
    assert (project.label, offer.template_visible) == ("Installations", False)


def test_task_page_shows_the_ticket_s_chatter(desk: Desk, task_id: int) -> None:
    field_service.move_stage(
        desk.db, desk.ctx, task_id, b.stage_id(desk.db, desk.fsm_eu, "Planned")
    )
    page = field_service.task_page(desk.db, task_id)
    assert page.task.stage == "Planned"
    assert [m.body for m in page.history] == [
        "Task “Fridge not cooling”: stage New → Planned",
        "Field service task created: Fridge not cooling (Field Service EU)",
    ]
