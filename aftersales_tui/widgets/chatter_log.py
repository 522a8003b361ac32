"""The chatter: a ticket's messages, newest first."""

from __future__ import annotations

from datetime import date, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from .. import formatting as fmt
from ..i18n import _
from ..models import MessageKind
from ..services.chatter import ChatterEntry
from .literal import literal, one_line

_KIND = {MessageKind.NOTE: _("note"), MessageKind.EMAIL: _("email"), MessageKind.EVENT: ""}


class ChatterEntryView(Static):
    pass


class ChatterLog(VerticalScroll):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: tuple[ChatterEntry, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text(_("No messages yet"), style="dim"), classes="chatter-empty")

    def show(self, entries: list[ChatterEntry], tz: tzinfo, today: date) -> None:
        if tuple(entries) == self.entries:
            return
        self.entries = tuple(entries)
        self.query_one(".chatter-empty").display = not entries
        self.query(ChatterEntryView).remove()
        self.mount_all(
            ChatterEntryView(
                self._entry_text(entry, tz, today), classes=f"chatter-entry -{entry.kind.value}"
            )
            for entry in entries
        )

    @staticmethod
    def _entry_text(entry: ChatterEntry, tz: tzinfo, today: date) -> Text:
        head = Text()
        head.append_text(one_line(entry.author or _("System"), style="bold"))
        head.append(f" · {fmt.moment(entry.created_at, tz, today)}", style="dim")
        kind = _KIND.get(entry.kind, "")
        if kind:
            head.append(f"  ({kind})", style="italic")
        head.append("\n")
        head.append_text(literal(entry.body))
        return head
