"""The ticket's fields, read-only, on the ticket screen (`e` edits them)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from .. import formatting as fmt
from ..i18n import _
from ..services import Context
from ..services.tickets import TicketDetail
from .fitted import Fitted
from .literal import clean

NONE = Content.styled("—", "dim")


class FieldLines:
    """Labels in a dim column as wide as the longest, each value beside its label and
    wrapped under itself; then a blank line and the description at the full width."""

    def __init__(self, rows: list[tuple[str, Content]], description: Content) -> None:
        self.rows = rows
        self.description = description
        self._laid_out: tuple[int, Content] | None = None

    def lay_out(self, width: int) -> Content:
        """The lines at ``width`` (kept: Textual asks for the height, then for the lines)."""
        if self._laid_out is None or self._laid_out[0] != width:
            self._laid_out = (width, self._lay_out(width))
        return self._laid_out[1]

    def _lay_out(self, width: int) -> Content:
        label_width = max((cell_len(label) for label, _value in self.rows), default=0)
        value_width = max(1, width - label_width - 1)
        blank = " " * label_width
        lines: list[Content] = []
        for label, value in self.rows:
            # A value is on one line (folded); most fit as they are.
            wrapped = [value] if value.cell_length <= value_width else value.wrap(value_width)
            for number, line in enumerate(wrapped):
                cell = label + " " * (label_width - cell_len(label)) if number == 0 else blank
                lines.append(Content.assemble((cell, "dim"), " ", line))
        lines += [Content(""), Content.styled(_("Description"), "dim"), self.description]
        return Content("\n").join(lines)

    @property
    def plain(self) -> str:
        """The fields as plain text (each value on one line)."""
        rows = [f"{label} {value.plain}" for label, value in self.rows]
        return "\n".join([*rows, "", _("Description"), self.description.plain])


def field_lines(ticket: TicketDetail, ctx: Context) -> FieldLines:
    rows: list[tuple[str, Content]] = []

    def row(label: str, value: str) -> None:
        folded = " ".join(value.split())
        rows.append((label, Content(clean(folded)) if folded else NONE))

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
    today = ctx.today()
    row(_("Created"), fmt.moment(ticket.created_at, ctx.tz, today))
    row(_("Updated"), fmt.moment(ticket.updated_at, ctx.tz, today))
    description = Content(clean(ticket.description)) if ticket.description.strip() else NONE
    return FieldLines(rows, description)


class TicketFields(Static):
    """The fields, laid out for the width; ``content`` holds them as plain text."""

    def __init__(
        self, ctx: Context, ticket: TicketDetail | None = None, *, id: str | None = None
    ) -> None:
        self._ctx = ctx
        self.fields = field_lines(ticket, ctx) if ticket is not None else None
        super().__init__(Content(self.fields.plain) if self.fields else "", id=id)

    def show(self, ticket: TicketDetail) -> None:
        self.fields = field_lines(ticket, self._ctx)
        self.update(Content(self.fields.plain))

    def render(self) -> Fitted | Content:
        if self.fields is None:
            return Content("")
        return Fitted(self.fields.lay_out)
