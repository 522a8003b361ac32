"""A field-service task: its fields; its stage, planned date and agent can be changed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer

from ..i18n import _
from ..services import AfterSalesError, field_service
from ..services.field_service import TaskView
from ..widgets.literal import one_line
from ..widgets.task_fields import TaskFields
from ..widgets.title_bar import TitleBar
from . import task_flow
from .base import DeskScreen


class TaskScreen(DeskScreen):
    BINDINGS = [
        Binding("s", "stage", _("Stage"), id="task-stage"),
        Binding("d", "plan", _("Planned date"), id="task-plan"),
        Binding("a", "assign", _("Assign"), id="task-assign"),
        Binding("escape", "back", _("Back"), id="escape-back", show=False),
    ]

    def __init__(self, task_id: int) -> None:
        super().__init__()
        self.task_id = task_id
        self.shown_task: TaskView | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(id="task-bar")
        with VerticalScroll(id="task-pane"):
            yield TaskFields(id="task-fields")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#task-pane").border_title = _("Field Service task")
        self.reload()

    def reload(self) -> None:
        try:
            self.show(field_service.load(self.desk.db, self.task_id))
        except AfterSalesError as gone:
            self.notify(gone.message, severity="error")
            self.dismiss(None)

    def show(self, task: TaskView) -> None:
        self.shown_task = task
        left = Text.assemble((_("Task"), "bold"), " · ", one_line(task.title, style="bold"))
        right = one_line(" · ".join(part for part in (task.project, task.stage) if part))
        self.query_one(TitleBar).show(left, right)
        self.query_one(TaskFields).show(task)

    def action_stage(self) -> None:
        if self.shown_task is not None:
            task_flow.move_stage(self, self.shown_task, self.show)

    def action_plan(self) -> None:
        if self.shown_task is not None:
            task_flow.plan(self, self.shown_task, self.show)

    def action_assign(self) -> None:
        if self.shown_task is not None:
            task_flow.assign(self, self.shown_task, self.show)
