"""The ticket's action bar: a button per after-sales action this ticket offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

    ``keys`` maps each action the interface can open to its plain letter key, in the order
    the buttons stand. Every button is built once and shown or hidden, so that showing another
    ticket mounts nothing.
    """

    @dataclass
    class Chosen(Message):
        action: Action

    def __init__(
        self,
        keys: Mapping[Action, str],
        available: Sequence[Action] = (),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._keys = dict(keys)
        self.available: tuple[Action, ...] = tuple(available)

    def compose(self) -> ComposeResult:
        shown = self.shown
        text = Text(_("No after-sales action for this ticket"), style="dim")
        none = Static(text, id="no-actions")
        none.display = not shown
        yield none
        for action, key in self._keys.items():
            button = ActionButton(action, key)
            button.display = action in shown
            yield button

    @property
    def shown(self) -> tuple[Action, ...]:
        return tuple(a for a in self.available if a in self._keys)

    def show(self, available: Sequence[Action]) -> None:
        self.available = tuple(available)
        shown = self.shown
        for child in self.children:
            wanted = (
                child.after_sales_action in shown if isinstance(child, ActionButton) else not shown
            )
            if child.display != wanted:  # setting it, even unchanged, repaints
                child.display = wanted

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, ActionButton):
            event.stop()
            self.post_message(self.Chosen(event.button.after_sales_action))
