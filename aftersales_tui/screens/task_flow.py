"""Change a field-service task from its screen or the Tasks list: stage, planned date, agent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, field_service
from ..services.field_service import TaskView
from .action_modal import open_modal
from .base import desk_of
from .confirm import ConfirmModal
from .picker import Pick, PickerModal
from .planned_date_modal import PlannedDate, PlannedDateModal
from .triage_flow import agent_options

Done = Callable[[TaskView], None]


def _apply(screen: Screen[Any], change: Callable[[], TaskView], done: Done) -> None:
    """Run a service change; a refusal is one clear notification."""
    try:
        task = change()
    except AfterSalesError as refused:
        screen.notify(refused.message, severity="error")
        return
    done(task)


def move_stage(screen: Screen[Any], task: TaskView, done: Done, *, confirm: bool = False) -> None:
    """Pick one of the project's stages; from a list (``confirm``), ask before moving."""
    desk = desk_of(screen)
    stages = field_service.stages(desk.db, task.id)
    if not stages:
        screen.notify(_("{project} has no stages").format(project=task.project), severity="warning")
        return

    def move(stage_id: int) -> None:
        _apply(screen, lambda: field_service.move_stage(desk.db, desk.ctx, task.id, stage_id), done)

    def chosen(pick: Pick[int] | None) -> None:
        if pick is None or pick.value == task.stage_id:
            return
        if not confirm:
            move(pick.value)
            return
        name = next(s.label for s in stages if s.id == pick.value)

        def answered(yes: bool | None) -> None:
            if yes:
                move(pick.value)

        question = _("Move “{title}” from {before} to {after}?").format(
            title=task.title, before=task.stage or "—", after=name
        )
        screen.app.push_screen(ConfirmModal(_("Move stage"), question, _("Move")), answered)

    options = [(s.label, s.id) for s in stages]
    screen.app.push_screen(
        PickerModal(_("Stage"), options, current=task.stage_id, subtitle=task.title), chosen
    )


def assign(screen: Screen[Any], task: TaskView, done: Done) -> None:
    """Pick the agent who goes on site (or nobody)."""
    desk = desk_of(screen)
    options = agent_options(field_service.assignees(desk.db), desk.ctx.user_id)

    def chosen(pick: Pick[int | None] | None) -> None:
        if pick is None:
            return
        _apply(
            screen,
            lambda: field_service.set_assignee(desk.db, desk.ctx, task.id, pick.value),
            done,
        )

    screen.app.push_screen(
        PickerModal(_("Assign to"), options, current=task.user_id, subtitle=task.title), chosen
    )


def plan(screen: Screen[Any], task: TaskView, done: Done) -> None:
    """Type the planned date; a refusal reopens the modal with what was typed."""
    desk = desk_of(screen)
    title = _("Planned date · {title}").format(title=task.title)

    def planned(view: TaskView) -> None:
        screen.notify(
            _("Planned for {day}").format(day=fmt.day(view.planned_date))
            if view.planned_date
            else _("No planned date")
        )
        done(view)

    open_modal(
        screen,
        lambda typed, error: PlannedDateModal(
            title, typed or PlannedDate(task.planned_date), error
        ),
        lambda typed: field_service.set_planned_date(desk.db, desk.ctx, task.id, typed.day),
        planned,
    )
