"""The "Share Coupons" modal: the link that applies the code in the shop, and Copy."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from ..i18n import _


class ShareLinkModal(ModalScreen[None]):
    BINDINGS = [
        Binding("c", "copy", _("Copy"), id="copy"),
        Binding("escape,q", "close", _("Close"), id="close"),
    ]

    def __init__(self, link: str) -> None:
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-window share-window"):
            yield Static(_("Share Coupons"), classes="modal-title")
            yield Static(_("Share Link"), classes="form-label-block")
            # An input holds the link so that it can be selected by hand too.
            yield Input(self.link, id="share-url", compact=True)
            yield Static(
                _("The customer opens it and the code is applied to their cart."),
                classes="form-note",
            )
            with Horizontal(classes="modal-buttons"):
                yield Button(_("Copy") + " c", id="copy", variant="primary", compact=True)
                yield Button(_("Close") + " esc", id="close", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#copy", Button).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self.link:  # the text stays the link, whatever is typed
            event.input.value = self.link

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.action_close()

    def action_copy(self) -> None:
        """OSC 52: works over SSH and in tmux (when it allows it); the link stays on screen."""
        self.app.copy_to_clipboard(self.link)
        self.notify(_("Link copied to the clipboard (it is also shown here to copy by hand)"))

    def action_close(self) -> None:
        self.dismiss(None)
