"""The ticket's action bar: a button per after-sales action this ticket offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from ..i18n import _
from ..services.linked import Action, action_label


class ActionButton(Button):
    def __init__(self, action: Action, key: str) -> None:
        super().__init__(f"{key} {action_label(action)}", compact=True, classes="action-button")
        self.after_sales_action = action


class ActionBar(Horizontal):
    """Shows exactly the actions that are both available (a service decides) and built.

    ``keys`` maps each action the interface can open to its plain letter key.
    """

    @dataclass
    class Chosen(Message):
        action: Action

    def __init__(self, keys: Mapping[Action, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys = dict(keys)
        self.available: tuple[Action, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text(_("No after-sales action for this ticket"), style="dim"), id="no-actions")

    @property
    def shown(self) -> tuple[Action, ...]:
        return tuple(a for a in self.available if a in self._keys)

    def show(self, available: list[Action]) -> None:
        before = self.shown
        self.available = tuple(available)
        self.query_one("#no-actions").display = not self.shown
        if self.shown == before:
            return
        self.query(ActionButton).remove()
        self.mount_all(ActionButton(a, self._keys[a]) for a in self.shown)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, ActionButton):
            event.stop()
            self.post_message(self.Chosen(event.button.after_sales_action))
