"""Go to a ticket of the list by its number."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from ..i18n import _
from .action_modal import ActionModal, FieldProblem


class GoToModal(ActionModal[int]):
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Go"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]
    TITLE_TEXT = _("Go to ticket")
    SUBMIT_LABEL = _("Go")

    def fields(self) -> ComposeResult:
        yield from self.form_row(
            _("Number"), Input(placeholder="#1042", id="number", compact=True, max_length=20)
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#number", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_submit()

    def build_request(self) -> int:
        text = self.query_one("#number", Input).value.strip().removeprefix("#")
        if not text.isdigit():
            raise FieldProblem(_("Type a ticket number, e.g. 1042"), "number")
        return int(text)
