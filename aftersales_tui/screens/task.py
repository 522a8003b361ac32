"""A field-service task: its fields beside its ticket's chatter (where its changes are logged);
its stage, planned date and agent can be changed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer

from ..i18n import _
from ..services import AfterSalesError, field_service
from ..services.field_service import TaskView
from ..widgets.chatter_log import ChatterLog
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
        with Horizontal(id="task-body"):
            with VerticalScroll(id="task-pane"):
                yield TaskFields(id="task-fields")
            yield ChatterLog(id="chatter")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#task-pane").border_title = _("Field Service task")
        self.query_one("#chatter").border_title = _("Ticket chatter")
        self.reload()

    def reload(self) -> None:
        desk = self.desk
        try:
            page = field_service.task_page(desk.db, self.task_id)
        except AfterSalesError as gone:
            self.notify(gone.message, severity="error")
            self.dismiss(None)
            return
        task = page.task
        self.shown_task = task
        left = Text.assemble((_("Task"), "bold"), " · ", one_line(task.title, style="bold"))
        right = one_line(" · ".join(part for part in (task.project, task.stage) if part))
        self.query_one(TitleBar).show(left, right)
        self.query_one(TaskFields).show(task)
        self.query_one(ChatterLog).show(page.history, desk.ctx.tz, desk.ctx.today())
        if task.ticket_ref:
            self.query_one("#chatter").border_title = _("Chatter · {ref}").format(
                ref=task.ticket_ref
            )

    def _changed(self, _task: TaskView) -> None:
        self.reload()

    def action_stage(self) -> None:
        if self.shown_task is not None:
            task_flow.move_stage(self, self.shown_task, self._changed)

    def action_plan(self) -> None:
        if self.shown_task is not None:
            task_flow.plan(self, self.shown_task, self._changed)

    def action_assign(self) -> None:
        if self.shown_task is not None:
            task_flow.assign(self, self.shown_task, self._changed)
