"""The Returns list of a ticket (its smart button): open a return, validate a ready one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding

from .. import formatting as fmt
from ..i18n import _
from ..services import returns
from ..services.linked import state_label
from ..services.stock import ReturnView
from ..widgets.literal import one_line
from .record_list import RecordListScreen
from .return_card import ReturnCard, confirm_validate


class ReturnsScreen(RecordListScreen[ReturnView]):
    BINDINGS = [
        Binding("enter", "open", _("Open"), id="open", priority=True),
        Binding("v", "validate", _("Validate"), id="validate"),
    ]
    COLUMNS = (
        ("name", _("Number"), 14),
        ("origin", _("Origin"), 24),
        ("date", _("Date"), 11),
        ("state", _("State"), 10),
        ("quantity", _("Quantity"), 9),
        ("destination", _("To"), 16),
    )

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def title_text(self) -> Text:
        return self.ticket_title(_("Returns"), self.ticket_id)

    def read_rows(self) -> list[ReturnView]:
        return returns.for_ticket(self.desk.db, self.ticket_id)

    def cells(self, row: ReturnView) -> Sequence[Any]:
        moment = row.date_done or row.created_at
        day = moment.astimezone(self.desk.ctx.tz).date()
        return (
            one_line(row.name),
            one_line(row.origin),
            Text(fmt.day(day)),
            Text(state_label(row.state.value)),
            Text(fmt.quantity(row.quantity), justify="right"),
            one_line(row.destination),
        )

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(ReturnCard(row), lambda _result: self.reload())

    def action_validate(self) -> None:
        row = self.current()
        if row is not None:
            confirm_validate(self, row, lambda _receipt: self.reload())
