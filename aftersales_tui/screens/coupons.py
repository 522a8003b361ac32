"""The Coupons list of a ticket (its smart button): code, program, expiry, state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from .. import formatting as fmt
from ..i18n import _
from ..services import coupons, tickets
from ..services.coupons import CouponView
from ..services.linked import state_label
from ..widgets.literal import one_line
from ..widgets.title_bar import TitleBar
from .base import DeskScreen
from .coupon_card import CouponCard


class CouponsScreen(DeskScreen):
    BINDINGS = [
        Binding("enter", "open", _("Open"), id="open", priority=True),
        Binding("escape", "back", _("Back"), show=False, id="escape-back"),
        Binding("j", "cursor(1)", _("Down"), show=False, id="down"),
        Binding("k", "cursor(-1)", _("Up"), show=False, id="up"),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.rows: list[CouponView] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield DataTable(id="coupons", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        ticket = tickets.load(self.desk.db, self.ticket_id)
        title = Text.assemble((_("Coupons"), "bold"), " · ", ticket.ref, " ")
        title.append_text(one_line(ticket.title))
        self.query_one(TitleBar).show(title)
        table = self.query_one(DataTable)
        for key, label, width in (
            ("code", _("Code"), 21),
            ("program", _("Program"), 30),
            ("expiry", _("Expires"), 12),
            ("state", _("State"), 10),
        ):
            table.add_column(label, key=key, width=width)
        self.rows = coupons.for_ticket(self.desk.db, self.desk.ctx, self.ticket_id)
        for row in self.rows:
            table.add_row(
                Text(row.code),
                one_line(row.program),
                Text(fmt.day(row.expiration_date) or _("never")),
                Text(state_label(row.state.value)),
                key=str(row.id),
            )
        table.focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.app.push_screen(CouponCard(self.rows[table.cursor_row]))

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()
