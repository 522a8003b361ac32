"""The ticket's fields, read-only, on the ticket screen (`e` edits them)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from .. import formatting as fmt
from ..i18n import _
from ..services import Context
from ..services.tickets import TicketDetail
from .literal import folded, literal


class TicketFields(Static):
    def __init__(self, ctx: Context, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ctx = ctx

    def show(self, ticket: TicketDetail) -> None:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        none = Text("—", style="dim")

        def row(label: str, value: str) -> None:
            grid.add_row(label, folded(value) if value else none)

        followers = ", ".join(ticket.followers)
        row(_("Customer"), ticket.customer)
        row(_("Product"), ticket.product)
        if ticket.lot:
            row(_("Lot/Serial"), ticket.lot)
        row(_("Sales Order"), ticket.sale_order)
        row(_("Team"), ticket.team)
        row(_("Assigned"), ticket.assignee)
        row(_("Stage"), fmt.stage_label(ticket.stage))
        row(
            _("Priority"),
            fmt.priority_label(ticket.priority) + " " + fmt.priority_stars(ticket.priority),
        )
        row(_("Followers"), followers)
        today = self._ctx.today()
        row(_("Created"), fmt.moment(ticket.created_at, self._ctx.tz, today))
        row(_("Updated"), fmt.moment(ticket.updated_at, self._ctx.tz, today))
        body = literal(ticket.description) if ticket.description.strip() else none
        self.update(Group(grid, Text(""), Text(_("Description"), style="dim"), body))
