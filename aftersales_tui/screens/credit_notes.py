"""The Credit Notes list of a ticket (its smart button): open, post or cancel a draft."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding

from .. import formatting as fmt
from ..i18n import _
from ..models import InvoiceState
from ..services import AfterSalesError, credit_notes
from ..services.credit_notes import CreditNoteRow
from ..services.linked import state_label
from ..widgets.literal import one_line
from .confirm import ConfirmModal
from .credit_note_editor import open_credit_note
from .record_list import RecordListScreen


class CreditNotesScreen(RecordListScreen[CreditNoteRow]):
    BINDINGS = [
        Binding("enter", "open", _("Open"), id="open", priority=True),
        Binding("p", "post", _("Post"), id="post"),
        Binding("c", "cancel_draft", _("Cancel draft"), id="cancel-draft"),
    ]
    COLUMNS = (
        ("name", _("Number"), 18),
        ("invoice", _("Reverses"), 18),
        ("date", _("Date"), 11),
        ("state", _("State"), 22),
        ("amount", _("Amount"), 12),
    )

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def title_text(self) -> Text:
        return self.ticket_title(_("Credit Notes"), self.ticket_id)

    def read_rows(self) -> list[CreditNoteRow]:
        return credit_notes.for_ticket(self.desk.db, self.ticket_id)

    def cells(self, row: CreditNoteRow) -> Sequence[Any]:
        state = state_label(row.state.value)
        if row.scheduled:
            state += " · " + _("posts {day}").format(day=fmt.day(row.invoice_date))
        return (
            one_line(row.name),
            one_line(row.invoice),
            Text(fmt.day(row.invoice_date)),
            Text(state),
            Text(fmt.money(row.amount), justify="right"),
        )

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            open_credit_note(self, row.id, self.reload)

    def _confirm_draft(self, question: str, yes: str, change: Callable[[int], None]) -> None:
        row = self.current()
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

        text = question.format(name=row.name, amount=fmt.money(row.amount))
        self.app.push_screen(ConfirmModal(row.name, text, yes), answered)

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
