"""The Outbox: every email the desk wrote, queued, failed or sent; retry what did not go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from .. import formatting as fmt
from ..i18n import _
from ..models import MailState
from ..services import mail
from ..services.mail import MailView
from ..widgets.literal import literal, one_line
from ..widgets.title_bar import TitleBar
from .compose_email import send_in_background
from .record_list import RecordListScreen

_STATE = {MailState.QUEUED: _("queued"), MailState.SENT: _("sent"), MailState.FAILED: _("failed")}


class OutboxScreen(RecordListScreen[MailView]):
    BINDINGS = [
        Binding("r", "retry", _("Retry"), id="retry"),
        Binding("R", "retry_all", _("Retry all"), id="retry-all"),
        Binding("ctrl+r", "refresh", _("Refresh"), id="refresh", show=False),
    ]
    COLUMNS = (
        ("state", _("State"), 7),
        ("when", _("Written"), 12),
        ("to", _("To"), 30),
        ("subject", _("Subject"), 30),
        ("tries", _("Tries"), 5),
    )

    def below_table(self) -> ComposeResult:
        yield Static(id="mail-detail")

    def title_text(self) -> Text:
        smtp = self.desk.settings.smtp
        where = f"{smtp.host}:{smtp.port}" if smtp else _("SMTP not configured: mail waits here")
        waiting = sum(1 for r in self.rows if r.state != MailState.SENT)
        title = Text.assemble((_("Outbox"), "bold"), " · ")
        title.append(_("{n} waiting").format(n=waiting) + " · " + where)
        return title

    def read_rows(self) -> list[MailView]:
        return mail.outbox(self.desk.db)

    def cells(self, row: MailView) -> Sequence[Any]:
        ctx = self.desk.ctx
        return (
            Text(_STATE[row.state], style="bold" if row.state != MailState.SENT else ""),
            Text(fmt.moment(row.created_at, ctx.tz, ctx.today())),
            one_line(row.to),
            one_line(row.subject),
            Text(str(row.attempts)),
        )

    def reload(self) -> None:
        super().reload()
        self.query_one(TitleBar).show(self.title_text())  # the waiting count changes
        self._show_detail()

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.current()
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
        row = self.current()
        if row is None or row.state == MailState.SENT:
            return
        send_in_background(self, row.id, self.reload)

    def action_retry_all(self) -> None:
        for mail_id in mail.pending(self.desk.db):
            send_in_background(self, mail_id, self.reload)

    def action_refresh(self) -> None:
        self.reload()
