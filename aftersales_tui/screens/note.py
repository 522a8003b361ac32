"""Log a note on a ticket's chatter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TextArea

from ..i18n import _
from ..services import AfterSalesError
from .action_modal import ActionModal


class NoteModal(ActionModal[str]):
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Log"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]
    SUBMIT_LABEL = _("Log")

    def __init__(self, title: str, text: str = "", error: AfterSalesError | None = None) -> None:
        super().__init__(error)
        self._title = title
        self._text = text

    def window_title(self) -> str:
        return self._title

    def fields(self) -> ComposeResult:
        yield TextArea(self._text, id="body", soft_wrap=True, show_line_numbers=False, compact=True)
        yield self.error_slot("body")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#body", TextArea).focus()

    def build_request(self) -> str:
        return self.query_one("#body", TextArea).text
