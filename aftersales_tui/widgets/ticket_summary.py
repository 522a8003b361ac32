"""The highlighted ticket's summary, beside the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from .. import formatting as fmt
from ..i18n import _
from ..services.context import Context
from .literal import literal, one_line

if TYPE_CHECKING:
    from ..services.tickets import TicketDetail

DESCRIPTION_LINES = 4


class TicketSummary(Static):
    def __init__(self, ctx: Context, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ctx = ctx
        self.ticket: TicketDetail | None = None

    def show(self, ticket: TicketDetail | None) -> None:
        self.ticket = ticket
        if ticket is None:
            self.border_title = ""
            self.update(Text(_("No ticket matches."), style="dim"))
            return
        self.border_title = ticket.ref
        text = Text()
        text.append_text(one_line(ticket.title, style="bold"))
        text.append("\n")
        text.append_text(one_line(" · ".join(p for p in (ticket.customer, ticket.team) if p)))
        text.append("\n")
        stars = fmt.priority_stars(ticket.priority) or _("no priority")
        parts = [fmt.stage_label(ticket.stage), stars, ticket.assignee or _("unassigned")]
        parts.append(fmt.age(ticket.created_at, self._ctx.now()))
        text.append_text(one_line(" · ".join(parts)))
        text.append("\n")
        if ticket.product:
            text.append(f"{_('Product'):<9}", style="dim")
            text.append_text(one_line(ticket.product))
            if ticket.lot:
                text.append(" ")
                text.append_text(one_line(f"({ticket.lot})"))
            text.append("\n")
        if ticket.sale_order:
            text.append(f"{_('Order'):<9}", style="dim")
            text.append_text(one_line(ticket.sale_order))
            text.append("\n")
        description = [line for line in ticket.description.splitlines() if line.strip()]
        if description:
            text.append("\n")
            text.append_text(literal("\n".join(description[:DESCRIPTION_LINES]), style="dim"))
        self.update(text)
