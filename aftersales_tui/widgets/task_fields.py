"""A field-service task's fields, read-only, on the task screen (keys change stage, date, agent)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from .. import formatting as fmt
from ..i18n import _
from ..services.field_service import TaskView
from .literal import folded, literal


class TaskFields(Static):
    def show(self, task: TaskView) -> None:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        none = Text("—", style="dim")

        def row(label: str, value: str, style: str = "") -> None:
            grid.add_row(label, folded(value, style=style) if value else none)

        row(_("Title"), task.title, "bold")
        row(_("Project"), task.project)
        row(_("Worksheet Template"), task.template)
        row(_("Customer"), task.customer)
        stage = task.stage + (" · " + _("closed") if task.closed else "") if task.stage else ""
        row(_("Stage"), stage)
        row(_("Planned Date"), fmt.day(task.planned_date))
        row(_("Assigned"), task.assignee)
        row(_("Ticket"), f"{task.ticket_ref} {task.ticket_title}".strip())
        body = literal(task.description) if task.description.strip() else none
        self.update(Group(grid, Text(""), Text(_("Description"), style="dim"), body))
