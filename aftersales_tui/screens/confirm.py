"""Ask before doing something that touches many tickets or leaves work open."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..i18n import _
from ..widgets.literal import literal, one_line


class ConfirmModal(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", _("Yes"), id="yes"),
        Binding("n", "answer(False)", _("No"), id="no"),
        Binding("escape", "answer(False)", _("Cancel"), id="cancel"),
    ]

    def __init__(self, title: str, question: str, yes_label: str = "") -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._yes_label = yes_label or _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-window confirm-window"):
            yield Static(one_line(self._title), classes="modal-title")
            yield Static(literal(self._question), classes="confirm-question")
            with Horizontal(classes="modal-buttons"):
                yield Button(f"{self._yes_label} y", id="yes", variant="warning", compact=True)
                yield Button(_("No") + " n", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
