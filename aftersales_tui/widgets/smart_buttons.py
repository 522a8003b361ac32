"""The smart buttons: a labelled count per kind of linked record, with its states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widgets import Static

from ..i18n import _

if TYPE_CHECKING:
    from ..services.linked import LinkKind, SmartButton


class SmartButtonBox(Static):
    """One smart button: ``Credit Notes 3`` over ``1 draft · 2 posted``.

    It becomes focusable (and opens its list) once that kind has a list screen.
    """

    @dataclass
    class Pressed(Message):
        kind: LinkKind

    def __init__(self, button: SmartButton, *, one_line: bool = False, openable: bool) -> None:
        super().__init__(classes=f"smart-button -{button.kind.value}")
        self.button = button
        self.one_line = one_line
        self.can_focus = openable

    def render(self) -> Text:
        """One line (``Credit Notes   3  1 draft · 2 posted``) or a box: label over states."""
        if self.one_line:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(f"{self.button.label:<13}", style="bold")
            text.append(f"{self.button.total:>3}  ", style="bold")
            text.append(self.button.breakdown, style="dim")
            return text
        text = Text()
        text.append(self.button.label, style="bold")
        text.append("\n")
        text.append(self.button.breakdown.replace(" · ", "\n"))
        return text

    BINDINGS = [Binding("enter,space", "press", _("Open"), show=False)]

    def on_click(self) -> None:
        self.action_press()

    def action_press(self) -> None:
        if self.can_focus:
            self.post_message(self.Pressed(self.button.kind))


class SmartButtonPanel(Container):
    """The smart buttons of one ticket; only kinds with a count above zero are shown."""

    def __init__(
        self,
        *,
        one_line: bool = False,
        openable: frozenset[LinkKind] = frozenset(),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.one_line = one_line
        self.openable = openable
        self.buttons: tuple[SmartButton, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text(_("No linked records yet"), style="dim"), classes="smart-empty")

    def show(self, buttons: list[SmartButton]) -> None:
        if tuple(buttons) == self.buttons:
            return
        self.buttons = tuple(buttons)
        self.query_one(".smart-empty").display = not buttons
        self.query(SmartButtonBox).remove()
        self.mount_all(
            SmartButtonBox(button, one_line=self.one_line, openable=button.kind in self.openable)
            for button in buttons
        )
