"""Field service flows driven with Pilot: Plan Intervention, the task screen, the Tasks list."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from aftersales_tui.db import Database
from aftersales_tui.models import Project, Task, Ticket
from aftersales_tui.screens.confirm import ConfirmModal
from aftersales_tui.screens.field_service_modal import FieldServiceModal
from aftersales_tui.screens.picker import PickerModal
from aftersales_tui.screens.planned_date_modal import PlannedDateModal
from aftersales_tui.screens.task import TaskScreen
from aftersales_tui.screens.tasks import TasksScreen
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, field_service, tickets
from aftersales_tui.services.field_service import TaskRequest
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.widgets.record_picker import RecordPicker
from aftersales_tui.widgets.smart_buttons import SmartButtonBox

from .test_flows import rendered_text
from .ui import (
    is_link_button,
    make_app,
    open_from_home,
    press,
    settle,
    show_ticket,
    smart_buttons,
    tab_to,
    team_id,
    ticket_id,
    type_text,
    user_id,
)

PRINTER = 1042  # Support EU (Field Service EU, with worksheets), customer Azure Interior
NO_CUSTOMER = 1107  # Support EU, no customer
WORKSHOP = 1061  # Workshop (Installations, no worksheets)
WITH_TASK = 1095  # Support EU, one task "Office fridge not cooling"


def tasks_of(db: Database, number: int) -> list[Task]:
    with db.read() as session:
        return list(
            session.exec(
                select(Task).where(Task.ticket_id == ticket_id(db, number)).order_by(col(Task.id))
            ).all()
        )


def project_id(db: Database, name: str) -> int:
    with db.read() as session:
        return session.exec(select(Project.id).where(Project.name == name)).one() or 0


async def plan_intervention(pilot: Pilot[None], ticket: int | None = None) -> FieldServiceModal:
    """Press i (on the ticket with this id, shown first when given): the modal opens."""
    if ticket is not None:
        await show_ticket(pilot, ticket)
    await press(pilot, "i")
    modal = pilot.app.screen
    assert isinstance(modal, FieldServiceModal)
    return modal


def shown(screen: Screen[None], widget_id: str) -> str:
    """The text of a Static (a ticket's or a task's fields) as the agent reads it."""
    return rendered_text(screen.query_one(widget_id, Static).content)


def template_row_shown(modal: FieldServiceModal) -> bool:
    return bool(modal.query_one("#worksheet_template_id-row").display)


def tasks_button_text(app: TicketScreen) -> list[str]:
    [box] = [b for b in app.query(SmartButtonBox) if b.button.kind == LinkKind.TASKS]
    return str(box.render()).split()


# --- Plan Intervention --------------------------------------------------------------------


async def test_home_open_plan_create_and_the_panel_counts_it(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        assert isinstance(app.screen, TicketScreen)
        assert "tasks" not in smart_buttons(app)
        assert "Plan Intervention" in [c.title for c in app.get_system_commands(app.screen)]
        modal = await plan_intervention(pilot)
        assert app.focused is modal.query_one("#title", Input)
        assert modal.query_one("#title", Input).value == "Printer jams after firmware 2.1"
        assert modal.query_one("#project_id", Select).value == project_id(
            demo_db, "Field Service EU"
        )
        assert template_row_shown(modal)
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        assert smart_buttons(app)["tasks"] == "1 1 open"
        assert tasks_button_text(screen) == ["Tasks", "1", "1", "open"]
    [task] = tasks_of(demo_db, PRINTER)
    view = field_service.load(demo_db, task.id or 0)
    assert (view.title, view.project, view.stage, view.template, view.customer) == (
        "Printer jams after firmware 2.1",
        "Field Service EU",
        "New",
        "On-site Intervention Report",
        "Azure Interior",
    )
    history = tickets.history(demo_db, ticket_id(demo_db, PRINTER))
    assert history[0].body == (
        "Field service task created: Printer jams after firmware 2.1 (Field Service EU)"
    )


async def test_create_and_view_lands_on_the_new_task(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await plan_intervention(pilot, ticket_id(demo_db, PRINTER))
        modal.query_one("#title", Input).value = "Replace the fuser on site"
        modal.query_one("#submit-view", Button).press()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TaskScreen)
        [task] = tasks_of(demo_db, PRINTER)
        assert screen.task_id == task.id
        fields = shown(screen, "#task-fields")
        for text in ("Replace the fuser on site", "Field Service EU", "Azure Interior", "New"):
            assert text in fields
        assert "#1042 Printer jams after firmware 2.1" in fields
        await press(pilot, "q")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["tasks"] == "1 1 open"


async def test_the_template_row_follows_the_project(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await plan_intervention(pilot, ticket_id(demo_db, PRINTER))
        template = modal.query_one("#worksheet_template_id", Select)
        default = template.value
        await press(pilot, "tab", "enter", "down", "enter")  # Installations
        assert modal.query_one("#project_id", Select).value == project_id(demo_db, "Installations")
        assert not template_row_shown(modal)
        await press(pilot, "enter", "up", "enter")  # back to Field Service EU
        assert template_row_shown(modal)
        assert template.value == default
        await press(pilot, "enter", "down", "enter", "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    [task] = tasks_of(demo_db, PRINTER)
    assert (task.project_id, task.worksheet_template_id) == (
        project_id(demo_db, "Installations"),
        None,
    )


async def test_workshop_plans_in_installations_without_template(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await plan_intervention(pilot, ticket_id(demo_db, WORKSHOP))
        assert modal.query_one("#project_id", Select).value == project_id(demo_db, "Installations")
        assert not template_row_shown(modal)


async def test_customer_required_then_written_back(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await plan_intervention(pilot, ticket_id(demo_db, NO_CUSTOMER))
        await press(pilot, "ctrl+s")
        modal = app.screen
        assert isinstance(modal, FieldServiceModal)  # reopened with the error
        error = str(modal.query_one("#partner_id-error").render())
        assert "Choose the customer to visit" in error
        picker = modal.query_one("#partner_id", RecordPicker)
        assert app.focused is picker
        assert tasks_of(demo_db, NO_CUSTOMER) == []
        await press(pilot, "a", "z", "u", "enter")  # typed: the first customer named "Azu..."
        customer = picker.chosen
        assert customer is not None and customer.label == "Azure Interior"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        assert customer.label in shown(app.screen, "#ticket-fields")
    with demo_db.read() as session:
        ticket = session.get(Ticket, ticket_id(demo_db, NO_CUSTOMER))
        assert ticket is not None and ticket.partner_id == customer.id


async def test_an_empty_title_keeps_what_was_typed(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await plan_intervention(pilot, ticket_id(demo_db, PRINTER))
        modal.query_one("#title", Input).value = "  "
        await press(pilot, "tab", "enter", "down", "enter")  # Installations
        await press(pilot, "ctrl+s")
        modal = app.screen
        assert isinstance(modal, FieldServiceModal)
        assert "A task needs a title" in str(modal.query_one("#title-error").render())
        assert modal.query_one("#project_id", Select).value == project_id(demo_db, "Installations")
        assert not template_row_shown(modal)
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
    assert tasks_of(demo_db, PRINTER) == []


async def test_team_without_default_project_asks_for_one(demo_db: Database, ctx: Context) -> None:
    from aftersales_tui.models import Team

    with demo_db.write() as session:
        team = session.get(Team, team_id(demo_db, "Support EU"))
        assert team is not None
        team.fsm_project_id = None
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await plan_intervention(pilot, ticket_id(demo_db, PRINTER))
        assert modal.query_one("#project_id", Select).is_blank()
        assert not template_row_shown(modal)
        note = str(modal.query_one("#project-note").render())
        assert "Support EU has no default field-service project: choose one" in note
        await press(pilot, "ctrl+s")
        modal = app.screen
        assert isinstance(modal, FieldServiceModal)
        assert "Choose a project" in str(modal.query_one("#project_id-error").render())
        await press(pilot, "enter", "down", "enter")  # the first project: Field Service EU
        assert template_row_shown(modal)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    [task] = tasks_of(demo_db, PRINTER)
    assert task.project_id == project_id(demo_db, "Field Service EU")


async def test_no_field_service_project_at_all(demo_db: Database, ctx: Context) -> None:
    with demo_db.write() as session:
        for project in session.exec(select(Project)):
            project.is_fsm = False
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = await plan_intervention(pilot, ticket_id(demo_db, PRINTER))
        note = str(modal.query_one("#project-note").render())
        assert "No field-service project exists" in note
        assert not modal.query_one("#project_id-row").display
        assert modal.query_one("#submit", Button).disabled
        assert modal.query_one("#submit-view", Button).disabled
        await press(pilot, "ctrl+s")
        assert app.screen is modal
    assert tasks_of(demo_db, PRINTER) == []


async def test_no_plan_intervention_where_the_team_has_none(
    demo_db: Database, ctx: Context
) -> None:
    from aftersales_tui.keys import screen_keys

    with demo_db.read() as session:
        other = session.exec(
            select(Ticket).where(Ticket.team_id == team_id(demo_db, "Customer Care"))
        ).first()
    assert other is not None and other.id is not None
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, PRINTER))
        assert any(
            k.key == "i" and k.description == "Plan Intervention" for k in screen_keys(app.screen)
        )
        await press(pilot, "q")
        await show_ticket(pilot, other.id)
        assert "Plan Intervention" not in [c.title for c in app.get_system_commands(app.screen)]
        await press(pilot, "i")
        assert isinstance(app.screen, TicketScreen)


# --- the task screen and the Tasks list ------------------------------------------------------


async def test_one_task_opens_it_move_plan_assign(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, WITH_TASK))
        await tab_to(pilot, is_link_button(LinkKind.TASKS))
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, TaskScreen)
        await press(pilot, "s")
        assert isinstance(app.screen, PickerModal)
        await type_text(pilot, "progress")
        await press(pilot, "enter")
        assert screen.shown_task is not None and screen.shown_task.stage == "In Progress"
        await press(pilot, "d")
        assert isinstance(app.screen, PlannedDateModal)
        app.screen.query_one("#planned_date", Input).value = "yesterday"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, PlannedDateModal)  # unreadable: the error, no write
        assert "Not a date" in str(app.screen.query_one("#planned_date-error").render())
        app.screen.query_one("#planned_date", Input).value = "2026-11-01"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, PlannedDateModal)  # refused by the service
        error = str(app.screen.query_one("#planned_date-error").render())
        assert "The planned date cannot be in the past" in error
        app.screen.query_one("#planned_date", Input).value = "+3d"
        await press(pilot, "ctrl+s")
        assert screen.shown_task.planned_date == date(2026, 11, 26)
        await press(pilot, "a")
        await type_text(pilot, "Raj")
        await press(pilot, "enter")
        assert app.screen is screen
        assert screen.shown_task.user_id == user_id(demo_db, "raj")
        assert "Raj Iyer" in shown(screen, "#task-fields")
        await press(pilot, "q")
        assert isinstance(app.screen, TicketScreen)
        history = [m.body for m in tickets.history(demo_db, ticket_id(demo_db, WITH_TASK))[:3]]
    assert history == [
        "Task “Office fridge not cooling”: assigned to Raj Iyer",
        "Task “Office fridge not cooling”: planned date 2026-11-30 → 2026-11-26",
        "Task “Office fridge not cooling”: stage New → In Progress",
    ]


async def test_several_tasks_open_the_list_move_a_stage(demo_db: Database, ctx: Context) -> None:
    mia = ctx.as_user(user_id(demo_db, "mia"))
    ticket = ticket_id(demo_db, WITH_TASK)
    offer = field_service.defaults(demo_db, mia, ticket)
    field_service.create_task(
        demo_db,
        mia,
        ticket,
        TaskRequest("Second visit", offer.project_id, offer.partner_id),
    )
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket)
        assert smart_buttons(app)["tasks"] == "2 2 open"
        await tab_to(pilot, is_link_button(LinkKind.TASKS))
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, TasksScreen)
        assert [r.title for r in screen.rows] == ["Second visit", "Office fridge not cooling"]
        await press(pilot, "s")
        await type_text(pilot, "done")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "y")
        assert app.screen is screen
        assert (screen.rows[0].stage, screen.rows[0].closed) == ("Done", True)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, TaskScreen)
        assert app.screen.task_id == screen.rows[1].id
        await press(pilot, "q", "q")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["tasks"] == "2 1 open · 1 closed"


async def test_a_stage_move_answered_no_changes_nothing(demo_db: Database, ctx: Context) -> None:
    mia = ctx.as_user(user_id(demo_db, "mia"))
    ticket = ticket_id(demo_db, WITH_TASK)
    offer = field_service.defaults(demo_db, mia, ticket)
    field_service.create_task(
        demo_db, mia, ticket, TaskRequest("Second visit", offer.project_id, offer.partner_id)
    )
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket)
        await tab_to(pilot, is_link_button(LinkKind.TASKS))
        await press(pilot, "enter", "s")
        await type_text(pilot, "planned")
        await press(pilot, "enter", "n")
        screen = app.screen
        assert isinstance(screen, TasksScreen)
        assert screen.rows[0].stage == "New"
