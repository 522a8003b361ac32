"""The Outbox: every email the desk wrote, queued, failed or sent; retry what did not go."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .. import formatting as fmt
from ..i18n import _
from ..models import MailState
from ..services import mail
from ..services.mail import MailView
from ..widgets.literal import literal, one_line
from ..widgets.title_bar import TitleBar
from .base import DeskScreen
from .compose_email import send_in_background

_STATE = {MailState.QUEUED: _("queued"), MailState.SENT: _("sent"), MailState.FAILED: _("failed")}


class OutboxScreen(DeskScreen):
    BINDINGS = [
        Binding("r", "retry", _("Retry"), id="retry"),
        Binding("R", "retry_all", _("Retry all"), id="retry-all"),
        Binding("ctrl+r", "refresh", _("Refresh"), id="refresh", show=False),
        Binding("escape", "back", _("Back"), show=False, id="escape-back"),
        Binding("j", "cursor(1)", _("Down"), show=False, id="down"),
        Binding("k", "cursor(-1)", _("Up"), show=False, id="up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[MailView] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield DataTable(id="outbox", cursor_type="row")
        yield Static(id="mail-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in (
            ("state", _("State"), 7),
            ("when", _("Written"), 12),
            ("to", _("To"), 30),
            ("subject", _("Subject"), 30),
            ("tries", _("Tries"), 5),
        ):
            table.add_column(label, key=key, width=width)
        self.reload()
        table.focus()

    def reload(self) -> None:
        desk = self.desk
        self.rows = mail.outbox(desk.db)
        smtp = desk.settings.smtp
        where = f"{smtp.host}:{smtp.port}" if smtp else _("SMTP not configured: mail waits here")
        waiting = sum(1 for r in self.rows if r.state != MailState.SENT)
        title = Text.assemble((_("Outbox"), "bold"), " · ")
        title.append(_("{n} waiting").format(n=waiting) + " · " + where)
        self.query_one(TitleBar).show(title)
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        today = desk.ctx.today()
        for row in self.rows:
            table.add_row(
                Text(_STATE[row.state], style="bold" if row.state != MailState.SENT else ""),
                Text(fmt.moment(row.created_at, desk.ctx.tz, today)),
                one_line(row.to),
                one_line(row.subject),
                Text(str(row.attempts)),
                key=str(row.id),
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))
        self._show_detail()

    def _current(self) -> MailView | None:
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self._current()
        detail = self.query_one("#mail-detail", Static)
        if row is None:
            detail.update(Text(_("No email yet"), style="dim"))
            return
        text = Text()
        if row.error:
            text.append(_("Error: "), style="bold")
            text.append_text(literal(row.error))
            text.append("\n")
        text.append_text(literal(row.body))
        detail.update(text)

    def action_retry(self) -> None:
        row = self._current()
        if row is None or row.state == MailState.SENT:
            return
        send_in_background(self, row.id, self.reload)

    def action_retry_all(self) -> None:
        for mail_id in mail.pending(self.desk.db):
            send_in_background(self, mail_id, self.reload)

    def action_refresh(self) -> None:
        self.reload()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()
