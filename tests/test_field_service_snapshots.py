"""Snapshot tests of field service: Create a Field Service task, the task screen, the Tasks list.

Same rules as test_snapshots.py: a fixed size and date, keys driven with `press` / `settle`,
and a snapshot is accepted only after someone looked at it (DESIGN.md section 6). Tasks other
than the demo's are made with the service, so that no notification (which times out) is on
screen when the picture is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from aftersales_tui.db import Database
from aftersales_tui.models import Project, Team
from aftersales_tui.services import Context, field_service
from aftersales_tui.services.field_service import TaskRequest
from aftersales_tui.services.linked import LinkKind

from .ui import is_link_button, make_app, press, show_ticket, tab_to, team_id, ticket_id, user_id

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)

PRINTER = 1042  # Support EU (Field Service EU, with worksheets), customer Azure Interior
WITH_TASK = 1095  # Support EU, one task "Office fridge not cooling"

pytestmark = pytest.mark.usefixtures("steady_cursors")


def on_ticket(db: Database, number: int, *keys: str) -> RunBefore:
    """Open a ticket, then press ``keys``."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await press(pilot, *keys)

    return run_before


def open_tasks_button(db: Database, number: int, *keys: str) -> RunBefore:
    """Open a ticket, tab to its Tasks smart button, press enter, then ``keys``."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await tab_to(pilot, is_link_button(LinkKind.TASKS))
        await press(pilot, "enter", *keys)

    return run_before


# --- Create a Field Service task ---------------------------------------------------------------


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["100x30", "80x24"])
def test_modal_with_worksheets(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context, size: tuple[int, int]
) -> None:
    run_before = on_ticket(demo_db, PRINTER, "i")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=size, run_before=run_before)


def test_modal_switched_to_a_project_without_worksheets(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """Project changed to Installations: the Worksheet Template row is gone."""
    run_before = on_ticket(demo_db, PRINTER, "i", "tab", "enter", "down", "enter")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_modal_team_without_default_project(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    with demo_db.write() as session:
        team = session.get(Team, team_id(demo_db, "Support EU"))
        assert team is not None
        team.fsm_project_id = None
    run_before = on_ticket(demo_db, PRINTER, "i")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_modal_no_field_service_project(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    with demo_db.write() as session:
        for project in session.exec(select(Project)):
            project.is_fsm = False
    run_before = on_ticket(demo_db, PRINTER, "i")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_modal_customer_refused(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """A ticket without customer, Create Task without choosing one: the error under it."""
    run_before = on_ticket(demo_db, 1107, "i", "ctrl+s")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- the task screen and the Tasks list ----------------------------------------------------------


def test_task_screen(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = open_tasks_button(demo_db, WITH_TASK)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_task_stage_picker(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = open_tasks_button(demo_db, WITH_TASK, "s")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_task_planned_date(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = open_tasks_button(demo_db, WITH_TASK, "d")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_tasks_list(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    mia = ctx.as_user(user_id(demo_db, "mia"))
    ticket = ticket_id(demo_db, WITH_TASK)
    offer = field_service.defaults(demo_db, mia, ticket)
    second = field_service.create_task(
        demo_db,
        mia,
        ticket,
        TaskRequest("Check the compressor again", offer.project_id, offer.partner_id),
    )
    field_service.set_assignee(demo_db, mia, second.id, user_id(demo_db, "raj"))
    run_before = open_tasks_button(demo_db, WITH_TASK)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)
