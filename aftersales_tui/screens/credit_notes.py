"""The Credit Notes list of a ticket (its smart button): open, post or cancel a draft."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from .. import formatting as fmt
from ..i18n import _
from ..models import InvoiceState
from ..services import AfterSalesError, credit_notes, tickets
from ..services.credit_notes import CreditNoteRow
from ..services.linked import state_label
from ..widgets.literal import one_line
from ..widgets.title_bar import TitleBar
from .base import DeskScreen
from .confirm import ConfirmModal
from .credit_note_editor import open_credit_note


class CreditNotesScreen(DeskScreen):
    BINDINGS = [
        Binding("enter", "open", _("Open"), id="open", priority=True),
        Binding("p", "post", _("Post"), id="post"),
        Binding("c", "cancel_draft", _("Cancel draft"), id="cancel-draft"),
        Binding("escape", "back", _("Back"), show=False, id="escape-back"),
        Binding("j", "cursor(1)", _("Down"), show=False, id="down"),
        Binding("k", "cursor(-1)", _("Up"), show=False, id="up"),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.rows: list[CreditNoteRow] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(id="credit-notes-bar")
        yield DataTable(id="credit-notes", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        ticket = tickets.load(self.desk.db, self.ticket_id)
        title = Text.assemble((_("Credit Notes"), "bold"), " · ", ticket.ref, " ")
        title.append_text(one_line(ticket.title))
        self.query_one(TitleBar).show(title)
        table = self.query_one(DataTable)
        for key, label, width in (
            ("name", _("Number"), 18),
            ("invoice", _("Reverses"), 18),
            ("date", _("Date"), 11),
            ("state", _("State"), 22),
            ("amount", _("Amount"), 12),
        ):
            table.add_column(label, key=key, width=width)
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        self.rows = credit_notes.for_ticket(self.desk.db, self.ticket_id)
        table.clear()
        for row in self.rows:
            state = state_label(row.state.value)
            if row.scheduled:
                state += " · " + _("posts {day}").format(day=fmt.day(row.invoice_date))
            table.add_row(
                one_line(row.name),
                one_line(row.invoice),
                Text(fmt.day(row.invoice_date)),
                Text(state),
                Text(fmt.money(row.amount), justify="right"),
                key=str(row.id),
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    def _current(self) -> CreditNoteRow | None:
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            open_credit_note(self, row.id, self.reload)

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    def _confirm_draft(self, question: str, yes: str, change: Callable[[int], None]) -> None:
        row = self._current()
        if row is None:
            return
        if row.state != InvoiceState.DRAFT:
            self.notify(
                _("{name} is {state}: only a draft can change").format(
                    name=row.name, state=state_label(row.state.value)
                ),
                severity="warning",
            )
            return

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                change(row.id)
            except AfterSalesError as refused:
                self.notify(refused.message, severity="error")
            self.reload()

        self.app.push_screen(
            ConfirmModal(
                row.name, question.format(name=row.name, amount=fmt.money(row.amount)), yes
            ),
            answered,
        )

    def action_post(self) -> None:
        desk = self.desk
        self._confirm_draft(
            _("Post {name} ({amount}) and reconcile it with its invoice?"),
            _("Post"),
            lambda credit_id: credit_notes.post(desk.db, desk.ctx, credit_id),
        )

    def action_cancel_draft(self) -> None:
        desk = self.desk
        self._confirm_draft(
            _("Cancel the draft {name} ({amount})? It will no longer count against its invoice."),
            _("Cancel it"),
            lambda credit_id: credit_notes.cancel(desk.db, desk.ctx, credit_id),
        )
