"""The Tasks list of a ticket (its smart button): open a task, move its stage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding

from .. import formatting as fmt
from ..i18n import _
from ..services import field_service
from ..services.field_service import TaskView
from ..widgets.literal import one_line
from . import task_flow
from .record_list import RecordListScreen
from .task import TaskScreen


class TasksScreen(RecordListScreen[TaskView]):
    BINDINGS = [
        Binding("enter", "open", _("Open"), id="open", priority=True),
        Binding("s", "stage", _("Move stage"), id="task-stage"),
    ]
    COLUMNS = (
        ("title", _("Title"), 30),
        ("project", _("Project"), 18),
        ("stage", _("Stage"), 13),
        ("planned", _("Planned"), 10),
        ("assignee", _("Assigned"), 16),
    )

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def title_text(self) -> Text:
        return self.ticket_title(_("Tasks"), self.ticket_id)

    def read_rows(self) -> list[TaskView]:
        return field_service.for_ticket(self.desk.db, self.ticket_id)

    def cells(self, row: TaskView) -> Sequence[Any]:
        return (
            one_line(row.title),
            one_line(row.project),
            one_line(row.stage, style="dim" if row.closed else ""),
            Text(fmt.day(row.planned_date)),
            one_line(row.assignee),
        )

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(TaskScreen(row.id), lambda _result: self.reload())

    def action_stage(self) -> None:
        row = self.current()
        if row is not None:
            task_flow.move_stage(self, row, lambda _task: self.reload(), confirm=True)
